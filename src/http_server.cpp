#include "engagevoice/http_server.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "engagevoice/config.hpp"
#include "engagevoice/web_config.hpp"

namespace engagevoice {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kHeaderTimeout = std::chrono::seconds(10);
constexpr auto kBodyTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kShutdownTimeout = std::chrono::seconds(5);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr const char* kAuthenticate = "Basic realm=\"engage_voice_exporter\"";

// What the server applies, built whole from one web configuration and swapped whole: a
// connection keeps the TLS context it started with, a request sees the users and headers of
// its time.
struct Settings {
    WebConfig config;
    std::shared_ptr<ssl::context> tls;  // null: plain HTTP
};

using SettingsPtr = std::shared_ptr<const Settings>;

std::shared_ptr<ssl::context> make_tls_context(const WebConfig& config) {
    std::shared_ptr<ssl_ctx_st> native = make_server_tls_context(config);
    // asio's context frees the handle it is given, so it gets a reference of its own.
    SSL_CTX_up_ref(native.get());
    return std::make_shared<ssl::context>(native.get());
}

SettingsPtr make_settings(WebConfig config) {
    auto settings = std::make_shared<Settings>();
    if (config.tls) {
        settings->tls = make_tls_context(config);
    }
    settings->config = std::move(config);
    return settings;
}

// "a.b.c.d:port" or "[v6]:port"; IPv4 clients of a dual-stack socket show as IPv4.
std::string format_endpoint(const tcp::endpoint& endpoint) {
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    auto host = address.to_string();
    auto port = std::to_string(endpoint.port());
    return address.is_v6() ? "[" + host + "]:" + port : host + ":" + port;
}

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

ServerResponse plain_response(int status, std::string body) {
    ServerResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

ServerResponse unauthorized() {
    ServerResponse response = plain_response(401, "Unauthorized\n");
    response.headers.emplace_back("WWW-Authenticate", kAuthenticate);
    return response;
}

ServerRequest to_server_request(const BeastRequest& request, const std::string& remote) {
    ServerRequest out;
    // HEAD is answered like GET without the body, so handlers need not know it.
    out.method =
        request.method() == http::verb::head ? "GET" : std::string(request.method_string());
    out.target = std::string(request.target());
    for (const auto& field : request) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = request.body();
    out.remote_address = remote;
    return out;
}

ServerResponse call_handler(const RequestHandler& handler, const ServerRequest& request) {
    try {
        return handler(request);
    } catch (...) {
        return plain_response(500, "internal server error\n");
    }
}

// Statuses without a body by definition (RFC 9110, section 6.4.1).
bool is_bodyless(unsigned status) { return status < 200 || status == 204 || status == 304; }

void add_header(BeastResponse& response, const std::string& name, const std::string& value) {
    // The server owns the framing headers, and a line break would split the response.
    if (name.empty() || has_line_break(name) || has_line_break(value) ||
        beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding")) {
        return;
    }
    response.insert(name, value);
}

// The web configuration's headers go on every answer, errors included, unless the handler set
// the same header itself.
void add_configured_headers(BeastResponse& response, const Settings& settings) {
    for (const auto& [name, value] : settings.config.headers) {
        if (response.find(name) == response.end()) {
            add_header(response, name, value);
        }
    }
}

// What the answer to a request must repeat of it.
struct RequestFraming {
    unsigned version = 11;
    bool keep_alive = false;
    bool head = false;
};

BeastResponse to_beast_response(ServerResponse&& in, const RequestFraming& request) {
    bool valid_status = in.status >= 100 && in.status <= 999;
    BeastResponse out{static_cast<http::status>(valid_status ? in.status : 500), request.version};
    if (!has_line_break(in.content_type) && !in.content_type.empty()) {
        out.set(http::field::content_type, in.content_type);
    }
    for (const auto& [name, value] : in.headers) {
        add_header(out, name, value);
    }
    out.keep_alive(request.keep_alive);
    if (is_bodyless(out.result_int())) {
        return out;
    }

    out.content_length(in.body.size());
    if (!request.head) {
        out.body() = std::move(in.body);
    }
    return out;
}

// One accepted connection, as the server sees it when it stops.
class Connection {
public:
    virtual ~Connection() = default;
    // Closes the socket at once. Called only while no server thread runs the connection.
    virtual void close() = 0;
};

// What connections share with their server. It outlives every connection, because the server
// destroys its io_context, and with it the last connections, before this.
struct ServerState {
    RequestHandler handler;
    std::size_t max_body_bytes = 0;
    BasicAuth auth;
    // Runs the bcrypt checks; owned by the server, which stops it before the io_context.
    asio::thread_pool* verifier = nullptr;
    std::mutex mutex;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
    SettingsPtr settings;

    SettingsPtr current_settings() {
        std::lock_guard lock(mutex);
        return settings;
    }

    void replace_settings(SettingsPtr next) {
        std::lock_guard lock(mutex);
        settings = std::move(next);
    }

    std::size_t open_connections() {
        std::lock_guard lock(mutex);
        return connections.size();
    }

    void remember(const std::shared_ptr<Connection>& connection) {
        std::lock_guard lock(mutex);
        connections.emplace(connection.get(), connection);
    }

    void forget(Connection* connection) {
        std::lock_guard lock(mutex);
        connections.erase(connection);
    }

    void close_all() {
        std::vector<std::shared_ptr<Connection>> open;
        {
            std::lock_guard lock(mutex);
            for (auto& [key, weak] : connections) {
                if (auto connection = weak.lock()) {
                    open.push_back(std::move(connection));
                }
            }
        }
        for (auto& connection : open) {
            connection->close();
        }
    }
};

// Reads requests and writes answers on one connection, plain or TLS, until the client leaves,
// a deadline passes or the server stops. Every step runs on the connection's strand, but for
// the bcrypt check, which runs on the verifier and posts its verdict back.
template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
public:
    template <class... StreamArgs>
    Session(ServerState& state, std::string remote, SettingsPtr settings,
            StreamArgs&&... stream_args)
        : state_(state),
          remote_(std::move(remote)),
          connection_settings_(settings),
          settings_(std::move(settings)),
          stream_(std::forward<StreamArgs>(stream_args)...) {}

    ~Session() override { state_.forget(this); }

    void start() {
        state_.remember(this->shared_from_this());
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            lowest().expires_after(kHandshakeTimeout);
            stream_.async_handshake(ssl::stream_base::server, bind(&Session::on_handshake));
        } else {
            do_read_header();
        }
    }

