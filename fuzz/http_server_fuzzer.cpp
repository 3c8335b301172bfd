// Raw bytes sent to a running HttpServer over loopback, serving WebRoutes.
//
// Each input is one connection: the bytes are written, the client closes its side, and the
// answers are read until the server closes. Besides memory safety and undefined behaviour in
// the server's threads, checks that the server always ends the connection and that what it sends
// back is a row of well-formed HTTP responses, one for each request Beast parses from the same
// bytes, plus at most one error answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/http_server.hpp"
#include "engagevoice/web_routes.hpp"
#include "example_routes.hpp"
#include "fuzz_check.hpp"
#include "request_reader.hpp"

namespace engagevoice {
namespace {

using fuzz::check;

// Far below the server's own deadlines: once the client has closed its side, the server has
// everything it will get.
constexpr int kAnswerTimeoutMs = 4000;

struct Server {
    std::unique_ptr<HttpServer> server;
    std::uint16_t port = 0;
};

// One server for the whole run; never destroyed, so no thread outlives what it uses at exit.
Server& server() {
    static Server* instance = [] {
        auto* s = new Server;
        HttpServerOptions options;
        options.listen_addresses = {"127.0.0.1:0"};
        options.threads = 2;
        static const WebRoutes routes(fuzz::example_routes());
        s->server = std::make_unique<HttpServer>(
            options, [](const ServerRequest& request) { return routes.handle(request); });
        const auto address = s->server->bound_addresses().at(0);
        s->port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
        s->server->start();
        return s;
    }();
    return *instance;
}

// Closes the descriptor on every way out.
struct Socket {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    Socket() = default;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        // A reset rather than a close handshake leaves no TIME_WAIT behind, so a long run does
        // not use up the ephemeral ports.
        linger reset{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        ::close(fd);
    }
};

// libFuzzer's timer raises SIGALRM every few seconds, which would break the system calls here off
// with EINTR. Blocked on this thread, the signal goes to a server thread instead, where
// libFuzzer's handler still stops an input that runs too long.
class AlarmBlocked {
public:
    AlarmBlocked() {
        sigemptyset(&alarm_);
        sigaddset(&alarm_, SIGALRM);
        pthread_sigmask(SIG_BLOCK, &alarm_, nullptr);
    }
    AlarmBlocked(const AlarmBlocked&) = delete;
    AlarmBlocked& operator=(const AlarmBlocked&) = delete;
    ~AlarmBlocked() { pthread_sigmask(SIG_UNBLOCK, &alarm_, nullptr); }

private:
    sigset_t alarm_{};
};

void connect_to(const Socket& socket, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check(socket.fd >= 0, "a socket opens");
    check(::connect(socket.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
          "the server accepts a connection");
}

// Sends what the server takes; it may stop reading after an error answer.
void send_all(const Socket& socket, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto sent = ::send(socket.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) {
            return;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

// Everything the server sends until it closes. `clean` is false when the connection was reset,
// which may drop the end of the answers.
std::string receive_all(const Socket& socket, bool& clean) {
    std::string received;
    char buffer[16384];
    clean = true;
    for (;;) {
        pollfd ready{socket.fd, POLLIN, 0};
        check(::poll(&ready, 1, kAnswerTimeoutMs) == 1, "the server ends the connection");
        const auto got = ::recv(socket.fd, buffer, sizeof buffer, 0);
        if (got == 0) {
            return received;
        }
        if (got < 0) {
            clean = false;
            return received;
        }
        received.append(buffer, static_cast<std::size_t>(got));
    }
}

void check_status(unsigned status) {
    const unsigned expected[] = {200, 400, 404, 405, 413, 431, 503};
    bool known = false;
    for (unsigned s : expected) {
        known = known || s == status;
    }
    check(known, "the status is one the server or the routes answer");
}

// Parses `received` as the answers to `sent`: one per request, then at most one error answer.
void check_responses(std::string_view received, const fuzz::ReadRequests& sent) {
    std::size_t index = 0;
    const auto& requests = sent.requests;
    while (!received.empty()) {
        check(index < requests.size() + (sent.stopped ? 1 : 0), "no more answers than requests");
        fuzz::http::response_parser<fuzz::http::string_body> parser;
        parser.skip(index < requests.size() && requests[index].method() == fuzz::http::verb::head);
        parser.eager(true);
        boost::beast::error_code ec;
        const auto used = fuzz::put_all(parser, received, ec);
        check(!ec, "each answer is a complete HTTP response");
        check_status(parser.get().result_int());
        received.remove_prefix(used);
        ++index;
    }
}

}  // namespace
}  // namespace engagevoice

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    engagevoice::server();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace engagevoice;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const AlarmBlocked alarm_blocked;
    Socket socket;
    connect_to(socket, server().port);
    send_all(socket, bytes);
    ::shutdown(socket.fd, SHUT_WR);

    bool clean = false;
    const std::string received = receive_all(socket, clean);
    if (clean) {
        check_responses(received, fuzz::read_requests(bytes));
    }
    return 0;
}
