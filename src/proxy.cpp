#include "engagevoice/proxy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <utility>

#include "engagevoice/encoding.hpp"

namespace engagevoice {
namespace {

using Kind = PollError::Kind;

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::optional<ProxyUrl> fail(std::string* error, const char* reason) {
    if (error != nullptr) {
        *error = reason;
    }
    return std::nullopt;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// RFC 3986 percent-decoding of the userinfo, where "+" stays a plus (unlike in forms).
std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

// "user", "user:" and "user:pass"; a colon in either part arrives encoded as %3A.
bool split_credentials(std::string_view userinfo, ProxyUrl& proxy) {
    auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(colon == std::string_view::npos ? std::string_view()
                                                                   : userinfo.substr(colon + 1));
    if (!user || !password) {
        return false;
    }
    proxy.username = std::move(*user);
    proxy.password = std::move(*password);
    return true;
}

std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string ProxyUrl::host_port() const { return bracketed(host) + ":" + std::to_string(port); }

std::string ProxyUrl::name() const { return "proxy " + host_port(); }

std::string ProxyUrl::authorization() const {
    if (!has_credentials()) {
        return "";
    }
    return "Basic " + base64_encode(username + ":" + password);
}

std::optional<ProxyUrl> parse_proxy_url(std::string_view text, std::string* error) {
    std::string_view rest = text;
    auto separator = text.find("://");
    if (separator != std::string_view::npos) {
        auto scheme = to_lower(text.substr(0, separator));
        if (scheme == "https") {
            return fail(error, "https proxies are not supported; give the proxy as http://");
        }
        if (scheme != "http") {
            return fail(error, "scheme must be http");
        }
        rest = text.substr(separator + 3);
    }

    auto authority_end = rest.find_first_of("/?#");
    auto authority = rest.substr(0, authority_end);
    auto tail = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
    if (!tail.empty() && tail != "/") {
        if (tail.find('@') != std::string_view::npos) {
            // "http://user:pa/ss@proxy" splits at the "/": the credentials hold the character.
            return fail(error, "a '/', '?' or '#' in the user name or password must be "
                               "percent-encoded (%2F, %3F, %23)");
        }
        return fail(error, "a proxy URL has no path, query or fragment");
    }

    ProxyUrl proxy;
    // The last "@" ends the credentials, as in browsers and Go: a password may hold an "@".
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        if (!split_credentials(authority.substr(0, at), proxy)) {
            return fail(error, "the user name or password has a malformed percent escape");
        }
        authority.remove_prefix(at + 1);
    }

    std::string url_error;
    auto url = parse_url("http://" + std::string(authority), &url_error);
    if (!url) {
        if (error != nullptr) {
            *error = url_error;
        }
        return std::nullopt;
    }
    proxy.host = url->host;
    proxy.port = url->port;
    return proxy;
}

namespace {

struct ParsedAddress {
    std::array<unsigned char, 16> bytes{};
    bool v6 = false;
};

// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address, as in Go's net.IP.
std::optional<ParsedAddress> parse_address(std::string_view text) {
    std::string host(text);
    ParsedAddress out;
    if (inet_pton(AF_INET, host.c_str(), out.bytes.data()) == 1) {
        return out;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) {
        return std::nullopt;
    }
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.s6_addr, kMapped, sizeof kMapped) == 0) {
        std::memcpy(out.bytes.data(), v6.s6_addr + 12, 4);
        return out;
    }
    std::memcpy(out.bytes.data(), v6.s6_addr, 16);
    out.v6 = true;
    return out;
}

bool same_prefix(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b,
                 int bits) {
    int whole = bits / 8;
    if (std::memcmp(a.data(), b.data(), static_cast<std::size_t>(whole)) != 0) {
        return false;
    }
    int rest = bits % 8;
    if (rest == 0) {
        return true;
    }
    auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

// Splits "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 address ("::1") has more than
// one colon and no port. false for a malformed entry.
bool split_entry(std::string_view entry, std::string_view& host, std::uint16_t& port) {
    port = 0;
    std::optional<std::string_view> port_text;
    if (entry.starts_with('[')) {
        auto close = entry.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        host = entry.substr(1, close - 1);
        auto rest = entry.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            return false;
        }
        if (!rest.empty()) {
            port_text = rest.substr(1);
        }
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
        auto colon = entry.find(':');
        host = entry.substr(0, colon);
        port_text = entry.substr(colon + 1);
    } else {
        host = entry;
    }
    if (port_text) {
        auto parsed = parse_port(*port_text);
        if (!parsed) {
            return false;
        }
        port = *parsed;
    }
    return !host.empty();
}

bool port_matches(std::uint16_t wanted, std::uint16_t port) {
    return wanted == 0 || wanted == port;
}

}  // namespace

NoProxy::NoProxy(std::string_view list) {
    std::size_t start = 0;
    while (start < list.size()) {
        auto end = list.find_first_of(", \t\r\n", start);
        if (end == std::string_view::npos) {
            end = list.size();
        }
        if (end > start) {
            add(to_lower(list.substr(start, end - start)));
        }
        start = end + 1;
    }
}

