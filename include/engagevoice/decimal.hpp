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

// The largest value any parser here accepts, in its own unit (hundredths or a count): far above
// anything real (ten billion minutes), and low enough that summing a million rows of it cannot
// overflow, so a hostile report cannot make the day's sums wrap.
inline constexpr std::int64_t kMaxReportValue = 1'000'000'000'000;

// Reads a non-negative decimal with at most two places into hundredths: "45.45" -> 4545,
// ".22" -> 22, "7" -> 700, "1,234.56" -> 123456 (thousands separators only in groups of
// three). Surrounding spaces are allowed; an empty field is nullopt, as is anything else
// (a sign, more than two places, letters, a value above kMaxReportValue).
std::optional<std::int64_t> parse_hundredths(std::string_view text);

// Reads a percentage such as "18.57%" into hundredths of a percent (1857). The `%` is
// optional. Same rules as parse_hundredths otherwise.
std::optional<std::int64_t> parse_percent_hundredths(std::string_view text);

// Reads a whole non-negative count ("44", "1,024"). nullopt for anything else.
std::optional<std::int64_t> parse_count(std::string_view text);

// Minutes in hundredths to seconds. The product with 60 is exact in a double below 2^53, so
// there is one rounding only, at the division.
inline double hundredth_minutes_to_seconds(std::int64_t hundredths) {
    return static_cast<double>(hundredths) * 60.0 / 100.0;
}

}  // namespace engagevoice
