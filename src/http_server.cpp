#include "engagevoice/http_server.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

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

constexpr auto kHeaderTimeout = std::chrono::seconds(10);
constexpr auto kBodyTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kShutdownTimeout = std::chrono::seconds(5);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

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

ServerRequest to_server_request(BeastRequest&& request, const std::string& remote) {
    ServerRequest out;
    // HEAD is answered like GET without the body, so handlers need not know it.
    out.method =
        request.method() == http::verb::head ? "GET" : std::string(request.method_string());
    out.target = std::string(request.target());
    for (const auto& field : request) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(request.body());
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
    std::mutex mutex;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;

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
// a deadline passes or the server stops. Every step runs on the connection's strand.
template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
public:
    template <class... StreamArgs>
    Session(ServerState& state, std::string remote, StreamArgs&&... stream_args)
        : state_(state),
          remote_(std::move(remote)),
          stream_(std::forward<StreamArgs>(stream_args)...) {}

    ~Session() override { state_.forget(this); }

    void start() {
        state_.remember(this->shared_from_this());
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            lowest().expires_after(kHeaderTimeout);
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

    void on_request() {
        BeastRequest request = parser_->release();
        RequestFraming framing{request.version(), request.keep_alive(),
                               request.method() == http::verb::head};
        ServerRequest plain = to_server_request(std::move(request), remote_);
        response_ = to_beast_response(call_handler(state_.handler, plain), framing);
        do_write();
    }

    void send_error(int status, std::string body) {
        response_ = BeastResponse{static_cast<http::status>(status), 11};
        response_.set(http::field::content_type, "text/plain; charset=utf-8");
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
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
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

template <class Load>
void load_tls_file(const char* what, const std::string& file, Load load) {
    try {
        load();
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot load TLS " + std::string(what) + " " + file + ": " +
                                 e.code().message());
    }
}

std::unique_ptr<ssl::context> make_tls_context(const ServerTls& tls) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    load_tls_file("certificate", tls.cert_file,
                  [&] { context->use_certificate_chain_file(tls.cert_file); });
    load_tls_file("key", tls.key_file,
                  [&] { context->use_private_key_file(tls.key_file, ssl::context::pem); });
    return context;
}

}  // namespace

std::string ServerRequest::header(std::string_view name) const {
    return find_header(headers, name);
}

std::string ServerRequest::path() const { return target.substr(0, target.find('?')); }

struct HttpServer::Impl {
    // Declared before the io_context: connections still queued in it reach back to the state
    // and the TLS context when it destroys them.
    ServerState state;
    std::unique_ptr<ssl::context> tls;
    int thread_count = 1;
    asio::io_context ioc;
    std::vector<tcp::acceptor> acceptors;
    std::vector<std::string> bound;
    std::mutex lifecycle_mutex;
    bool started = false;
    std::vector<std::thread> threads;

    void do_accept(std::size_t index);
    void on_accept(std::size_t index, error_code ec, tcp::socket socket);
    void start_session(tcp::socket socket);
    void run_thread();
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
        start_session(std::move(socket));
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

void HttpServer::Impl::start_session(tcp::socket socket) {
    error_code ec;
    auto remote_endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return;  // The client left before we looked.
    }
    auto remote = format_endpoint(remote_endpoint);
    if (tls) {
        std::make_shared<Session<TlsStream>>(state, remote, std::move(socket), *tls)->start();
    } else {
        std::make_shared<Session<PlainStream>>(state, remote, std::move(socket))->start();
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

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>()) {
    impl_->state.handler = std::move(handler);
    impl_->state.max_body_bytes = options.max_request_body_bytes;
    impl_->thread_count = std::max(1, options.threads);
    if (options.tls) {
        impl_->tls = make_tls_context(*options.tls);
    }
    for (const auto& address : options.listen_addresses) {
        impl_->acceptors.push_back(open_acceptor(impl_->ioc, address));
        impl_->bound.push_back(format_endpoint(impl_->acceptors.back().local_endpoint()));
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

}  // namespace engagevoice
