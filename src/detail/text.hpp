// Small text helpers shared by the report parsers.
#pragma once

#include <string_view>

namespace engagevoice::detail {

// `text` without the spaces and tabs around it.
inline std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace engagevoice::detail
