#include "engagevoice/https_client.hpp"

#include <algorithm>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
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
using Clock = std::chrono::steady_clock;
using Kind = PollError::Kind;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Endpoints = std::vector<tcp::endpoint>;

constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;
// A proxy's answer to CONNECT is a status line and a few headers.
constexpr std::uint32_t kMaxProxyHeaderBytes = 16 * 1024;

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

// "host:port" or "[v6]:port", the only way a message names the server.
std::string host_port(const Url& url) {
    auto host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    return host + ":" + std::to_string(url.port);
}

std::string host_header(const Url& url) {
    auto host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    bool default_port = url.port == (url.scheme == "https" ? 443 : 80);
    return default_port ? host : host + ":" + std::to_string(url.port);
}

// What a connection is opened to: the target itself, or the proxy that tunnels to it.
struct Peer {
    std::string host;
    std::uint16_t port = 0;
    std::string label;  // "host:port" or "proxy host:port", for messages
};

Peer peer_of(const Url& url, const std::optional<ProxyUrl>& proxy) {
    if (proxy) {
        return Peer{proxy->host, proxy->port, proxy->name()};
    }
    return Peer{url.host, url.port, host_port(url)};
}

struct Resolved {
    error_code ec;
    Endpoints endpoints;
};

Resolved resolve_now(const std::string& host, const std::string& port) {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    Resolved resolved;
    for (const auto& entry : resolver.resolve(host, port, resolved.ec)) {
        resolved.endpoints.push_back(entry.endpoint());
    }
    return resolved;
}

// Looks the host up on a thread of its own: getaddrinfo cannot be cancelled, and a stuck DNS
// server must not hold the caller past its deadline. The thread finishes on its own later.
Result<Endpoints> resolve(const Peer& peer, Clock::time_point deadline) {
    auto promise = std::make_shared<std::promise<Resolved>>();
    auto future = promise->get_future();
    std::thread([promise, host = peer.host, port = std::to_string(peer.port)] {
        try {
            promise->set_value(resolve_now(host, port));
        } catch (...) {
            promise->set_exception(std::current_exception());
        }
    }).detach();

    if (future.wait_until(deadline) != std::future_status::ready) {
        return make_error(Kind::Timeout, "timed out resolving " + peer.label);
    }
    auto resolved = future.get();
    if (resolved.ec) {
        return make_error(Kind::Network,
                          "cannot resolve " + peer.label + ": " + resolved.ec.message());
    }
    return resolved.endpoints;
}

// An IP literal needs neither a thread nor a lookup.
Result<Endpoints> endpoints_of(const Peer& peer, Clock::time_point deadline) {
    if (is_ip_literal(peer.host)) {
        return Endpoints{tcp::endpoint(asio::ip::make_address(peer.host), peer.port)};
    }
    return resolve(peer, deadline);
}

// The account's proxy secret is read at every connection, so that a rotated file applies.
Result<std::optional<ProxyUrl>> proxy_for(const HttpsClientOptions& options, const Url& target) {
    auto account_proxy = resolve_account_proxy(options.proxy_url);
    if (!account_proxy) {
        return account_proxy.error();
    }
    return choose_proxy(*account_proxy, options.proxy_environment, target);
}