    void close() override {
        error_code ignored;
        lowest().socket().close(ignored);
    }

private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    template <class Member>
    auto bind(Member member) {
        return beast::bind_front_handler(member, this->shared_from_this());
    }

    // A failed handshake (a refused client certificate, a port scan) just ends the connection.
    void on_handshake(error_code ec) {
        if (!ec) {
            do_read_header();
        }
    }

    void do_read_header() {
        parser_.emplace();
        parser_->header_limit(kMaxHeaderBytes);
        parser_->body_limit(state_.max_body_bytes);
        lowest().expires_after(kHeaderTimeout);
        http::async_read_header(stream_, buffer_, *parser_, bind(&Session::on_read_header));
    }

    void on_read_header(error_code ec, std::size_t) {
        if (ec) {
            return on_read_error(ec);
        }
        if (parser_->is_done()) {
            return on_request();
        }
        lowest().expires_after(kBodyTimeout);
        http::async_read(stream_, buffer_, *parser_, bind(&Session::on_read_body));
    }

    void on_read_body(error_code ec, std::size_t) {
        if (ec) {
            return on_read_error(ec);
        }
        on_request();
    }

    // A client that hangs up, idles past the deadline or resets is normal: the connection
    // just ends. A request the server cannot take gets a status before the close.
    void on_read_error(error_code ec) {
        if (ec == http::error::body_limit) {
            return send_error(413, "request body too large\n");
        }
        if (ec == http::error::header_limit) {
            return send_error(431, "request header fields too large\n");
        }
        if (ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            return send_error(400, "bad request\n");
        }
        shut_down();
    }

