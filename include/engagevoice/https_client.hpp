// A blocking HTTPS client for the upstream API, built on Beast and OpenSSL.
//
// Each request opens a connection, verifies the server's certificate (system CAs or a given CA
// file) and host name with SNI, and runs every step (resolve, connect, handshake, write, read)
// against one deadline. Plain http is allowed only for tests against a local mock. With a
// forward proxy, the client connects to the proxy, asks it for a tunnel with CONNECT and speaks
// TLS (or plain http) to the target through it, still checking the target's certificate and
// name. A client is not thread-safe; a poller owns one.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engagevoice/http_headers.hpp"
#include "engagevoice/proxy.hpp"
#include "engagevoice/result.hpp"
#include "engagevoice/secret.hpp"
#include "engagevoice/url.hpp"

namespace engagevoice {

struct HttpRequest {
    std::string method = "GET";
    // The path may end in a query ("/login?x=1"); it is sent as the request target as is, and
    // no error message repeats it.
    Url url;
    // Header name and value pairs; Host, User-Agent and Content-Length are added by the client.
    HeaderList headers;
    std::string body;
};

struct HttpResponse {
    int status = 0;
    HeaderList headers;
    std::string body;

    // The first header with this name (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

struct HttpsClientOptions {
    // PEM file of CAs to trust instead of the system's; empty means the system's.
    std::string ca_file;
    // Responses with a larger body fail with Kind::Http.
    std::size_t max_body_bytes = 256 * 1024 * 1024;
    std::string user_agent = "engage_voice_exporter";
    // Allow http:// URLs (for tests against a local mock); otherwise they fail with
    // Kind::Network.
    bool allow_plain_http = false;
    // The account's forward proxy (accounts[].proxy_url): when set, every request goes through
    // it, whatever the environment says. Read again at each connection, so a rotated file
    // applies. Empty: the environment decides.
    Secret proxy_url;
    // HTTPS_PROXY, HTTP_PROXY and NO_PROXY as read at start (proxy_environment_from). The
    // default uses no proxy.
    ProxyEnvironment proxy_environment;
};

class HttpsClient {
public:
    // Throws std::runtime_error when the CA file cannot be loaded.
    explicit HttpsClient(HttpsClientOptions options);
    ~HttpsClient();
    HttpsClient(const HttpsClient&) = delete;
    HttpsClient& operator=(const HttpsClient&) = delete;

    // Sends one request on a new connection and reads the whole response, all before
    // `deadline`. Any status is a success here; the caller judges it. Chunked bodies are
    // decoded; no compression is asked for. Fails with Kind::Timeout when the deadline passes,
    // Kind::Network for resolve, connect, TLS and reset errors (the message names the step and
    // host:port, never a header value or the path), Kind::Http for a malformed or oversized
    // response ("response body exceeds N bytes"). Through a proxy, the proxy is resolved and
    // connected to instead of the target; a proxy that cannot be reached, refuses the tunnel
    // ("proxy host:port refused the tunnel to host:port: 407 Proxy Authentication Required")
    // or answers garbage, and a proxy URL that cannot be read or parsed, fail with
    // Kind::Network; messages name a proxy as "proxy host:port", never with its credentials.
    // Never throws.
    Result<HttpResponse> send(const HttpRequest& request,
                              std::chrono::steady_clock::time_point deadline);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace engagevoice