std::optional<PollError> check_request(const HttpRequest& request, bool allow_plain_http) {
    const Url& url = request.url;
    if (url.scheme == "http" && !allow_plain_http) {
        return make_error(Kind::Network, "plain http to " + host_port(url) + " is not allowed");
    }
    if (url.scheme != "http" && url.scheme != "https") {
        return make_error(Kind::Network, "unsupported scheme for " + host_port(url));
    }
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || has_line_break(name) || has_line_break(value)) {
            return make_error(Kind::Network, "a request header for " + host_port(url) +
                                                 " is empty or contains a line break");
        }
    }
    auto bad = std::find_if(url.path.begin(), url.path.end(),
                            [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    if (bad != url.path.end()) {
        return make_error(Kind::Network,
                          "the request path for " + host_port(url) + " contains spaces");
    }
    return std::nullopt;
}

http::request<http::string_body> to_beast_request(const HttpRequest& request,
                                                  const std::string& user_agent) {
    http::request<http::string_body> out;
    out.method_string(request.method);
    out.target(request.url.path.empty() ? "/" : request.url.path);
    out.version(11);
    out.set(http::field::host, host_header(request.url));
    out.set(http::field::user_agent, user_agent);
    for (const auto& [name, value] : request.headers) {
        out.insert(name, value);
    }
    out.body() = request.body;
    // One request per connection: the server may close as soon as it has answered.
    out.keep_alive(false);
    out.prepare_payload();
    return out;
}

// "CONNECT host:port HTTP/1.1" with the same authority in Host, as RFC 9110 asks.
http::request<http::empty_body> tunnel_request(const Url& target, const ProxyUrl& proxy,
                                               const std::string& user_agent) {
    http::request<http::empty_body> out{http::verb::connect, host_port(target), 11};
    out.set(http::field::host, host_port(target));
    out.set(http::field::user_agent, user_agent);
    if (proxy.has_credentials()) {
        out.set(http::field::proxy_authorization, proxy.authorization());
    }
    return out;
}

// "407 Proxy Authentication Required": the standard phrase, not the proxy's own text.
std::string status_text(unsigned status) {
    auto known = http::int_to_status(status);
    if (known == http::status::unknown) {
        return std::to_string(status);
    }
    return std::to_string(status) + " " + std::string(http::obsolete_reason(known));
}

bool is_parse_error(error_code ec) {
    return ec.category() == http::make_error_code(http::error::bad_line_ending).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

HttpResponse to_response(http::response<http::string_body>&& in) {
    HttpResponse out;
    out.status = static_cast<int>(in.result_int());
    for (const auto& field : in) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(in.body());
    return out;
}

// One request on one connection. Each step starts an asynchronous operation and runs the
// io_context until it completes; the stream's single expiry at the deadline cuts off whichever
// step is running when it passes.
class Exchange {
public:
    Exchange(ssl::context& tls, const HttpsClientOptions& options, const HttpRequest& request,
             const std::optional<ProxyUrl>& proxy, Clock::time_point deadline)
        : tls_(tls), options_(options), request_(request), proxy_(proxy), deadline_(deadline) {}

    Result<HttpResponse> run(const Endpoints& endpoints) {
        if (request_.url.scheme == "http") {
            PlainStream stream(ioc_);
            if (auto error = open(stream, endpoints)) {
                return *error;
            }
            return talk(stream);
        }

        TlsStream stream(ioc_, tls_);
        if (auto error = prepare_tls(stream)) {
            return *error;
        }
        if (auto error = open(beast::get_lowest_layer(stream), endpoints)) {
            return *error;
        }
        if (auto error = handshake(stream)) {
            return *error;
        }
        return talk(stream);
    }

private:
    template <class Start>
    error_code run_step(Start start) {
        error_code result = asio::error::would_block;
        start([&result](error_code ec, auto&&...) { result = ec; });
        ioc_.restart();
        ioc_.run();
        return result;
    }

    // `step` reads "connecting to host:port" and the like: "<step> failed: <reason>", or
    // "timed out <step>" when the deadline cut it off.
    PollError step_error(const std::string& step, error_code ec,
                         const std::string& timed_out_step = "") {
        if (ec == beast::error::timeout || Clock::now() >= deadline_) {
            auto what = timed_out_step.empty() ? step : timed_out_step;
            return make_error(Kind::Timeout, "timed out " + what);
        }
        return make_error(Kind::Network, step + " failed: " + ec.message());
    }

    // The target, and the proxy when there is one: "host:port via proxy host:port".
    std::string where() const {
        return host_port(request_.url) + (proxy_ ? " via " + proxy_->name() : "");
    }

    // A TCP connection to the target, or to the proxy and through its tunnel to the target.
    // The expiry set here covers every later step on the stream, TLS and HTTP included.
    std::optional<PollError> open(PlainStream& stream, const Endpoints& endpoints) {
        stream.expires_at(deadline_);
        auto ec = run_step([&](auto done) { stream.async_connect(endpoints, done); });
        if (ec) {
            return step_error("connecting to " + peer_of(request_.url, proxy_).label, ec);
        }
        return proxy_ ? open_tunnel(stream) : std::nullopt;
    }

    // The proxy's answer gets a buffer of its own: nothing may follow it, since the target
    // only speaks after the client, and a byte left behind would be lost to the TLS layer.
    std::optional<PollError> open_tunnel(PlainStream& stream) {
        auto ask = tunnel_request(request_.url, *proxy_, options_.user_agent);
        auto ec = run_step([&](auto done) { http::async_write(stream, ask, done); });
        if (ec) {
            return step_error("asking " + proxy_->name() + " for a tunnel", ec);
        }

        beast::flat_buffer buffer;
        http::response_parser<http::empty_body> parser;
        parser.header_limit(kMaxProxyHeaderBytes);
        // A 2xx answer to CONNECT has no body, whatever its headers say.
        parser.skip(true);
        ec = run_step([&](auto done) { http::async_read_header(stream, buffer, parser, done); });
        if (ec) {
            return tunnel_read_error(ec);
        }
        return check_tunnel(parser.get().result_int(), buffer.size());
    }

    std::optional<PollError> check_tunnel(unsigned status, std::size_t extra_bytes) {
        const std::string tunnel = " the tunnel to " + host_port(request_.url);
        if (status < 200 || status > 299) {
            return make_error(Kind::Network,
                              proxy_->name() + " refused" + tunnel + ": " + status_text(status));
        }
        if (extra_bytes != 0) {
            return make_error(Kind::Network,
                              proxy_->name() + " sent data before" + tunnel + " was used");
        }
        return std::nullopt;
    }

    PollError tunnel_read_error(error_code ec) {
        if (ec == http::error::header_limit) {
            return make_error(Kind::Network, proxy_->name() + " answered with headers over " +
                                                 std::to_string(kMaxProxyHeaderBytes) + " bytes");
        }
        if (is_parse_error(ec)) {
            return make_error(Kind::Network,
                              "malformed answer from " + proxy_->name() + ": " + ec.message());
        }
        return step_error("reading the answer of " + proxy_->name(), ec);
    }

    // Sends the host name (SNI) unless it is an IP address, and has OpenSSL check the
    // certificate against it, so a mismatch reads "hostname mismatch" in the error.
    std::optional<PollError> prepare_tls(TlsStream& stream) {
        const std::string& host = request_.url.host;
        SSL* handle = stream.native_handle();
        bool ok = is_ip_literal(host)
                      ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), host.c_str()) == 1
                      : SSL_set_tlsext_host_name(handle, host.c_str()) == 1 &&
                            SSL_set1_host(handle, host.c_str()) == 1;
        if (!ok) {
            return make_error(Kind::Network, "cannot set up tls for " + host_port(request_.url));
        }
        return std::nullopt;
    }

    std::optional<PollError> handshake(TlsStream& stream) {
        auto ec =
            run_step([&](auto done) { stream.async_handshake(ssl::stream_base::client, done); });
        if (!ec) {
            return std::nullopt;
        }
        auto error =
            step_error("tls handshake with " + where(), ec, "during tls handshake with " + where());
        long verify = SSL_get_verify_result(stream.native_handle());
        if (error.kind == Kind::Network && verify != X509_V_OK) {
            error.message += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
        }
        return error;
    }

    template <class Stream>
    Result<HttpResponse> talk(Stream& stream) {
        auto beast_request = to_beast_request(request_, options_.user_agent);
        auto ec = run_step([&](auto done) { http::async_write(stream, beast_request, done); });
        if (ec) {
            return step_error("sending the request to " + where(), ec);
        }
        return read(stream);
    }

    template <class Stream>
    Result<HttpResponse> read(Stream& stream) {
        http::response_parser<http::string_body> parser;
        parser.header_limit(kMaxResponseHeaderBytes);
        parser.body_limit(options_.max_body_bytes);
        // The header first: Beast 1.74 loses the body limit error of a too large Content-Length
        // when it parses the header and the body from one buffer, as async_read alone does.
        auto ec =
            run_step([&](auto done) { http::async_read_header(stream, buffer_, parser, done); });
        if (!ec && !parser.is_done()) {
            ec = run_step([&](auto done) { http::async_read(stream, buffer_, parser, done); });
        }
        if (ec) {
            return read_error(ec);
        }
        return to_response(parser.release());
    }

    PollError read_error(error_code ec) {
        if (ec == http::error::body_limit) {
            return make_error(Kind::Http, "response body exceeds " +
                                              std::to_string(options_.max_body_bytes) + " bytes");
        }
        if (ec == http::error::header_limit) {
            return make_error(Kind::Http, "response headers exceed " +
                                              std::to_string(kMaxResponseHeaderBytes) + " bytes");
        }
        if (is_parse_error(ec)) {
            return make_error(Kind::Http, "malformed response from " + host_port(request_.url) +
                                              ": " + ec.message());
        }
        return step_error("reading the response from " + where(), ec);
    }

    asio::io_context ioc_;
    beast::flat_buffer buffer_;
    ssl::context& tls_;
    const HttpsClientOptions& options_;
    const HttpRequest& request_;
    const std::optional<ProxyUrl>& proxy_;
    Clock::time_point deadline_;
};

