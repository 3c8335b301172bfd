// The socket under a request, for the faults that break HTTP itself: a connection dropped without
// an answer, or an answer whose Content-Length promises more than it sends.
//
// HttpServer gives a handler no hold on its connection, so the mock finds the connection's socket
// among the process's own by the client's address and acts on it directly. The server's own
// answer then fails to send, and it closes the connection as it does for any failed write.
#pragma once

#include <string>
#include <string_view>

namespace engagevoice {

class ConnectionControl {
public:
    virtual ~ConnectionControl() = default;

    // Acts on the connection whose client is `remote` (ServerRequest::remote_address): with
    // `raw` empty, shuts it down both ways and makes its final close a reset; otherwise sends
    // `raw` as it is and shuts it down for writing. Must be called from the request's handler,
    // while the server leaves the connection alone. False when no such connection is open or
    // the bytes cannot be sent.
    virtual bool cut_off(const std::string& remote, std::string_view raw) = 0;
};

// Finds the socket by its peer address in /proc/self/fd. Only for plain HTTP when `raw` is not
// empty: the bytes bypass TLS. Thread-safe; never throws.
class SocketConnections final : public ConnectionControl {
public:
    bool cut_off(const std::string& remote, std::string_view raw) override;
};

}  // namespace engagevoice
