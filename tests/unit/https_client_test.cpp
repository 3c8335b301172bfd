#include "engagevoice/https_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "engagevoice/encoding.hpp"
#include "engagevoice/http_server.hpp"

using namespace engagevoice;
using Kind = PollError::Kind;

namespace {

const std::string kTlsDir = std::string(ENGAGEVOICE_FIXTURES_DIR) + "/tls/";

std::chrono::steady_clock::time_point in_seconds(int seconds) {
    return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

int listen_on_loopback(std::uint16_t& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(fd, 8) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("cannot listen on loopback");
    }
    port = ntohs(address.sin_port);
    return fd;
}

// A port on which nothing listens: bound once, then released.
std::uint16_t closed_port() {
    std::uint16_t port = 0;
    ::close(listen_on_loopback(port));
    return port;
}

// Accepts connections on 127.0.0.1, reads each request's headers and answers with fixed bytes,
// then closes; with no bytes it says nothing and holds the connection until destroyed.
class CannedServer {
public:
    explicit CannedServer(std::string reply)
        : reply_(std::move(reply)), fd_(listen_on_loopback(port_)), thread_([this] { serve(); }) {}
    ~CannedServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    CannedServer(const CannedServer&) = delete;
    CannedServer& operator=(const CannedServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
    bool wait_readable(int fd) {
        pollfd ready{fd, POLLIN, 0};
        while (!stop_) {
            if (::poll(&ready, 1, 20) == 1) {
                return true;
            }
        }
        return false;
    }

    void serve() {
        while (wait_readable(fd_)) {
            int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) {
                continue;
            }
            answer(client);
            ::close(client);
        }
    }

    void answer(int client) {
        std::string request;
        char chunk[4096];
        while (request.find("\r\n\r\n") == std::string::npos && wait_readable(client)) {
            auto got = ::recv(client, chunk, sizeof chunk, 0);
            if (got <= 0) {
                return;
            }
            request.append(chunk, static_cast<std::size_t>(got));
        }
        if (reply_.empty()) {
            while (!stop_) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            return;
        }
        ::send(client, reply_.data(), reply_.size(), MSG_NOSIGNAL);
    }