std::unique_ptr<ssl::context> make_tls_context(const std::string& ca_file) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    context->set_verify_mode(ssl::verify_peer);
    try {
        if (ca_file.empty()) {
            context->set_default_verify_paths();
        } else {
            context->load_verify_file(ca_file);
        }
    } catch (const boost::system::system_error& e) {
        auto what =
            ca_file.empty() ? std::string("the system CA certificates") : "CA file " + ca_file;
        throw std::runtime_error("cannot load " + what + ": " + e.code().message());
    }
    return context;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    return find_header(headers, name);
}

struct HttpsClient::Impl {
    HttpsClientOptions options;
    std::unique_ptr<ssl::context> tls;
};

HttpsClient::HttpsClient(HttpsClientOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->tls = make_tls_context(options.ca_file);
    impl_->options = std::move(options);
}

HttpsClient::~HttpsClient() = default;

Result<HttpResponse> HttpsClient::send(const HttpRequest& request, Clock::time_point deadline) {
    try {
        if (auto error = check_request(request, impl_->options.allow_plain_http)) {
            return *error;
        }
        auto proxy = proxy_for(impl_->options, request.url);
        if (!proxy) {
            return proxy.error();
        }
        // Through a tunnel only the proxy's name is looked up; the proxy resolves the target's.
        auto endpoints = endpoints_of(peer_of(request.url, *proxy), deadline);
        if (!endpoints) {
            return endpoints.error();
        }
        return Exchange(*impl_->tls, impl_->options, request, *proxy, deadline).run(*endpoints);
    } catch (...) {
        // Not e.what(): nothing here may echo a header value or a query into a log.
        return make_error(Kind::Network,
                          "request to " + host_port(request.url) + " failed unexpectedly");
    }
}

}  // namespace engagevoice
