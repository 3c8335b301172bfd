#include "engagevoice/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "engagevoice/https_client.hpp"

using namespace engagevoice;

namespace {

const std::string kTlsDir = std::string(ENGAGEVOICE_FIXTURES_DIR) + "/tls/";

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

    void send(const std::string& data) {
        REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(data.size()));
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
