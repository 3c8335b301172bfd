#include "engagevoice/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "engagevoice/config.hpp"
#include "engagevoice/encoding.hpp"
#include "engagevoice/https_client.hpp"
#include "engagevoice/logging.hpp"

using namespace engagevoice;

namespace {

const std::string kTlsDir = std::string(ENGAGEVOICE_FIXTURES_DIR) + "/tls/";
const std::string kWebDir = std::string(ENGAGEVOICE_FIXTURES_DIR) + "/web/";

// The user of tests/fixtures/web/users_only.yml and tls_and_users.yml, and a second one.
const std::string kUser = "prometheus";
const std::string kPassword = "scrape-secret";
const std::string kHash = "$2y$10$aOcY4GiZd8Z8gG2cx1dJCeVHwcS42gBBgUYc8q/s2NfECXeFm5kpC";
const std::string kOtherHash = "$2b$10$elOay9j8uos0nW/Sv.p2b.XN.hoymP77zMmaIkXXOoRXK2Vc5zGJK";
const std::string kOtherPassword = "other-secret";

std::uint16_t port_of(const std::string& address) {
    return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

bool has_ipv6_loopback() {
    std::ifstream interfaces("/proc/net/if_inet6");
    std::string line;
    while (std::getline(interfaces, line)) {
        if (line.rfind("00000000000000000000000000000001", 0) == 0) {
            return true;
        }
    }
    return false;
}

// A bare HTTP/1.1 client on a blocking socket, so the tests see exactly what the server sends.
class RawConnection {
public:
    explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address)) {
            throw std::runtime_error("cannot connect to the test server");
        }
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    void send(const std::string& data) { REQUIRE(try_send(data)); }

    // False when the server closed or reset the connection first.
    bool try_send(const std::string& data) {
        return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(data.size());
    }

    // Reads one response whose body length is given by Content-Length (none without it).
    std::string read_response(bool head = false) {
        while (buffer_.find("\r\n\r\n") == std::string::npos) {
            REQUIRE(read_more());
        }
        auto header_end = buffer_.find("\r\n\r\n") + 4;
        std::size_t length = head ? 0 : content_length(buffer_.substr(0, header_end));
        while (buffer_.size() < header_end + length) {
            REQUIRE(read_more());
        }
        auto response = buffer_.substr(0, header_end + length);
        buffer_.erase(0, header_end + length);
        return response;
    }

    // True when the server closed the connection and sent nothing more.
    bool closed_by_server() { return !read_more() && buffer_.empty(); }

private:
    static std::size_t content_length(const std::string& head) {
        auto at = head.find("Content-Length: ");
        return at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
    }

    // Appends what arrives within 10 seconds; false on close, error or silence.
    bool read_more() {
        pollfd ready{fd_, POLLIN, 0};
        if (::poll(&ready, 1, 10000) != 1) {
            return false;
        }
        char chunk[4096];
        auto got = ::recv(fd_, chunk, sizeof chunk, 0);
        if (got <= 0) {
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(got));
        return true;
    }

    int fd_;
    std::string buffer_;
};

std::string get(const std::string& target, const std::string& method = "GET") {
    return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

std::string get_as(const std::string& target, const std::string& user,
                   const std::string& password) {
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " +
           base64_encode(user + ":" + password) + "\r\n\r\n";
}

// What a TLS client on OpenSSL alone saw: it does not check the server's certificate, so that
// the tests can look at which one the server showed, and may present a client certificate.
struct TlsExchange {
    std::string server_name;  // the CN of the server's certificate; "" without a handshake
    std::string response;     // all the server sent before it closed; "" when it refused
};

std::string common_name(SSL* ssl) {
    X509* peer = SSL_get1_peer_certificate(ssl);
    char name[256] = {};
    if (peer != nullptr) {
        X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof name);
        X509_free(peer);
    }
    return name;
}

int connect_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
}

