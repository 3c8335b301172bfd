// An asynchronous HTTP(S) server on Beast, with a plain request handler.
//
// The server knows nothing of metrics: it reads requests, passes them to a handler as plain data
// and writes what the handler returns. It runs its own threads, binds every listen address at
// start, and stops cleanly from any thread. With a web configuration file it serves TLS, asks
// for basic auth and adds headers, and follows changes of that file and the files it names.
// Beast and OpenSSL stay inside its .cpp.
#pragma once

#include <chrono>
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
#include "engagevoice/logging.hpp"

namespace engagevoice {

struct ServerRequest {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query as sent, e.g. "/metrics?x=1"
    HeaderList headers;
    std::string body;
    std::string remote_address;

    // The first header with this name (case-insensitive), or "".
    std::string header(std::string_view name) const;
    // The target without its query, and without scheme and authority when the target is in
    // absolute form ("http://host/metrics" gives "/metrics").
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

// A certificate and key, for servers without a web configuration file (the mock).
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
    // Open connections beyond this are closed as soon as they are accepted.
    std::size_t max_connections = 256;
    // The web configuration (--web.config.file, see web_config.hpp); "" for none. Not together
    // with `tls`.
    std::string web_config_file;
    // How often the web configuration file and the certificate, key and CA files it names are
    // checked for changes (modification time, size, inode). A change applies once the files
    // stayed the same for one more interval, so a file caught halfway written is not read.
    std::chrono::milliseconds web_config_check_interval{3000};
    // Where reloads of the web configuration and refused connections are logged; nowhere when
    // unset.
    std::optional<Logger> log;
};

// Connections are kept alive between requests. A client gets 10 seconds for the TLS handshake,
// 10 seconds to send the headers of each request (so idle and slow clients are cut off) and 30
// seconds for its body; request headers are limited to 16 KiB (431 beyond). Methods other than
// GET, HEAD, POST and PUT get 405 without reaching the handler.
//
// With basic_auth_users in the web configuration, every path needs a user's password: a missing
// or wrong one gets 401 with `WWW-Authenticate: Basic realm="engage_voice_exporter"`. Passwords
// are checked with bcrypt on a thread of their own, so the server threads never wait for it.
//
// A changed web configuration applies to new connections (TLS) and new requests (users,
// headers) without a restart. A new file that is invalid, or whose files do not load, is
// logged and the running configuration kept. Turning TLS on or off needs a restart.
class HttpServer {
public:
    // Binds every address and loads the web configuration and its files, or the certificate and
    // key of `tls`. Throws ConfigError naming the file and key of a web configuration that is
    // invalid or whose files do not load, std::runtime_error naming the address or the TLS file
    // that failed otherwise, std::invalid_argument when both `tls` and `web_config_file` are
    // set. Serves nothing until start().
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

    // Reads the web configuration file again now and applies it, whether or not its files
    // changed. Throws ConfigError, keeping the running configuration, when the file is invalid,
    // its files do not load or it turns TLS on or off. Does nothing without a web
    // configuration file. Thread-safe.
    void reload_web_config();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Loads a web configuration file and the certificate, key and CA files it names, as a server
// start would, and drops them: for --config.check. Throws ConfigError naming the file and key.
void check_web_config(const std::string& file);

}  // namespace engagevoice