    // Every path needs a user when the web configuration has users, as in exporter-toolkit.
    void on_request() {
        request_ = parser_->release();
        settings_ = state_.current_settings();
        const BasicAuthUsers& users = settings_->config.users;
        if (users.empty()) {
            return serve();
        }
        const auto authorization = request_[http::field::authorization];
        auto credentials =
            parse_basic_authorization(std::string_view(authorization.data(), authorization.size()));
        if (!credentials) {
            return respond(unauthorized());
        }
        if (state_.auth.verified_before(users, *credentials)) {
            return serve();
        }
        verify_elsewhere(std::move(*credentials));
    }

    // bcrypt takes tens of milliseconds by design; on the verifier it holds up no server
    // thread, and a flood of guesses queues there instead of stalling every scrape.
    void verify_elsewhere(BasicCredentials credentials) {
        asio::post(*state_.verifier, [self = this->shared_from_this(), settings = settings_,
                                      credentials = std::move(credentials)] {
            const bool granted = self->state_.auth.verify(settings->config.users, credentials);
            asio::post(self->stream_.get_executor(), [self, granted] {
                if (granted) {
                    self->serve();
                } else {
                    self->respond(unauthorized());
                }
            });
        });
    }

    // Every method reaches the handler: only it knows which ones a path allows, for the Allow
    // header of its 405.
    void serve() {
        respond(call_handler(state_.handler, to_server_request(request_, remote_)));
    }

    void respond(ServerResponse response) {
        RequestFraming framing{request_.version(), request_.keep_alive(),
                               request_.method() == http::verb::head};
        response_ = to_beast_response(std::move(response), framing);
        add_configured_headers(response_, *settings_);
        request_ = {};
        do_write();
    }

    void send_error(int status, std::string body) {
        response_ = BeastResponse{static_cast<http::status>(status), 11};
        response_.set(http::field::content_type, "text/plain; charset=utf-8");
        add_configured_headers(response_, *state_.current_settings());
        response_.body() = std::move(body);
        response_.prepare_payload();
        response_.keep_alive(false);
        do_write();
    }

    void do_write() {
        lowest().expires_after(kWriteTimeout);
        http::async_write(stream_, response_, bind(&Session::on_write));
    }

    void on_write(error_code ec, std::size_t) {
        if (ec) {
            return close();
        }
        if (!response_.keep_alive()) {
            return shut_down();
        }
        do_read_header();
    }

    void shut_down() {
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            lowest().expires_after(kShutdownTimeout);
            stream_.async_shutdown(bind(&Session::on_shutdown));
        } else {
            error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
    }

    void on_shutdown(error_code) { close(); }

    ServerState& state_;
    std::string remote_;
    // Keeps the TLS context the stream was made with for the connection's lifetime.
    const SettingsPtr connection_settings_;
    SettingsPtr settings_;  // of the request being answered
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    BeastRequest request_;
    BeastResponse response_;
};

struct ListenAddress {
    std::string host;  // "" for all interfaces
    std::uint16_t port = 0;
};

ListenAddress split_listen_address(const std::string& text) {
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find("]:");
        if (close == std::string::npos) {
            throw std::invalid_argument("expected [address]:port");
        }
        host = std::string_view(text).substr(1, close - 1);
        port = std::string_view(text).substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos) {
            throw std::invalid_argument("expected host:port or :port");
        }
        host = std::string_view(text).substr(0, colon);
        port = std::string_view(text).substr(colon + 1);
    }

    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
        throw std::invalid_argument("port must be a number from 0 to 65535");
    }
    return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

asio::ip::address resolve_host(asio::io_context& ioc, const std::string& host) {
    error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (!ec) {
        return address;
    }
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, "", ec);
    if (ec || results.empty()) {
        throw std::invalid_argument("cannot resolve host: " + ec.message());
    }
    return results.begin()->endpoint().address();
}

