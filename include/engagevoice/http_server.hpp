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

namespace engagevoice {

struct ServerRequest {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query as sent, e.g. "/metrics?x=1"
    std::vector<std::pair<std::string, std::string>> headers;
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
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// Called on a server thread, possibly on several at once. It should not throw; if it does, the
// client gets a 500 and the server goes on.
using RequestHandler = std::function<ServerResponse(const ServerRequest&)>;

struct ServerTls {
    std::string cert_file;  // PEM chain
    std::string key_file;   // PEM private key
};

struct HttpServerOptions {
    // "host:port", ":port" (all interfaces) or "[v6]:port"; port 0 picks a free port.
    std::vector<std::string> listen_addresses;
    // Serve HTTPS with this certificate when set.
    std::optional<ServerTls> tls;
    int threads = 2;
    std::size_t max_request_body_bytes = 1024 * 1024;
};

class HttpServer {
public:
    // Binds every address; throws std::runtime_error naming the address that failed.
    HttpServer(HttpServerOptions options, RequestHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Starts the server threads. Returns at once.
    void start();
    // Stops accepting, closes connections and joins the threads. Safe to call twice.
    void stop();

    // The bound addresses as "host:port", with the real port when 0 was asked for.
    std::vector<std::string> bound_addresses() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace engagevoice
