#include "engagevoice/decimal.hpp"

#include "detail/text.hpp"

namespace engagevoice {

namespace {



bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Appends one digit to `value`, refusing to overflow.
bool push_digit(std::int64_t& value, char digit) {
    const std::int64_t d = digit - '0';
    if (value > (kMaxReportValue - d) / 10) {
        return false;
    }
    value = value * 10 + d;
    return true;
}

// A whole number whose digits may be grouped by commas. A comma is only accepted where a
// thousands separator belongs (the first group of 1 to 3 digits, every later group of exactly
// 3), so that "1,2" or "12,34" from a shifted or mangled column is refused, not misread.
std::optional<std::int64_t> parse_grouped_integer(std::string_view text) {
    std::int64_t value = 0;
    std::size_t group = 0;
    bool grouped = false;
    for (const char c : text) {
        if (c == ',') {
            if (group == 0 || group > 3 || (grouped && group != 3)) {
                return std::nullopt;
            }
            grouped = true;
            group = 0;
            continue;
        }
        if (!is_digit(c) || !push_digit(value, c)) {
            return std::nullopt;
        }
        ++group;
    }
    if (group == 0 || (grouped && group != 3)) {
        return std::nullopt;
    }
    return value;
}

// One or two digits after the point, as hundredths: "5" -> 50, "05" -> 5.
std::optional<std::int64_t> parse_fraction(std::string_view text) {
    if (text.empty() || text.size() > 2 || !is_digit(text[0])) {
        return std::nullopt;
    }
    std::int64_t value = (text[0] - '0') * 10;
    if (text.size() == 2) {
        if (!is_digit(text[1])) {
            return std::nullopt;
        }
        value += text[1] - '0';
    }
    return value;
}

}  // namespace

std::optional<std::int64_t> parse_hundredths(std::string_view text) {
    text = detail::trim_blanks(text);
    const auto point = text.find('.');
    const auto whole_text = text.substr(0, point);
    if (text.empty() || (point == std::string_view::npos && whole_text.empty())) {
        return std::nullopt;
    }

    // ".22" has no whole part; the report writes fractions of a minute that way.
    std::int64_t whole = 0;
    if (!whole_text.empty()) {
        const auto parsed = parse_grouped_integer(whole_text);
        if (!parsed || *parsed > kMaxReportValue / 100) {
            return std::nullopt;
        }
        whole = *parsed;
    }

    std::int64_t fraction = 0;
    if (point != std::string_view::npos) {
        const auto parsed = parse_fraction(text.substr(point + 1));
        if (!parsed) {
            return std::nullopt;
        }
        fraction = *parsed;
    }
    if (whole * 100 > kMaxReportValue - fraction) {
        return std::nullopt;
    }
    return whole * 100 + fraction;
}

std::optional<std::int64_t> parse_percent_hundredths(std::string_view text) {
    text = detail::trim_blanks(text);
    if (!text.empty() && text.back() == '%') {
        text.remove_suffix(1);
        // A space between the number and the sign is harmless; more signs are not.
        text = detail::trim_blanks(text);
    }
    return parse_hundredths(text);
}

std::optional<std::int64_t> parse_count(std::string_view text) {
    text = detail::trim_blanks(text);
    if (text.empty()) {
        return std::nullopt;
    }
    return parse_grouped_integer(text);
}

}  // namespace engagevoice