void bind_and_listen(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
}

// Binds all interfaces: one IPv6 socket that takes IPv4 too where the system has IPv6,
// otherwise IPv4 only. A port in use fails on both, so the IPv4 error is the one reported.
void listen_everywhere(tcp::acceptor& acceptor, std::uint16_t port) {
    try {
        acceptor.open(tcp::v6());
        acceptor.set_option(asio::ip::v6_only(false));
        return bind_and_listen(acceptor, tcp::endpoint(tcp::v6(), port));
    } catch (const boost::system::system_error&) {
        error_code ignored;
        acceptor.close(ignored);
    }
    acceptor.open(tcp::v4());
    bind_and_listen(acceptor, tcp::endpoint(tcp::v4(), port));
}

tcp::acceptor open_acceptor(asio::io_context& ioc, const std::string& text) {
    try {
        auto address = split_listen_address(text);
        tcp::acceptor acceptor(ioc);
        if (address.host.empty()) {
            listen_everywhere(acceptor, address.port);
            return acceptor;
        }
        tcp::endpoint endpoint(resolve_host(ioc, address.host), address.port);
        acceptor.open(endpoint.protocol());
        bind_and_listen(acceptor, endpoint);
        return acceptor;
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + text + ": " + e.code().message());
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("cannot listen on " + text + ": " + e.what());
    }
}

std::vector<std::string> watched_paths(const std::string& file) {
    return file.empty() ? std::vector<std::string>{} : std::vector<std::string>{file};
}

std::vector<FileStamp> stamp_files(const std::vector<std::string>& files) {
    std::vector<FileStamp> stamps;
    for (const auto& file : files) {
        stamps.push_back(stamp_file(file));
    }
    return stamps;
}

LogField tls_field(const Settings& settings) { return {"tls", settings.tls ? "on" : "off"}; }

}  // namespace

std::string ServerRequest::header(std::string_view name) const {
    return find_header(headers, name);
}

std::string ServerRequest::path() const {
    std::string_view path = target;
    path = path.substr(0, path.find('?'));
    // The absolute form ("http://host:9847/metrics"), which a server must take too (RFC 9112,
    // section 3.2.2): the path is what follows the authority.
    for (std::string_view scheme : {"http://", "https://"}) {
        if (path.size() >= scheme.size() &&
            std::equal(scheme.begin(), scheme.end(), path.begin(), [](char a, char b) {
                return a == std::tolower(static_cast<unsigned char>(b));
            })) {
            const auto slash = path.find('/', scheme.size());
            return slash == std::string_view::npos ? "/" : std::string(path.substr(slash));
        }
    }
    return std::string(path);
}

struct HttpServer::Impl {
    // Declared before the io_context: connections still queued in it reach back to the state
    // and the TLS context when it destroys them.
    ServerState state;
    int thread_count = 1;
    std::size_t max_connections = 0;
    std::optional<Logger> log;
    std::atomic<bool> at_connection_limit = false;
    asio::io_context ioc;
    std::vector<tcp::acceptor> acceptors;
    std::vector<std::string> bound;
    std::mutex lifecycle_mutex;
    bool started = false;
    std::vector<std::thread> threads;

    // The web configuration file and what was last seen of it and its files.
    std::string web_config_file;
    std::chrono::milliseconds check_interval{0};
    std::mutex reload_mutex;  // guards what follows, and one reload at a time
    std::vector<std::string> watched;
    std::vector<FileStamp> stamps;
    std::vector<FileStamp> settling;  // a change seen at the last check, not applied yet
    bool tls_on = false;
    asio::steady_timer watch_timer{ioc};
    // Destroyed before the io_context, so that checks still queued, which hold connections,
    // go while their sockets can still be closed.
    asio::thread_pool verifier{1};

