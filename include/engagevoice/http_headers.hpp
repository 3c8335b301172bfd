// HTTP header lists as plain data, shared by the client, the server and the token sources.
#pragma once

#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace engagevoice {

// Header name and value pairs, in the order they were sent or received.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The value of the first header called `name` (case-insensitive), or "" when there is none.
inline std::string find_header(const HeaderList& headers, std::string_view name) {
    const auto same = [name](const std::string& key) {
        if (key.size() != name.size()) {
            return false;
        }
        for (std::size_t i = 0; i < key.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(key[i])) !=
                std::tolower(static_cast<unsigned char>(name[i]))) {
                return false;
            }
        }
        return true;
    };
    for (const auto& [key, value] : headers) {
        if (same(key)) {
            return value;
        }
    }
    return "";
}

// A Retry-After value in seconds ("120"). An HTTP date, a negative or an absurd value gives
// nullopt: the caller's own backoff then applies.
inline std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
    if (value.empty() || value.size() > 9) {
        return std::nullopt;
    }
    long seconds = 0;
    for (char c : value) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        seconds = seconds * 10 + (c - '0');
    }
    return std::chrono::seconds(seconds);
}

}  // namespace engagevoice
