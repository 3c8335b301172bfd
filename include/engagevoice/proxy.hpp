// Forward proxies for the upstream connections: proxy URLs, NO_PROXY lists, the proxy variables
// of the environment, and the choice of a proxy for one request.
//
// Everything here is plain data and pure functions (the environment is passed in, never read
// behind the caller's back), so it is thread-safe. A ProxyUrl holds the proxy's password: it
// has no printer, and every message here names a proxy as "proxy host:port" only.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/result.hpp"
#include "engagevoice/secret.hpp"
#include "engagevoice/url.hpp"

namespace engagevoice {

// A forward proxy that the exporter reaches over plain TCP and asks for a tunnel with CONNECT.
struct ProxyUrl {
    std::string host;  // lowercase; IPv6 literals without brackets
    std::uint16_t port = 80;
    std::string username;  // percent-decoded; empty without credentials
    std::string password;  // percent-decoded

    bool has_credentials() const { return !username.empty() || !password.empty(); }

    // "host:port" or "[v6]:port", the way a message names the proxy.
    std::string host_port() const;

    // "proxy host:port": safe for any message, never with the credentials.
    std::string name() const;

    // The Proxy-Authorization value, "Basic <base64(username:password)>", or "" without
    // credentials.
    std::string authorization() const;
};

// Parses "http://[user:pass@]host[:port][/]"; the port defaults to 80, user and password are
// percent-decoded. As curl and Go do, a value without a scheme ("proxy.example.com:3128") is
// taken as http. https:// proxies, other schemes, paths, queries and malformed escapes are
// refused: nullopt and, if `error` is given, a reason that never repeats the text (it may hold
// a password).
std::optional<ProxyUrl> parse_proxy_url(std::string_view text, std::string* error = nullptr);

// A NO_PROXY list: the hosts to reach directly, without the proxy.
//
// Entries are separated by commas or white space and compared without regard to case:
//   "*"                          every host
//   "example.com", ".example.com", "*.example.com"
//                                example.com and every name under it
//   "10.1.2.3", "::1", "[::1]"   that address (an IPv4-mapped IPv6 address is its IPv4 one)
//   "10.0.0.0/8", "fd00::/8"     every address in the range
// An entry of a name or an address may end in ":port" and then matches that port only. Names
// match names and addresses match addresses: "localhost" does not cover 127.0.0.1, and neither
// is exempt unless listed. Malformed entries are ignored, as Go's net/http does.
class NoProxy {
public:
    // Matches nothing.
    NoProxy() = default;
    explicit NoProxy(std::string_view list);

    // True when a connection to `host` (a name or an IP literal without brackets) on `port`
    // should bypass the proxy.
    bool matches(std::string_view host, std::uint16_t port) const;

    bool empty() const { return !all_ && domains_.empty() && addresses_.empty(); }

private:
    struct Address {
        // IPv4 in the first 4 bytes (bits 32), IPv6 in all 16 (bits 128).
        std::array<unsigned char, 16> bytes{};
        bool v6 = false;
        int prefix_bits = 0;     // 32 or 128 for one address
        std::uint16_t port = 0;  // 0: any port
    };
    struct Domain {
        std::string name;        // without a leading dot
        std::uint16_t port = 0;  // 0: any port
    };

    void add(std::string_view entry);
    bool add_cidr(std::string_view entry);

    bool all_ = false;
    std::vector<Domain> domains_;
    std::vector<Address> addresses_;
};

// One proxy variable of the environment, as read at start.
struct ProxyVariable {
    // The variable that held the value ("HTTPS_PROXY" or "https_proxy"); empty when neither
    // was set.
    std::string name;
    // The parsed value; nullopt when unset or when it does not parse.
    std::optional<ProxyUrl> proxy;
    // Why a set value does not parse, without the value; empty otherwise.
    std::string error;
};

// The proxy settings of the process environment, read once at start.
struct ProxyEnvironment {
    ProxyVariable https_proxy;  // HTTPS_PROXY, else https_proxy: for https:// targets
    ProxyVariable http_proxy;   // HTTP_PROXY, else http_proxy: for http:// targets
    NoProxy no_proxy;           // NO_PROXY, else no_proxy
};

// Looks a variable up, like std::getenv: nullptr when it is not set.
using EnvLookup = std::function<const char*(const char*)>;

// Reads the variables above through `getenv`. As in Go, the upper-case name wins over the
// lower-case one, and an empty value counts as unset. A value that does not parse is kept as
// an error (see choose_proxy) rather than silently ignored. Never throws.
ProxyEnvironment proxy_environment_from(const EnvLookup& getenv);

// The account's proxy_url secret, read now: nullopt when the account has none. Fails with
// Kind::Network when the secret cannot be read or does not parse; the message names the key
// and where the secret comes from (Secret::describe()), never the value.
Result<std::optional<ProxyUrl>> resolve_account_proxy(const Secret& proxy_url);

// The proxy for one request to `target`: the account's when it has one (for every request,
// NO_PROXY notwithstanding), else the environment's variable for the target's scheme unless
// NO_PROXY covers the target's host and port. nullopt: connect directly. Fails with
// Kind::Network when that variable is set but does not parse; the message names the variable,
// never its value.
Result<std::optional<ProxyUrl>> choose_proxy(const std::optional<ProxyUrl>& account_proxy,
                                             const ProxyEnvironment& environment,
                                             const Url& target);

}  // namespace engagevoice