    void do_accept(std::size_t index);
    void on_accept(std::size_t index, error_code ec, tcp::socket socket);
    bool refuse_over_limit(tcp::socket& socket);
    void start_session(tcp::socket socket);
    void run_thread();

    SettingsPtr load_web_config_locked();
    void reload_locked();
    void do_watch();
    void check_files();
};

void HttpServer::Impl::do_accept(std::size_t index) {
    // Each connection gets its own strand, so its steps never run on two threads at once.
    acceptors[index].async_accept(asio::make_strand(ioc),
                                  [this, index](error_code ec, tcp::socket socket) {
                                      on_accept(index, ec, std::move(socket));
                                  });
}

void HttpServer::Impl::on_accept(std::size_t index, error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptors[index].is_open()) {
        return;
    }
    if (!ec) {
        if (!refuse_over_limit(socket)) {
            start_session(std::move(socket));
        }
        return do_accept(index);
    }

    // Out of file descriptors and the like: pause rather than spin on the error.
    auto timer = std::make_shared<asio::steady_timer>(ioc, kAcceptRetryDelay);
    timer->async_wait([this, index, timer](error_code wait_error) {
        if (!wait_error) {
            do_accept(index);
        }
    });
}

// Closing at once, rather than leaving clients in the backlog, tells a client over the limit
// where it stands; the slots free up as idle connections reach their deadlines.
bool HttpServer::Impl::refuse_over_limit(tcp::socket& socket) {
    if (state.open_connections() < max_connections) {
        at_connection_limit = false;
        return false;
    }
    error_code ignored;
    socket.close(ignored);
    if (!at_connection_limit.exchange(true) && log) {
        log->warn("connection limit reached; closing new connections",
                  {{"max_connections", max_connections}});
    }
    return true;
}

void HttpServer::Impl::start_session(tcp::socket socket) {
    error_code ec;
    auto remote_endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return;  // The client left before we looked.
    }
    auto remote = format_endpoint(remote_endpoint);
    auto settings = state.current_settings();
    if (settings->tls) {
        auto& context = *settings->tls;
        std::make_shared<Session<TlsStream>>(state, remote, std::move(settings), std::move(socket),
                                             context)
            ->start();
    } else {
        std::make_shared<Session<PlainStream>>(state, remote, std::move(settings),
                                               std::move(socket))
            ->start();
    }
}

void HttpServer::Impl::run_thread() {
    // A stray exception from a connection must not end a server thread.
    for (;;) {
        try {
            ioc.run();
            return;
        } catch (...) {
        }
    }
}

// Stamps are taken before the file is read, so that a change during the load shows as a
// change at the next check rather than being missed.
SettingsPtr HttpServer::Impl::load_web_config_locked() {
    auto seen = stamp_files(watched);
    WebConfig config;
    try {
        config = load_web_config(web_config_file);
    } catch (const ConfigError&) {
        stamps = std::move(seen);
        throw;
    }
    if (auto files = watched_files(config); files != watched) {
        watched = std::move(files);
        seen = stamp_files(watched);
    }
    stamps = std::move(seen);
    return make_settings(std::move(config));
}

void HttpServer::Impl::reload_locked() {
    SettingsPtr settings = load_web_config_locked();
    if (static_cast<bool>(settings->tls) != tls_on) {
        throw ConfigError(web_config_file, "tls_server_config",
                          "turning TLS on or off needs a restart");
    }
    state.replace_settings(settings);
    if (log) {
        log->info("web configuration reloaded",
                  {{"path", web_config_file},
                   tls_field(*settings),
                   {"basic_auth_users", settings->config.users.size()}});
    }
}

void HttpServer::Impl::do_watch() {
    watch_timer.expires_after(check_interval);
    watch_timer.async_wait([this](error_code ec) {
        if (ec) {
            return;
        }
        check_files();
        do_watch();
    });
}

