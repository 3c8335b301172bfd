#include "mock_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <system_error>

namespace engagevoice {

namespace {

constexpr int kSendWaitMilliseconds = 5000;

std::string with_port(const std::string& host, in_port_t port) {
    return host + ":" + std::to_string(ntohs(port));
}

// The peer as HttpServer writes it: "a.b.c.d:port", "[v6]:port", IPv4-mapped IPv6 as IPv4.
std::string peer_of(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return "";
    }
    char host[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        ::inet_ntop(AF_INET, &v4.sin_addr, host, sizeof host);
        return with_port(host, v4.sin_port);
    }
    if (address.ss_family != AF_INET6) {
        return "";
    }
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
        ::inet_ntop(AF_INET, &v6.sin6_addr.s6_addr[12], host, sizeof host);
        return with_port(host, v6.sin6_port);
    }
    ::inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof host);
    return with_port("[" + std::string(host) + "]", v6.sin6_port);
}

bool is_socket(int fd) {
    struct stat status {};
    return ::fstat(fd, &status) == 0 && S_ISSOCK(status.st_mode);
}

// The open socket connected to `remote`, or -1. Listening sockets have no peer and never match.
int find_socket(const std::string& remote) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
        const std::string name = entry.path().filename().string();
        int fd = -1;
        auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
        if (ec == std::errc() && end == name.data() + name.size() && is_socket(fd) &&
            peer_of(fd) == remote) {
            return fd;
        }
    }
    return -1;
}

// The server's sockets are non-blocking: wait for room rather than fail on EAGAIN.
bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return false;
        }
        pollfd writable{fd, POLLOUT, 0};
        if (::poll(&writable, 1, kSendWaitMilliseconds) <= 0) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool SocketConnections::cut_off(const std::string& remote, std::string_view raw) {
    const int fd = find_socket(remote);
    if (fd < 0) {
        return false;
    }
    if (raw.empty()) {
        // A zero linger makes the server's later close send a reset rather than end politely.
        linger abort{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        return ::shutdown(fd, SHUT_RDWR) == 0;
    }
    // Only the write side: a reset now could destroy the bytes before the client reads them.
    return send_all(fd, raw) && ::shutdown(fd, SHUT_WR) == 0;
}

}  // namespace engagevoice
