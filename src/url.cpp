#include "engagevoice/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace engagevoice {

namespace {

constexpr std::uint16_t kHttpPort = 80;
constexpr std::uint16_t kHttpsPort = 443;

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::uint16_t default_port(std::string_view scheme) {
    return scheme == "https" ? kHttpsPort : kHttpPort;
}

bool is_ipv6_literal(const std::string& text) {
    in6_addr address{};
    return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

// Host names keep to letters, digits, '-', '.' and '_' (seen in some internal DNS names);
// anything else, such as a space or a percent sign, is a typo rather than a host.
bool is_host_name(std::string_view host) {
    return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
}

bool fail(std::string* error, const char* reason) {
    if (error != nullptr) {
        *error = reason;
    }
    return false;
}

bool parse_port(std::string_view text, std::uint16_t& port, std::string* error) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        return fail(error, "port must be a number from 1 to 65535");
    }
    port = static_cast<std::uint16_t>(value);
    return true;
}

// Splits "[v6]" or "[v6]:port"; `port` stays empty when none is given.
bool split_bracketed(std::string_view authority, std::string_view& host, std::string_view& port,
                     std::string* error) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
        return fail(error, "IPv6 address is missing its closing bracket");
    }
    host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
        return fail(error, "unexpected text after the IPv6 address");
    }
    if (!is_ipv6_literal(std::string(host))) {
        return fail(error, "host is not a valid IPv6 address");
    }
    port = rest;
    return true;
}

// Splits "host" or "host:port"; `port` keeps its colon so that "host:" can be told apart.
bool split_named(std::string_view authority, std::string_view& host, std::string_view& port,
                 std::string* error) {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    port = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
    if (host.empty()) {
        return fail(error, "host is missing");
    }
    if (!is_host_name(host)) {
        return fail(error, "host contains characters that are not allowed");
    }
    return true;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port" into `url`.
bool parse_authority(std::string_view authority, Url& url, std::string* error) {
    if (authority.find('@') != std::string_view::npos) {
        return fail(error, "credentials in the URL are not allowed");
    }

    std::string_view host;
    std::string_view port;
    bool split = !authority.empty() && authority.front() == '['
                     ? split_bracketed(authority, host, port, error)
                     : split_named(authority, host, port, error);
    if (!split) {
        return false;
    }

    url.host = to_lower(host);
    url.port = default_port(url.scheme);
    return port.empty() || parse_port(port.substr(1), url.port, error);
}

bool parse_path(std::string_view path, Url& url, std::string* error) {
    if (path.find('?') != std::string_view::npos) {
        return fail(error, "query strings are not allowed");
    }
    if (path.find('#') != std::string_view::npos) {
        return fail(error, "fragments are not allowed");
    }
    auto bad = std::find_if(path.begin(), path.end(),
                            [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    if (bad != path.end()) {
        return fail(error, "path contains spaces or control characters");
    }
    url.path = std::string(path);
    return true;
}

}  // namespace

std::string Url::to_string() const {
    std::string out = scheme + "://";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != 0 && port != default_port(scheme)) {
        out += ":" + std::to_string(port);
    }
    return out + path;
}

std::optional<Url> parse_url(std::string_view text, std::string* error) {
    auto separator = text.find("://");
    if (separator == std::string_view::npos) {
        fail(error, "not an absolute URL (expected http:// or https://)");
        return std::nullopt;
    }

    Url url;
    url.scheme = to_lower(text.substr(0, separator));
    if (url.scheme != "http" && url.scheme != "https") {
        fail(error, "scheme must be http or https");
        return std::nullopt;
    }

    auto rest = text.substr(separator + 3);
    auto authority_end = rest.find_first_of("/?#");
    auto authority = rest.substr(0, authority_end);
    auto path =
        authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (!parse_authority(authority, url, error) || !parse_path(path, url, error)) {
        return std::nullopt;
    }
    return url;
}

}  // namespace engagevoice