// Runs on a server thread; a broken new file is logged once, at the change that broke it. A
// change applies once the files look the same at two checks in a row: an editor that writes a
// file in place would otherwise be caught halfway, and an empty file is a valid configuration
// without authentication.
void HttpServer::Impl::check_files() {
    std::lock_guard lock(reload_mutex);
    auto now = stamp_files(watched);
    if (now == stamps) {
        settling.clear();
        return;
    }
    if (now != settling) {
        settling = std::move(now);
        return;
    }
    try {
        reload_locked();
    } catch (const std::exception& e) {
        if (log) {
            log->error("cannot reload the web configuration; keeping the running one",
                       {{"path", web_config_file}, {"err", e.what()}});
        }
    }
}

namespace {

SettingsPtr settings_from_options(const HttpServerOptions& options) {
    WebConfig config;
    if (options.tls) {
        config.tls = WebTlsConfig{};
        config.tls->cert_file = options.tls->cert_file;
        config.tls->key_file = options.tls->key_file;
    }
    return make_settings(std::move(config));
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>()) {
    impl_->state.handler = std::move(handler);
    impl_->state.max_body_bytes = options.max_request_body_bytes;
    impl_->state.verifier = &impl_->verifier;
    impl_->thread_count = std::max(1, options.threads);
    impl_->max_connections = std::max<std::size_t>(1, options.max_connections);
    impl_->log = options.log;
    impl_->web_config_file = options.web_config_file;
    impl_->check_interval = options.web_config_check_interval;
    if (options.tls && !options.web_config_file.empty()) {
        throw std::invalid_argument("set either a web configuration file or TLS files, not both");
    }
    impl_->watched = watched_paths(options.web_config_file);
    auto settings = options.web_config_file.empty() ? settings_from_options(options)
                                                    : impl_->load_web_config_locked();
    impl_->tls_on = static_cast<bool>(settings->tls);
    impl_->state.replace_settings(settings);
    for (const auto& address : options.listen_addresses) {
        impl_->acceptors.push_back(open_acceptor(impl_->ioc, address));
        impl_->bound.push_back(format_endpoint(impl_->acceptors.back().local_endpoint()));
    }
    if (impl_->log && !impl_->web_config_file.empty()) {
        impl_->log->info("web configuration loaded",
                         {{"path", impl_->web_config_file},
                          tls_field(*settings),
                          {"basic_auth_users", settings->config.users.size()}});
    }
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
    std::lock_guard lock(impl_->lifecycle_mutex);
    if (impl_->started) {
        return;
    }
    impl_->started = true;
    for (std::size_t i = 0; i < impl_->acceptors.size(); ++i) {
        impl_->do_accept(i);
    }
    if (!impl_->web_config_file.empty()) {
        impl_->do_watch();
    }
    for (int i = 0; i < impl_->thread_count; ++i) {
        impl_->threads.emplace_back([impl = impl_.get()] { impl->run_thread(); });
    }
}

// Stops the io_context first and waits for the threads, so that closing the acceptors and
// connections afterwards races with nothing. Connections still queued in the io_context are
// destroyed with the server.
void HttpServer::stop() {
    std::lock_guard lock(impl_->lifecycle_mutex);
    impl_->started = true;  // No start() after a stop().
    impl_->ioc.stop();

    std::vector<std::thread> others;
    for (auto& thread : impl_->threads) {
        if (thread.get_id() == std::this_thread::get_id()) {
            others.insert(others.begin(), std::move(thread));  // kept, joined later
        } else if (thread.joinable()) {
            thread.join();
        }
    }
    impl_->threads = std::move(others);

    for (auto& acceptor : impl_->acceptors) {
        error_code ignored;
        acceptor.close(ignored);
    }
    impl_->state.close_all();
}

std::vector<std::string> HttpServer::bound_addresses() const { return impl_->bound; }

void HttpServer::reload_web_config() {
    if (impl_->web_config_file.empty()) {
        return;
    }
    std::lock_guard lock(impl_->reload_mutex);
    impl_->reload_locked();
}

void check_web_config(const std::string& file) { (void)make_settings(load_web_config(file)); }

}  // namespace engagevoice
