// Splitting the base URLs of the configuration into the parts a connection needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace engagevoice {

struct Url {
    std::string scheme;      // "https" or "http", lowercase
    std::string host;        // without brackets for IPv6 literals
    std::uint16_t port = 0;  // the scheme's default when the URL names none
    std::string path;        // "" or starting with "/"; no query or fragment

    // "scheme://host[:port]path", with brackets around an IPv6 host; credentials never appear.
    std::string to_string() const;
};

// Parses an absolute http or https URL. Userinfo ("user:pass@") is rejected rather than
// silently kept, as are queries and fragments. On failure returns nullopt and, if `error` is
// given, a reason that does not repeat the URL.
std::optional<Url> parse_url(std::string_view text, std::string* error = nullptr);

}  // namespace engagevoice