    std::string reply_;
    std::uint16_t port_ = 0;
    int fd_;
    std::atomic<bool> stop_ = false;
    std::thread thread_;
};

// Reads up to the blank line that ends a request's headers, a byte at a time so that nothing
// after it is taken; "" when the peer closes first or the test stops.
std::string read_head(int fd, const std::atomic<bool>& stop) {
    std::string head;
    pollfd ready{fd, POLLIN, 0};
    while (!stop && !head.ends_with("\r\n\r\n")) {
        if (::poll(&ready, 1, 20) != 1) {
            continue;
        }
        char c = 0;
        if (::recv(fd, &c, 1, 0) != 1) {
            return "";
        }
        head += c;
    }
    return head;
}

int connect_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void send_text(int fd, const std::string& text) {
    ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

// A forward proxy on 127.0.0.1: it reads a CONNECT request and keeps its header block, connects
// to the asked port on loopback whatever the host, answers 200 and relays bytes both ways until
// either side closes. One connection at a time.
class TunnelProxy {
public:
    TunnelProxy() : fd_(listen_on_loopback(port_)), thread_([this] { serve(); }) {}
    ~TunnelProxy() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    TunnelProxy(const TunnelProxy&) = delete;
    TunnelProxy& operator=(const TunnelProxy&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string name() const { return "proxy 127.0.0.1:" + std::to_string(port_); }

    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        pollfd ready{fd_, POLLIN, 0};
        while (!stop_) {
            if (::poll(&ready, 1, 20) != 1) {
                continue;
            }
            int client = ::accept(fd_, nullptr, nullptr);
            if (client >= 0) {
                tunnel(client);
                ::close(client);
            }
        }
    }

    void tunnel(int client) {
        std::string head = read_head(client, stop_);
        if (head.empty()) {
            return;
        }
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(head);
        }
        auto line_end = head.find(' ', head.find(' ') + 1);
        auto colon = head.rfind(':', line_end);
        int target = connect_loopback(
            static_cast<std::uint16_t>(std::stoi(head.substr(colon + 1, line_end - colon - 1))));
        if (target < 0) {
            send_text(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        send_text(client, "HTTP/1.1 200 Connection established\r\n\r\n");
        relay(client, target);
        ::close(target);
    }

    void relay(int a, int b) {
        pollfd ends[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        char chunk[16384];
        while (!stop_) {
            if (::poll(ends, 2, 20) <= 0) {
                continue;
            }
            for (int i = 0; i < 2; ++i) {
                if (ends[i].revents == 0) {
                    continue;
                }
                auto got = ::recv(ends[i].fd, chunk, sizeof chunk, 0);
                if (got <= 0) {
                    return;
                }
                ::send(ends[1 - i].fd, chunk, static_cast<std::size_t>(got), MSG_NOSIGNAL);
            }
        }
    }

    std::uint16_t port_ = 0;
    int fd_;
    std::atomic<bool> stop_ = false;
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

// A getenv over a fixed table, for proxy_environment_from.
ProxyEnvironment environment_of(std::map<std::string, std::string> table) {
    return proxy_environment_from([&table](const char* name) -> const char* {
        auto found = table.find(name);
        return found == table.end() ? nullptr : found->second.c_str();
    });
}

HttpsClientOptions plain_options() {
    HttpsClientOptions options;
    options.allow_plain_http = true;
    return options;
}

HttpRequest request_to(const std::string& url) {
    HttpRequest request;
    request.url = *parse_url(url);
    return request;
}

std::unique_ptr<HttpServer> start_server(RequestHandler handler, const char* cert = nullptr) {
    HttpServerOptions options;
    options.listen_addresses = {"127.0.0.1:0"};
    if (cert != nullptr) {
        options.tls = ServerTls{kTlsDir + cert + "_cert.pem", kTlsDir + cert + "_key.pem"};
    }
    auto server = std::make_unique<HttpServer>(options, std::move(handler));
    server->start();
    return server;
}

std::string port_text(const HttpServer& server) {
    auto address = server.bound_addresses().at(0);
    return address.substr(address.rfind(':') + 1);
}

ServerResponse hello(const ServerRequest&) {
    ServerResponse response;
    response.body = "hello";
    return response;
}

}  // namespace

TEST_CASE("https client sends the request and reads a 200 with its body", "[https_client]") {
    std::mutex mutex;
    ServerRequest seen;
    auto server = start_server([&](const ServerRequest& request) {
        std::lock_guard lock(mutex);
        seen = request;
        return hello(request);
    });
    HttpsClient client(plain_options());
    auto request = request_to("http://127.0.0.1:" + port_text(*server) + "/api/report");
    request.method = "POST";
    request.url.path += "?includeRefresh=true";
    request.headers = {{"Content-Type", "application/json"}, {"X-Auth-Token", "t0ken"}};
    request.body = R"({"a":1})";

    auto response = client.send(request, in_seconds(20));

    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "hello");
    CHECK(response->header("content-length") == "5");
    std::lock_guard lock(mutex);
    CHECK(seen.method == "POST");
    CHECK(seen.target == "/api/report?includeRefresh=true");
    CHECK(seen.header("Host") == "127.0.0.1:" + port_text(*server));
    CHECK(seen.header("User-Agent") == "engage_voice_exporter");
    CHECK(seen.header("Content-Length") == "7");
    CHECK(seen.header("Content-Type") == "application/json");
    CHECK(seen.header("X-Auth-Token") == "t0ken");
    CHECK(seen.header("Accept-Encoding").empty());
    CHECK(seen.body == R"({"a":1})");
}

TEST_CASE("https client passes any status and the response headers through", "[https_client]") {
    auto server = start_server([](const ServerRequest&) {
        ServerResponse response;
        response.status = 429;
        response.headers = {{"Retry-After", "7"}};
        response.body = "slow down";
        return response;
    });
    HttpsClient client(plain_options());

    auto response =
        client.send(request_to("http://127.0.0.1:" + port_text(*server) + "/"), in_seconds(20));

    REQUIRE(response);
    CHECK(response->status == 429);
    CHECK(response->header("retry-after") == "7");
    CHECK(response->header("RETRY-AFTER") == "7");
    CHECK(response->header("X-Missing").empty());
    CHECK(response->body == "slow down");
}

TEST_CASE("https client decodes a chunked body", "[https_client]") {
    CannedServer server(
        "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"
        "6\r\na,b,c\n\r\n6\r\n1,2,3\n\r\n0\r\n\r\n");
    HttpsClient client(plain_options());

    auto response = client.send(request_to(server.url()), in_seconds(20));

    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "a,b,c\n1,2,3\n");
}

TEST_CASE("https client fails with http when the body exceeds the limit", "[https_client]") {
    auto options = plain_options();
    options.max_body_bytes = 4;
    HttpsClient client(options);

    SECTION("announced by content-length") {
        auto server = start_server(hello);
        auto response =
            client.send(request_to("http://127.0.0.1:" + port_text(*server) + "/"), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Http);
        CHECK(response.error().message == "response body exceeds 4 bytes");
    }
    SECTION("found while reading chunks") {
        CannedServer server(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
        auto response = client.send(request_to(server.url()), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Http);
        CHECK(response.error().message == "response body exceeds 4 bytes");
    }
}

TEST_CASE("https client gives up at the deadline on a server that never answers",
          "[https_client]") {
    CannedServer silent("");

    SECTION("plain http: the read is cut off") {
        HttpsClient client(plain_options());
        auto response = client.send(request_to(silent.url()), in_seconds(1));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Timeout);
        CHECK(response.error().message ==
              "timed out reading the response from 127.0.0.1:" + std::to_string(silent.port()));
    }
    SECTION("https: the handshake is cut off") {
        HttpsClientOptions options;
        options.ca_file = kTlsDir + "localhost_cert.pem";
        HttpsClient client(options);
        auto url = "https://127.0.0.1:" + std::to_string(silent.port()) + "/";
        auto response = client.send(request_to(url), in_seconds(1));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Timeout);
        CHECK_THAT(response.error().message,
                   Catch::StartsWith("timed out during tls handshake with 127.0.0.1:"));
    }
    SECTION("a deadline already passed") {
        HttpsClient client(plain_options());
        auto response = client.send(request_to(silent.url()), in_seconds(-1));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Timeout);
    }
}

