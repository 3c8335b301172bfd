// Exact decimal numbers as the report writes them.
//
// The report gives minutes and percentages with two decimal places (`45.45`, `.22`, `1,234.56`,
// `18.57%`). Summing them as binary floating point would drift, so they are read as whole
// hundredths and only converted to seconds or ratios at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace engagevoice {

// Reads a non-negative decimal with at most two places into hundredths: "45.45" -> 4545,
// ".22" -> 22, "7" -> 700, "1,234.56" -> 123456 (thousands separators only in groups of
// three). Surrounding spaces are allowed; an empty field is nullopt, as is anything else
// (a sign, more than two places, letters, an overflow).
std::optional<std::int64_t> parse_hundredths(std::string_view text);

// Reads a percentage such as "18.57%" into hundredths of a percent (1857). The `%` is
// optional. Same rules as parse_hundredths otherwise.
std::optional<std::int64_t> parse_percent_hundredths(std::string_view text);

// Reads a whole non-negative count ("44", "1,024"). nullopt for anything else.
std::optional<std::int64_t> parse_count(std::string_view text);

// Minutes in hundredths to seconds: exact in integers, one rounding at the end.
inline double hundredth_minutes_to_seconds(std::int64_t hundredths) {
    return static_cast<double>(hundredths * 60) / 100.0;
}

}  // namespace engagevoice
