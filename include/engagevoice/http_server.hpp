// An asynchronous HTTP(S) server on Beast, with a plain request handler.
//
// The server knows nothing of metrics: it reads requests, passes them to a handler as plain data
// and writes what the handler returns. It runs its own threads, binds every listen address at
// start, and stops cleanly from any thread. Beast stays inside its .cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engagevoice/http_headers.hpp"

namespace engagevoice {

struct ServerRequest {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query as sent, e.g. "/metrics?x=1"
    HeaderList headers;
    std::string body;
    std::string remote_address;

    // The first header with this name (case-insensitive), or "".
    std::string header(std::string_view name) const;
    // The target without its query.
    std::string path() const;
};

struct ServerResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    HeaderList headers;
    std::string body;
};

// Called on a server thread, possibly on several at once. It should not throw; if it does, the
// client gets a 500 and the server goes on. A HEAD request reaches the handler as a GET; the
// server then sends the headers of the answer without its body.
using RequestHandler = std::function<ServerResponse(const ServerRequest&)>;

struct ServerTls {
    std::string cert_file;  // PEM chain
    std::string key_file;   // PEM private key
};

struct HttpServerOptions {
    // "host:port", ":port" (all interfaces, IPv6 and IPv4 where the system allows) or
    // "[v6]:port"; port 0 picks a free port. A host name binds its first address.
    std::vector<std::string> listen_addresses;
    // Serve HTTPS with this certificate when set.
    std::optional<ServerTls> tls;
    int threads = 2;
    // Larger request bodies get 413 and the connection is closed.
    std::size_t max_request_body_bytes = 1024 * 1024;
};

// Connections are kept alive between requests. A client gets 10 seconds to send the headers of
// each request (so idle and slow clients are cut off) and 30 seconds for its body; request
// headers are limited to 16 KiB (431 beyond).
class HttpServer {
public:
    // Binds every address and, with TLS, loads the certificate and key. Throws
    // std::runtime_error naming the address or the file that failed. Serves nothing until
    // start().
    HttpServer(HttpServerOptions options, RequestHandler handler);
    // Stops the server if it still runs.
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Starts the server threads. Returns at once. A second call does nothing; a server does not
    // start again after stop().
    void start();
    // Stops accepting, closes connections and joins the threads. Safe to call twice and from
    // any thread; called from inside a handler it does not wait for that handler's own thread,
    // which a later stop() or the destructor joins.
    void stop();

    // The bound addresses as "host:port" ("[v6]:port" for IPv6), with the real port when 0 was
    // asked for. Thread-safe.
    std::vector<std::string> bound_addresses() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace engagevoice