TEST_CASE("https client reports a refused connection as a network error", "[https_client]") {
    auto port = std::to_string(closed_port());
    HttpsClient client(plain_options());
    auto request = request_to("http://127.0.0.1:" + port + "/login");
    request.url.path += "?password=hunter2";
    request.headers = {{"Authorization", "Bearer s3cret-token"}};

    auto response = client.send(request, in_seconds(20));

    REQUIRE_FALSE(response);
    CHECK(response.error().kind == Kind::Network);
    CHECK_THAT(response.error().message,
               Catch::StartsWith("connecting to 127.0.0.1:" + port + " failed: "));
    CHECK(response.error().message.find("hunter2") == std::string::npos);
    CHECK(response.error().message.find("s3cret") == std::string::npos);
}

TEST_CASE("https client reports a malformed or cut response", "[https_client]") {
    HttpsClient client(plain_options());

    SECTION("not http at all") {
        CannedServer server("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        auto response = client.send(request_to(server.url()), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Http);
        CHECK_THAT(response.error().message, Catch::StartsWith("malformed response from"));
    }
    SECTION("closed in the middle of the body") {
        CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part");
        auto response = client.send(request_to(server.url()), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK_THAT(response.error().message, Catch::StartsWith("reading the response from"));
    }
}

TEST_CASE("https client refuses plain http unless allowed", "[https_client]") {
    HttpsClient client(HttpsClientOptions{});

    auto response = client.send(request_to("http://127.0.0.1:1/"), in_seconds(20));

    REQUIRE_FALSE(response);
    CHECK(response.error().kind == Kind::Network);
    CHECK(response.error().message == "plain http to 127.0.0.1:1 is not allowed");
}

TEST_CASE("https client rejects a header value with a line break", "[https_client]") {
    HttpsClient client(plain_options());
    auto request = request_to("http://127.0.0.1:1/");
    request.headers = {{"X-Auth-Token", "abc\r\nX-Injected: 1"}};

    auto response = client.send(request, in_seconds(20));

    REQUIRE_FALSE(response);
    CHECK(response.error().kind == Kind::Network);
    CHECK(response.error().message.find("abc") == std::string::npos);
}

TEST_CASE("https client trusts a server certificate signed by its ca file", "[https_client][tls]") {
    auto server = start_server(hello, "localhost");
    HttpsClientOptions options;
    options.ca_file = kTlsDir + "localhost_cert.pem";
    HttpsClient client(options);

    SECTION("by ip address") {
        auto response = client.send(request_to("https://127.0.0.1:" + port_text(*server) + "/"),
                                    in_seconds(20));
        REQUIRE(response);
        CHECK(response->body == "hello");
    }
    SECTION("by host name, looked up first") {
        auto response = client.send(request_to("https://localhost:" + port_text(*server) + "/"),
                                    in_seconds(20));
        REQUIRE(response);
        CHECK(response->body == "hello");
    }
}

TEST_CASE("https client rejects a certificate from another ca", "[https_client][tls]") {
    auto server = start_server(hello, "localhost");
    HttpsClientOptions options;
    options.ca_file = kTlsDir + "other_cert.pem";
    HttpsClient client(options);

    auto response =
        client.send(request_to("https://127.0.0.1:" + port_text(*server) + "/"), in_seconds(20));

    REQUIRE_FALSE(response);
    CHECK(response.error().kind == Kind::Network);
    CHECK_THAT(response.error().message, Catch::StartsWith("tls handshake with 127.0.0.1:"));
}

TEST_CASE("https client rejects a certificate for another host name", "[https_client][tls]") {
    auto server = start_server(hello, "other");
    HttpsClientOptions options;
    options.ca_file = kTlsDir + "other_cert.pem";
    HttpsClient client(options);

    SECTION("ip address not in the certificate") {
        auto response = client.send(request_to("https://127.0.0.1:" + port_text(*server) + "/"),
                                    in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK_THAT(response.error().message, Catch::Contains("mismatch"));
    }
    SECTION("host name not in the certificate") {
        auto response = client.send(request_to("https://localhost:" + port_text(*server) + "/"),
                                    in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK_THAT(response.error().message, Catch::Contains("mismatch"));
    }
}

TEST_CASE("https client throws naming a ca file it cannot load", "[https_client][tls]") {
    HttpsClientOptions options;
    options.ca_file = kTlsDir + "missing.pem";

    CHECK_THROWS_WITH(HttpsClient(options), Catch::Contains(kTlsDir + "missing.pem"));
}

namespace {

HttpsClientOptions tls_options(const char* ca) {
    HttpsClientOptions options;
    options.ca_file = kTlsDir + ca + "_cert.pem";
    return options;
}

}  // namespace

TEST_CASE("https client tunnels through a proxy and checks the target's certificate",
          "[https_client][proxy]") {
    TunnelProxy proxy;

    SECTION("a certificate for the target passes") {
        std::mutex mutex;
        ServerRequest seen;
        auto server = start_server(
            [&](const ServerRequest& request) {
                std::lock_guard lock(mutex);
                seen = request;
                return hello(request);
            },
            "localhost");
        auto options = tls_options("localhost");
        options.proxy_environment = environment_of({{"HTTPS_PROXY", proxy.url()}});
        HttpsClient client(options);
        auto target = "localhost:" + port_text(*server);

        auto response = client.send(request_to("https://" + target + "/api/report"),
                                    in_seconds(20));

        REQUIRE(response);
        CHECK(response->body == "hello");
        auto requests = proxy.requests();
        REQUIRE(requests.size() == 1);
        CHECK_THAT(requests[0], Catch::StartsWith("CONNECT " + target + " HTTP/1.1\r\n"));
        CHECK_THAT(requests[0], Catch::Contains("\r\nHost: " + target + "\r\n"));
        CHECK_THAT(requests[0], !Catch::Contains("Proxy-Authorization"));
        std::lock_guard lock(mutex);
        CHECK(seen.target == "/api/report");
        CHECK(seen.header("Host") == target);
    }
    SECTION("a certificate for another name fails, though the proxy is reached") {
        auto server = start_server(hello, "other");
        auto options = tls_options("other");
        options.proxy_environment = environment_of({{"HTTPS_PROXY", proxy.url()}});
        HttpsClient client(options);

        auto response = client.send(request_to("https://localhost:" + port_text(*server) + "/"),
                                    in_seconds(20));

        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK_THAT(response.error().message,
                   Catch::StartsWith("tls handshake with localhost:" + port_text(*server) +
                                     " via " + proxy.name() + " failed"));
        CHECK_THAT(response.error().message, Catch::Contains("mismatch"));
        CHECK(proxy.requests().size() == 1);
    }
}

TEST_CASE("https client sends the proxy's credentials as basic to the proxy only",
          "[https_client][proxy]") {
    TunnelProxy proxy;
    std::mutex mutex;
    ServerRequest seen;
    auto server = start_server(
        [&](const ServerRequest& request) {
            std::lock_guard lock(mutex);
            seen = request;
            return hello(request);
        },
        "localhost");
    auto options = tls_options("localhost");
    auto with_credentials = "http://us%40er:p%3Ass@" + proxy.url().substr(7);
    options.proxy_url = Secret::from_inline(with_credentials);
    HttpsClient client(options);

    auto response =
        client.send(request_to("https://localhost:" + port_text(*server) + "/"), in_seconds(20));

    REQUIRE(response);
    auto requests = proxy.requests();
    REQUIRE(requests.size() == 1);
    CHECK_THAT(requests[0], Catch::Contains("\r\nProxy-Authorization: Basic " +
                                            base64_encode("us@er:p:ss") + "\r\n"));
    std::lock_guard lock(mutex);
    CHECK(seen.header("Proxy-Authorization").empty());
}

TEST_CASE("https client reports a proxy's refusal without credentials or path",
          "[https_client][proxy]") {
    auto target = "localhost:" + std::to_string(closed_port());

    SECTION("407 with the standard phrase") {
        CannedServer proxy(
            "HTTP/1.1 407 Proxy Authentication Required\r\n"
            "Proxy-Authenticate: Basic realm=\"proxy\"\r\nContent-Length: 6\r\n\r\ndenied");
        auto options = tls_options("localhost");
        options.proxy_url = Secret::from_inline("http://user:hunter2@127.0.0.1:" +
                                                std::to_string(proxy.port()));
        HttpsClient client(options);
        auto request = request_to("https://" + target + "/secret/path");

        auto response = client.send(request, in_seconds(20));

        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK(response.error().message == "proxy 127.0.0.1:" + std::to_string(proxy.port()) +
                                              " refused the tunnel to " + target +
                                              ": 407 Proxy Authentication Required");
    }
    SECTION("the proxy's own reason text is not repeated") {
        CannedServer proxy("HTTP/1.1 403 Go Away <script>\r\nContent-Length: 0\r\n\r\n");
        auto options = tls_options("localhost");
        options.proxy_url = Secret::from_inline("http://127.0.0.1:" + std::to_string(proxy.port()));
        HttpsClient client(options);

        auto response = client.send(request_to("https://" + target + "/"), in_seconds(20));

        REQUIRE_FALSE(response);
        CHECK_THAT(response.error().message, Catch::EndsWith(target + ": 403 Forbidden"));
    }
}

TEST_CASE("https client fails on a proxy that is down, silent or not http",
          "[https_client][proxy]") {
    auto target = "https://localhost:" + std::to_string(closed_port()) + "/";
    auto options = tls_options("localhost");

    SECTION("nothing listens") {
        auto port = std::to_string(closed_port());
        options.proxy_url = Secret::from_inline("http://user:hunter2@127.0.0.1:" + port);
        auto response = HttpsClient(options).send(request_to(target), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK_THAT(response.error().message,
                   Catch::StartsWith("connecting to proxy 127.0.0.1:" + port + " failed: "));
        CHECK_THAT(response.error().message, !Catch::Contains("hunter2"));
    }
    SECTION("the proxy never answers the CONNECT") {
        CannedServer silent("");
        auto port = std::to_string(silent.port());
        options.proxy_url = Secret::from_inline("http://127.0.0.1:" + port);
        auto response = HttpsClient(options).send(request_to(target), in_seconds(1));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Timeout);
        CHECK(response.error().message == "timed out reading the answer of proxy 127.0.0.1:" + port);
    }
    SECTION("the proxy does not speak http") {
        CannedServer ssh("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        options.proxy_url =
            Secret::from_inline("http://127.0.0.1:" + std::to_string(ssh.port()));
        auto response = HttpsClient(options).send(request_to(target), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK_THAT(response.error().message, Catch::StartsWith("malformed answer from proxy"));
    }
}

TEST_CASE("https client goes direct to hosts in no_proxy", "[https_client][proxy]") {
    auto server = start_server(hello, "localhost");
    auto dead = "http://127.0.0.1:" + std::to_string(closed_port());
    auto url = "https://localhost:" + port_text(*server) + "/";

    SECTION("listed: direct") {
        auto options = tls_options("localhost");
        options.proxy_environment =
            environment_of({{"HTTPS_PROXY", dead}, {"NO_PROXY", "example.com, localhost"}});
        auto response = HttpsClient(options).send(request_to(url), in_seconds(20));
        REQUIRE(response);
        CHECK(response->body == "hello");
    }
    SECTION("not listed: through the proxy, which is down") {
        auto options = tls_options("localhost");
        options.proxy_environment =
            environment_of({{"HTTPS_PROXY", dead}, {"NO_PROXY", "127.0.0.1"}});
        auto response = HttpsClient(options).send(request_to(url), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == Kind::Network);
        CHECK_THAT(response.error().message, Catch::StartsWith("connecting to proxy 127.0.0.1:"));
    }
}

TEST_CASE("https client tunnels plain http through http_proxy only", "[https_client][proxy]") {
    TunnelProxy proxy;
    auto server = start_server(hello);
    auto target = "127.0.0.1:" + port_text(*server);

    SECTION("HTTP_PROXY carries http") {
        auto options = plain_options();
        options.proxy_environment = environment_of({{"http_proxy", proxy.url()}});
        auto response = HttpsClient(options).send(request_to("http://" + target + "/x"),
                                                  in_seconds(20));
        REQUIRE(response);
        CHECK(response->body == "hello");
        REQUIRE(proxy.requests().size() == 1);
        CHECK_THAT(proxy.requests()[0], Catch::StartsWith("CONNECT " + target + " HTTP/1.1"));
    }
    SECTION("HTTPS_PROXY does not") {
        auto options = plain_options();
        options.proxy_environment = environment_of({{"HTTPS_PROXY", proxy.url()}});
        auto response = HttpsClient(options).send(request_to("http://" + target + "/x"),
                                                  in_seconds(20));
        REQUIRE(response);
        CHECK(proxy.requests().empty());
    }
}

TEST_CASE("https client uses the account's proxy over the environment", "[https_client][proxy]") {
    TunnelProxy proxy;
    auto server = start_server(hello, "localhost");
    auto options = tls_options("localhost");
    auto dead = "http://127.0.0.1:" + std::to_string(closed_port());
    options.proxy_environment = environment_of({{"HTTPS_PROXY", dead}, {"NO_PROXY", "*"}});
    // By name, so the proxy's name is what gets resolved.
    options.proxy_url = Secret::from_inline("http://localhost:" + proxy.url().substr(17));
    HttpsClient client(options);

    auto response =
        client.send(request_to("https://localhost:" + port_text(*server) + "/"), in_seconds(20));

    REQUIRE(response);
    CHECK(proxy.requests().size() == 1);
}

TEST_CASE("https client reads the account's proxy url at each connection",
          "[https_client][proxy]") {
    TunnelProxy first;
    TunnelProxy second;
    auto server = start_server(hello, "localhost");
    char path[] = "/tmp/engagevoice_https_proxy_XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    auto write = [&path](const std::string& text) { std::ofstream(path) << text << "\n"; };
    auto options = tls_options("localhost");
    options.proxy_url = Secret::from_file(path);
    HttpsClient client(options);
    auto url = "https://localhost:" + port_text(*server) + "/";

    write(first.url());
    CHECK(client.send(request_to(url), in_seconds(20)));
    write(second.url());
    CHECK(client.send(request_to(url), in_seconds(20)));
    write("https://user:hunter2@127.0.0.1:1");
    auto broken = client.send(request_to(url), in_seconds(20));
    std::remove(path);

    CHECK(first.requests().size() == 1);
    CHECK(second.requests().size() == 1);
    REQUIRE_FALSE(broken);
    CHECK(broken.error().kind == Kind::Network);
    CHECK_THAT(broken.error().message,
               Catch::StartsWith("proxy_url (file " + std::string(path) + ") is not a valid"));
    CHECK_THAT(broken.error().message, !Catch::Contains("hunter2"));
}