// "10.0.0.0/8" and the like; true when the entry had a "/" (a malformed range is dropped).
bool NoProxy::add_cidr(std::string_view entry) {
    auto slash = entry.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    auto address = parse_address(entry.substr(0, slash));
    unsigned bits = 0;
    auto bits_text = entry.substr(slash + 1);
    auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    bool mapped = address && !address->v6 && entry.find(':') < slash;
    if (mapped) {
        // "::ffff:10.0.0.0/104" counts its bits over the IPv6 form.
        bits = bits >= 96 ? bits - 96 : 999;
    }
    unsigned max_bits = address && address->v6 ? 128 : 32;
    if (!address || bits_text.empty() || ec != std::errc() ||
        end != bits_text.data() + bits_text.size() || bits > max_bits) {
        return true;
    }
    addresses_.push_back(Address{address->bytes, address->v6, static_cast<int>(bits), 0});
    return true;
}

void NoProxy::add(std::string_view entry) {
    if (entry == "*") {
        all_ = true;
        return;
    }
    if (add_cidr(entry)) {
        return;
    }
    std::string_view host;
    std::uint16_t port = 0;
    if (!split_entry(entry, host, port)) {
        return;
    }
    if (auto address = parse_address(host)) {
        addresses_.push_back(Address{address->bytes, address->v6, address->v6 ? 128 : 32, port});
        return;
    }
    if (host.starts_with("*.")) {
        host.remove_prefix(1);
    }
    if (host.starts_with('.')) {
        host.remove_prefix(1);
    }
    if (!host.empty()) {
        domains_.push_back(Domain{std::string(host), port});
    }
}

bool NoProxy::matches(std::string_view host, std::uint16_t port) const {
    if (all_) {
        return true;
    }
    if (auto address = parse_address(host)) {
        return std::any_of(addresses_.begin(), addresses_.end(), [&](const Address& entry) {
            return entry.v6 == address->v6 &&
                   same_prefix(entry.bytes, address->bytes, entry.prefix_bits) &&
                   port_matches(entry.port, port);
        });
    }
    std::string name = to_lower(host);
    return std::any_of(domains_.begin(), domains_.end(), [&](const Domain& entry) {
        bool under = name.size() > entry.name.size() && name.ends_with(entry.name) &&
                     name[name.size() - entry.name.size() - 1] == '.';
        return (name == entry.name || under) && port_matches(entry.port, port);
    });
}

namespace {

// The first of the two variables with a non-empty value: its name and value.
std::pair<std::string, std::string> first_set(const EnvLookup& getenv, const char* upper,
                                              const char* lower) {
    for (const char* name : {upper, lower}) {
        const char* value = getenv ? getenv(name) : nullptr;
        if (value != nullptr && *value != '\0') {
            return {name, value};
        }
    }
    return {};
}

ProxyVariable read_proxy_variable(const EnvLookup& getenv, const char* upper, const char* lower) {
    ProxyVariable variable;
    auto [name, value] = first_set(getenv, upper, lower);
    if (name.empty()) {
        return variable;
    }
    variable.name = name;
    variable.proxy = parse_proxy_url(value, &variable.error);
    if (variable.proxy) {
        variable.error.clear();
    }
    return variable;
}

}  // namespace

ProxyEnvironment proxy_environment_from(const EnvLookup& getenv) {
    ProxyEnvironment environment;
    environment.https_proxy = read_proxy_variable(getenv, "HTTPS_PROXY", "https_proxy");
    environment.http_proxy = read_proxy_variable(getenv, "HTTP_PROXY", "http_proxy");
    environment.no_proxy = NoProxy(first_set(getenv, "NO_PROXY", "no_proxy").second);
    return environment;
}

Result<std::optional<ProxyUrl>> resolve_account_proxy(const Secret& proxy_url) {
    if (proxy_url.empty()) {
        return std::optional<ProxyUrl>();
    }
    std::string error;
    auto text = proxy_url.resolve(&error);
    if (!text) {
        return make_error(Kind::Network, "proxy_url: " + error);
    }
    auto proxy = parse_proxy_url(*text, &error);
    if (!proxy) {
        return make_error(Kind::Network, "proxy_url (" + proxy_url.describe() +
                                             ") is not a valid proxy URL: " + error);
    }
    return std::optional<ProxyUrl>(std::move(*proxy));
}

Result<std::optional<ProxyUrl>> choose_proxy(const std::optional<ProxyUrl>& account_proxy,
                                             const ProxyEnvironment& environment,
                                             const Url& target) {
    if (account_proxy) {
        return account_proxy;
    }
    const ProxyVariable& variable =
        target.scheme == "https" ? environment.https_proxy : environment.http_proxy;
    if (variable.name.empty() || environment.no_proxy.matches(target.host, target.port)) {
        return std::optional<ProxyUrl>();
    }
    if (!variable.proxy) {
        return make_error(Kind::Network,
                          variable.name + " is not a valid proxy URL: " + variable.error);
    }
    return variable.proxy;
}

}  // namespace engagevoice