// Sends one request with "Connection: close" and reads until the server closes.
TlsExchange tls_exchange(std::uint16_t port, const std::string& client_name = "") {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                              &SSL_CTX_free);
    if (!client_name.empty()) {
        REQUIRE(SSL_CTX_use_certificate_chain_file(
                    context.get(), (kTlsDir + client_name + "_cert.pem").c_str()) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey_file(context.get(),
                                            (kTlsDir + client_name + "_key.pem").c_str(),
                                            SSL_FILETYPE_PEM) == 1);
    }
    const int fd = connect_loopback(port);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), &SSL_free);
    SSL_set_fd(ssl.get(), fd);
    TlsExchange exchange;
    if (SSL_connect(ssl.get()) == 1) {
        exchange.server_name = common_name(ssl.get());
        const std::string request =
            "GET /tls HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        SSL_write(ssl.get(), request.data(), static_cast<int>(request.size()));
        char chunk[4096];
        int got = 0;
        while ((got = SSL_read(ssl.get(), chunk, sizeof chunk)) > 0) {
            exchange.response.append(chunk, static_cast<std::size_t>(got));
        }
    }
    ssl.reset();
    ::close(fd);
    ERR_clear_error();
    return exchange;
}

// A scratch directory for web configurations that change during a test; files are replaced
// by a rename, as a deployment tool would, so the server never reads half a file.
class ScratchDir {
public:
    ScratchDir() {
        static std::atomic<int> count = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("http_server_test_" + std::to_string(::getpid()) + "_" + std::to_string(count++));
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    std::string write(const std::string& name, const std::string& text) const {
        auto temporary = path_ / (name + ".tmp");
        std::ofstream(temporary, std::ios::trunc) << text;
        std::filesystem::rename(temporary, path_ / name);
        return (path_ / name).string();
    }

    std::string copy(const std::string& from, const std::string& name) const {
        std::ifstream in(from);
        std::stringstream text;
        text << in.rdbuf();
        return write(name, text.str());
    }

    std::string read(const std::string& name) const {
        std::ifstream in(path_ / name);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

private:
    std::filesystem::path path_;
};

// Tries `check` every 50 ms for up to 20 seconds: a generous limit, not a timing assertion.
bool eventually(const std::function<bool()>& check) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (check()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return check();
}

// The status line of the answer to one request on a new connection; "" when the server closed.
std::string status_line(std::uint16_t port, const std::string& request) {
    RawConnection client(port);
    if (!client.try_send(request) || client.closed_by_server()) {
        return "";
    }
    const std::string response = client.read_response();
    return response.substr(0, response.find("\r\n"));
}

HttpServerOptions local_options() {
    HttpServerOptions options;
    options.listen_addresses = {"127.0.0.1:0"};
    return options;
}

ServerResponse echo_path(const ServerRequest& request) {
    ServerResponse response;
    response.body = "path=" + request.path();
    return response;
}

}  // namespace

TEST_CASE("http server passes the request to the handler and its answer back", "[http_server]") {
    std::mutex mutex;
    ServerRequest seen;
    HttpServer server(local_options(), [&](const ServerRequest& request) {
        std::lock_guard lock(mutex);
        seen = request;
        ServerResponse response;
        response.status = 202;
        response.content_type = "application/json";
        response.headers = {{"X-Answer", "42"}, {"Cache-Control", "no-store"}};
        response.body = R"({"ok":true})";
        return response;
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send(
        "POST /-/reload?force=1 HTTP/1.1\r\nHost: localhost\r\nX-Test: yes\r\n"
        "Content-Length: 5\r\n\r\nhello");
    auto response = client.read_response();

    CHECK(response.rfind("HTTP/1.1 202 Accepted\r\n", 0) == 0);
    CHECK(response.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(response.find("X-Answer: 42\r\n") != std::string::npos);
    CHECK(response.find("Cache-Control: no-store\r\n") != std::string::npos);
    CHECK(response.find("Content-Length: 11\r\n") != std::string::npos);
    CHECK(response.substr(response.size() - 11) == R"({"ok":true})");
    std::lock_guard lock(mutex);
    CHECK(seen.method == "POST");
    CHECK(seen.target == "/-/reload?force=1");
    CHECK(seen.path() == "/-/reload");
    CHECK(seen.header("x-test") == "yes");
    CHECK(seen.header("X-Missing").empty());
    CHECK(seen.body == "hello");
    CHECK(seen.remote_address.rfind("127.0.0.1:", 0) == 0);
}

TEST_CASE("http server answers 500 when the handler throws and serves the next request",
          "[http_server]") {
    HttpServer server(local_options(), [](const ServerRequest& request) {
        if (request.path() == "/boom") {
            throw std::runtime_error("handler failed");
        }
        return echo_path(request);
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send(get("/boom"));
    auto failed = client.read_response();
    client.send(get("/fine"));
    auto fine = client.read_response();

    CHECK(failed.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0);
    CHECK(failed.find("handler failed") == std::string::npos);
    CHECK(fine.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(fine.substr(fine.size() - 10) == "path=/fine");
}

TEST_CASE("http server keeps a connection alive across requests", "[http_server]") {
    std::mutex mutex;
    std::vector<std::string> remotes;
    HttpServer server(local_options(), [&](const ServerRequest& request) {
        std::lock_guard lock(mutex);
        remotes.push_back(request.remote_address);
        return echo_path(request);
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send(get("/one"));
    auto first = client.read_response();
    client.send(get("/two"));
    auto second = client.read_response();

    CHECK(first.substr(first.size() - 9) == "path=/one");
    CHECK(second.substr(second.size() - 9) == "path=/two");
    std::lock_guard lock(mutex);
    REQUIRE(remotes.size() == 2);
    CHECK(remotes[0] == remotes[1]);
}

TEST_CASE("http server answers head with the headers of get and no body", "[http_server]") {
    std::atomic<int> calls_as_get = 0;
    HttpServer server(local_options(), [&](const ServerRequest& request) {
        if (request.method == "GET") {
            ++calls_as_get;
        }
        return echo_path(request);
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send(get("/metrics", "HEAD"));
    auto head = client.read_response(true);
    client.send(get("/after"));
    auto after = client.read_response();

    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(head.find("Content-Length: 13\r\n") != std::string::npos);
    CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
    // Had the HEAD answer carried a body, it would show up in front of this one.
    CHECK(after.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(after.substr(after.size() - 11) == "path=/after");
    CHECK(calls_as_get == 2);
}

TEST_CASE("http server refuses a body over the limit with 413 and closes", "[http_server]") {
    auto options = local_options();
    options.max_request_body_bytes = 10;
    std::atomic<int> calls = 0;
    HttpServer server(options, [&](const ServerRequest& request) {
        ++calls;
        return echo_path(request);
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send("POST /-/reload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\n");
    auto response = client.read_response();

    CHECK(response.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0) == 0);
    CHECK(client.closed_by_server());
    CHECK(calls == 0);
}

TEST_CASE("http server refuses request headers over 16 KiB with 431", "[http_server]") {
    HttpServer server(local_options(), echo_path);
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(17000, 'a') +
                "\r\n\r\n");
    auto response = client.read_response();

    CHECK(response.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
    CHECK(client.closed_by_server());
}

TEST_CASE("http server answers a malformed request with 400", "[http_server]") {
    HttpServer server(local_options(), echo_path);
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send("GET / HTTP/1.1\r\nBroken header line\r\n\r\n");

    CHECK(client.read_response().rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK(client.closed_by_server());
}

TEST_CASE("http server leaves out response headers that would break the framing", "[http_server]") {
    HttpServer server(local_options(), [](const ServerRequest&) {
        ServerResponse response;
        response.headers = {{"X-Bad", "a\r\nSet-Cookie: x=1"}, {"Content-Length", "999"}};
        response.body = "ok";
        return response;
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send(get("/"));
    auto response = client.read_response();

    CHECK(response.find("Set-Cookie") == std::string::npos);
    CHECK(response.find("999") == std::string::npos);
    CHECK(response.find("Content-Length: 2\r\n") != std::string::npos);
}

TEST_CASE("http server reports the addresses and ports it bound", "[http_server]") {
    SECTION("ipv4 loopback with a picked port") {
        HttpServer server(local_options(), echo_path);
        auto bound = server.bound_addresses();
        REQUIRE(bound.size() == 1);
        CHECK(bound[0].rfind("127.0.0.1:", 0) == 0);
        CHECK(port_of(bound[0]) != 0);
    }
    SECTION("all interfaces answer on ipv4 loopback") {
        HttpServerOptions options;
        options.listen_addresses = {":0"};
        HttpServer server(options, echo_path);
        server.start();
        auto bound = server.bound_addresses().at(0);
        CHECK((bound.rfind("[::]:", 0) == 0 || bound.rfind("0.0.0.0:", 0) == 0));

        RawConnection client(port_of(bound));
        client.send(get("/any"));
        CHECK(client.read_response().find("path=/any") != std::string::npos);
    }
    SECTION("several addresses, ipv6 loopback among them") {
        if (!has_ipv6_loopback()) {
            WARN("no IPv6 loopback here; only IPv4 is checked");
            return;
        }
        HttpServerOptions options;
        options.listen_addresses = {"127.0.0.1:0", "[::1]:0"};
        HttpServer server(options, echo_path);
        auto bound = server.bound_addresses();
        REQUIRE(bound.size() == 2);
        CHECK(bound[0].rfind("127.0.0.1:", 0) == 0);
        CHECK(bound[1].rfind("[::1]:", 0) == 0);
        CHECK(port_of(bound[1]) != 0);
    }
}

TEST_CASE("http server throws naming the address it cannot bind", "[http_server]") {
    HttpServer first(local_options(), echo_path);
    auto taken = first.bound_addresses().at(0);

    auto fails_with = [](const std::string& address) {
        HttpServerOptions options;
        options.listen_addresses = {address};
        try {
            HttpServer server(options, echo_path);
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };

    CHECK_THAT(fails_with(taken), Catch::Contains("cannot listen on " + taken));
    CHECK_THAT(fails_with("127.0.0.1"), Catch::Contains("cannot listen on 127.0.0.1:"));
    CHECK_THAT(fails_with("127.0.0.1:99999"), Catch::Contains("127.0.0.1:99999"));
    CHECK_THAT(fails_with("[::1:80"), Catch::Contains("[::1:80"));
}

TEST_CASE("http server stops twice, before start and from another thread", "[http_server]") {
    SECTION("never started") {
        HttpServer server(local_options(), echo_path);
        server.stop();
        server.stop();
    }
    SECTION("stopped from another thread while a client idles on a connection") {
        HttpServer server(local_options(), echo_path);
        server.start();
        auto port = port_of(server.bound_addresses().at(0));
        RawConnection client(port);
        client.send(get("/"));
        CHECK(client.read_response().find("path=/") != std::string::npos);

        std::thread stopper([&] { server.stop(); });
        stopper.join();
        server.stop();

        CHECK(client.closed_by_server());
        CHECK_THROWS(RawConnection(port));
    }
    SECTION("stopped by the destructor while a client is connected") {
        std::optional<RawConnection> client;
        {
            HttpServer server(local_options(), echo_path);
            server.start();
            client.emplace(port_of(server.bound_addresses().at(0)));
        }
        CHECK(client->closed_by_server());
    }
}

TEST_CASE("http server can be stopped from inside a handler", "[http_server]") {
    std::optional<HttpServer> server;
    std::atomic<bool> stopped = false;
    server.emplace(local_options(), [&](const ServerRequest& request) {
        server->stop();
        stopped = true;
        return echo_path(request);
    });
    server->start();
    RawConnection client(port_of(server->bound_addresses().at(0)));

    client.send(get("/quit"));

    CHECK(client.closed_by_server());
    server.reset();  // joins the thread that ran the handler
    CHECK(stopped);
}

TEST_CASE("http server serves https with its certificate", "[http_server][tls]") {
    auto options = local_options();
    options.tls = ServerTls{kTlsDir + "localhost_cert.pem", kTlsDir + "localhost_key.pem"};
    HttpServer server(options, echo_path);
    server.start();

    HttpsClientOptions client_options;
    client_options.ca_file = kTlsDir + "localhost_cert.pem";
    HttpsClient client(client_options);
    HttpRequest request;
    request.url = *parse_url("https://" + server.bound_addresses().at(0) + "/secure");
    auto response =
        client.send(request, std::chrono::steady_clock::now() + std::chrono::seconds(20));

    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "path=/secure");
}

TEST_CASE("http server throws naming a certificate or key it cannot load", "[http_server][tls]") {
    auto fails_with = [](const ServerTls& tls) {
        auto options = local_options();
        options.tls = tls;
        try {
            HttpServer server(options, echo_path);
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };

    auto missing = kTlsDir + "missing.pem";
    CHECK_THAT(fails_with({missing, kTlsDir + "localhost_key.pem"}),
               Catch::Contains("certificate " + missing));
    CHECK_THAT(fails_with({kTlsDir + "localhost_cert.pem", missing}),
               Catch::Contains("key " + missing));
    CHECK_THAT(fails_with({kTlsDir + "localhost_cert.pem", kTlsDir + "other_key.pem"}),
               Catch::Contains("key " + kTlsDir + "other_key.pem"));
}

TEST_CASE("http server hands every method to the handler, which answers for its paths",
          "[http_server]") {
    std::vector<std::string> methods;
    std::mutex mutex;
    HttpServer server(local_options(), [&](const ServerRequest& request) {
        std::lock_guard lock(mutex);
        methods.push_back(request.method);
        ServerResponse response;
        response.status = 405;
        response.body = "Method Not Allowed\n";
        response.headers.emplace_back("Allow", "GET, HEAD");
        return response;
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send(get("/metrics", "DELETE"));
    auto refused = client.read_response();
    client.send(get("/metrics", "OPTIONS"));
    auto options = client.read_response();

    CHECK(refused.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
    INFO(refused);
    CHECK(refused.find("Allow: GET, HEAD\r\n") != std::string::npos);
    CHECK(options.rfind("HTTP/1.1 405 ", 0) == 0);
    std::lock_guard lock(mutex);
    CHECK(methods == std::vector<std::string>{"DELETE", "OPTIONS"});
}

TEST_CASE("http server closes connections beyond its limit at once", "[http_server]") {
    auto options = local_options();
    options.max_connections = 2;
    HttpServer server(options, echo_path);
    server.start();
    auto port = port_of(server.bound_addresses().at(0));
    std::optional<RawConnection> first(port);
    RawConnection second(port);
    first->send(get("/first"));
    second.send(get("/second"));
    REQUIRE(first->read_response().find("path=/first") != std::string::npos);
    REQUIRE(second.read_response().find("path=/second") != std::string::npos);

    RawConnection third(port);
    CHECK(third.closed_by_server());

    // A client leaving frees its slot for the next one.
    first.reset();
    CHECK(eventually([port] { return status_line(port, get("/next")) == "HTTP/1.1 200 OK"; }));
    second.send(get("/still"));
    CHECK(second.read_response().find("path=/still") != std::string::npos);
}

TEST_CASE("http server asks every path for a user of the web configuration",
          "[http_server][web_config]") {
    auto options = local_options();
    options.web_config_file = kWebDir + "users_only.yml";
    std::atomic<int> calls = 0;
    HttpServer server(options, [&](const ServerRequest& request) {
        ++calls;
        return echo_path(request);
    });
    server.start();
    RawConnection client(port_of(server.bound_addresses().at(0)));

    client.send(get("/metrics"));
    auto anonymous = client.read_response();
    client.send(get_as("/metrics", kUser, "wrong"));
    auto wrong = client.read_response();
    client.send(get_as("/metrics", "nobody", kPassword));
    auto unknown = client.read_response();
    client.send("GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + kPassword +
                "\r\n\r\n");
    auto bearer = client.read_response();
    CHECK(calls == 0);
    client.send(get_as("/metrics", kUser, kPassword));
    auto right = client.read_response();
    client.send(get_as("/-/healthy", kUser, kPassword));
    auto again = client.read_response();

    for (const auto& refused : {anonymous, wrong, unknown, bearer}) {
        CHECK(refused.rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0);
        CHECK(refused.find("WWW-Authenticate: Basic realm=\"engage_voice_exporter\"\r\n") !=
              std::string::npos);
    }
    CHECK(right.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(right.substr(right.size() - 13) == "path=/metrics");
    CHECK(again.substr(again.size() - 15) == "path=/-/healthy");
    CHECK(calls == 2);
}

TEST_CASE("http server adds the configured headers to every answer", "[http_server][web_config]") {
    ScratchDir dir;
    auto options = local_options();
    options.max_request_body_bytes = 4;
    options.web_config_file = dir.write("web.yml",
                                        "http_server_config:\n"
                                        "  headers:\n"
                                        "    X-Frame-Options: deny\n"
                                        "    X-Content-Type-Options: nosniff\n"
                                        "basic_auth_users:\n"
                                        "  prometheus: " +
                                            kHash + "\n");
    HttpServer server(options, echo_path);
    server.start();
    auto port = port_of(server.bound_addresses().at(0));
    RawConnection client(port);

    client.send(get_as("/", kUser, kPassword));
    auto served = client.read_response();
    client.send(get("/"));
    auto refused = client.read_response();
    RawConnection large(port);
    large.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\n");
    auto too_large = large.read_response();

    for (const auto& response : {served, refused, too_large}) {
        CHECK(response.find("X-Frame-Options: deny\r\n") != std::string::npos);
        CHECK(response.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
    }
    CHECK(served.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(refused.rfind("HTTP/1.1 401 ", 0) == 0);
    CHECK(too_large.rfind("HTTP/1.1 413 ", 0) == 0);
}

TEST_CASE("http server requires a client certificate from the configured ca",
          "[http_server][tls][web_config]") {
    auto options = local_options();
    options.web_config_file = kWebDir + "mutual_tls.yml";
    HttpServer server(options, echo_path);
    server.start();
    auto port = port_of(server.bound_addresses().at(0));

    auto accepted = tls_exchange(port, "client");
    auto other_ca = tls_exchange(port, "other");
    auto none = tls_exchange(port);

    CHECK(accepted.server_name == "localhost");
    CHECK(accepted.response.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(accepted.response.find("path=/tls") != std::string::npos);
    CHECK(other_ca.response.empty());
    CHECK(none.response.empty());
}

TEST_CASE("http server serves a rotated certificate to new connections without a restart",
          "[http_server][tls][web_config]") {
    ScratchDir dir;
    dir.copy(kTlsDir + "localhost_cert.pem", "cert.pem");
    dir.copy(kTlsDir + "localhost_key.pem", "key.pem");
    std::ofstream log_file(dir.write("server.log", ""));
    auto options = local_options();
    options.web_config_file =
        dir.write("web.yml", "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n");
    options.web_config_check_interval = std::chrono::milliseconds(50);
    options.log = Logger(log_file, LogLevel::Info, LogFormat::Logfmt);
    HttpServer server(options, echo_path);
    server.start();
    auto port = port_of(server.bound_addresses().at(0));
    REQUIRE(tls_exchange(port).server_name == "localhost");

    // The key first: until the certificate follows, the pair does not match and the old stays.
    dir.copy(kTlsDir + "other_key.pem", "key.pem");
    dir.copy(kTlsDir + "other_cert.pem", "cert.pem");

    CHECK(eventually([port] { return tls_exchange(port).server_name == "other.example"; }));
    CHECK(tls_exchange(port).response.find("path=/tls") != std::string::npos);
    server.stop();
    CHECK_THAT(dir.read("server.log"), Catch::Contains("msg=\"web configuration reloaded\""));
}

TEST_CASE("http server keeps its web configuration when a new one is invalid",
          "[http_server][web_config]") {
    ScratchDir dir;
    std::ofstream log_file(dir.write("server.log", ""));
    auto options = local_options();
    options.web_config_file =
        dir.write("web.yml", "basic_auth_users:\n  prometheus: \"" + kHash + "\"\n");
    options.web_config_check_interval = std::chrono::milliseconds(50);
    options.log = Logger(log_file, LogLevel::Debug, LogFormat::Logfmt);
    HttpServer server(options, echo_path);
    server.start();
    auto port = port_of(server.bound_addresses().at(0));
    const auto as_prometheus = get_as("/", kUser, kPassword);
    const auto as_grafana = get_as("/", "grafana", kOtherPassword);
    REQUIRE(status_line(port, as_prometheus) == "HTTP/1.1 200 OK");

    // A password where its hash belongs: refused, logged without the password.
    dir.write("web.yml", "basic_auth_users:\n  prometheus: " + kPassword + "\n");
    REQUIRE(eventually(
        [&] { return dir.read("server.log").find("cannot reload") != std::string::npos; }));
    CHECK(status_line(port, as_prometheus) == "HTTP/1.1 200 OK");

    SECTION("a valid file then applies to new requests") {
        dir.write("web.yml", "basic_auth_users:\n  grafana: \"" + kOtherHash + "\"\n");
        CHECK(eventually([&] { return status_line(port, as_grafana) == "HTTP/1.1 200 OK"; }));
        CHECK(status_line(port, as_prometheus) == "HTTP/1.1 401 Unauthorized");
    }
    SECTION("an explicit reload throws and keeps the running configuration") {
        CHECK_THROWS_AS(server.reload_web_config(), ConfigError);
        dir.write("web.yml", "tls_server_config:\n  cert_file: " + kTlsDir +
                                 "localhost_cert.pem\n  key_file: " + kTlsDir +
                                 "localhost_key.pem\n");
        CHECK_THROWS_WITH(server.reload_web_config(), Catch::Contains("needs a restart"));
        CHECK(status_line(port, as_prometheus) == "HTTP/1.1 200 OK");
    }
    server.stop();
    const auto log = dir.read("server.log");
    CHECK_THAT(log, Catch::Contains("basic_auth_users.prometheus"));
    CHECK_THAT(log, !Catch::Contains(kPassword));
    CHECK_THAT(log, !Catch::Contains(kHash));
}

TEST_CASE("http server refuses to start on an invalid web configuration",
          "[http_server][web_config]") {
    auto options = local_options();
    options.web_config_file = kWebDir + "invalid/verify_without_ca.yml";

    try {
        HttpServer server(options, echo_path);
        FAIL("started");
    } catch (const ConfigError& e) {
        CHECK(e.file() == options.web_config_file);
        CHECK(e.key() == "tls_server_config.client_ca_file");
    }
    options.web_config_file = kWebDir + "users_only.yml";
    options.tls = ServerTls{kTlsDir + "localhost_cert.pem", kTlsDir + "localhost_key.pem"};
    CHECK_THROWS_AS(HttpServer(options, echo_path), std::invalid_argument);
}
