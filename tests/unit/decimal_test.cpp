#include "engagevoice/decimal.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>

using engagevoice::hundredth_minutes_to_seconds;
using engagevoice::parse_count;
using engagevoice::parse_hundredths;
using engagevoice::parse_percent_hundredths;

namespace {

constexpr std::optional<std::int64_t> kNone = std::nullopt;

}  // namespace

TEST_CASE("decimal reads minutes with two places into hundredths", "[decimal]") {
    CHECK(parse_hundredths("45.45") == 4545);
    CHECK(parse_hundredths("0.00") == 0);
    CHECK(parse_hundredths("238.78") == 23878);
    CHECK(parse_hundredths("0.36") == 36);
}

TEST_CASE("decimal reads a fraction without a leading zero", "[decimal]") {
    CHECK(parse_hundredths(".22") == 22);
    CHECK(parse_hundredths(".00") == 0);
    CHECK(parse_hundredths(".5") == 50);
}

TEST_CASE("decimal reads whole numbers and a single decimal place", "[decimal]") {
    CHECK(parse_hundredths("7") == 700);
    CHECK(parse_hundredths("007") == 700);
    CHECK(parse_hundredths("12.5") == 1250);
    CHECK(parse_hundredths("0") == 0);
}

TEST_CASE("decimal accepts thousands separators only in groups of three", "[decimal]") {
    CHECK(parse_hundredths("1,234.56") == 123456);
    CHECK(parse_hundredths("1,011.88") == 101188);
    CHECK(parse_hundredths("12,345,678.90") == 1234567890);
    CHECK(parse_hundredths("1,234") == 123400);

    CHECK(parse_hundredths("1,2") == kNone);
    CHECK(parse_hundredths("12,34.00") == kNone);
    CHECK(parse_hundredths("1234,567") == kNone);
    CHECK(parse_hundredths(",123") == kNone);
    CHECK(parse_hundredths("1,,234") == kNone);
    CHECK(parse_hundredths("1,234,") == kNone);
    CHECK(parse_hundredths("1,2345") == kNone);
    CHECK(parse_hundredths("1.234,56") == kNone);
}

TEST_CASE("decimal allows spaces around the number", "[decimal]") {
    CHECK(parse_hundredths("  45.45 ") == 4545);
    CHECK(parse_hundredths("\t.22") == 22);
    CHECK(parse_hundredths("4 5") == kNone);
}

TEST_CASE("decimal refuses signs, extra places, letters and empty text", "[decimal]") {
    CHECK(parse_hundredths("") == kNone);
    CHECK(parse_hundredths("   ") == kNone);
    CHECK(parse_hundredths("-1.00") == kNone);
    CHECK(parse_hundredths("+1.00") == kNone);
    CHECK(parse_hundredths("1.234") == kNone);
    CHECK(parse_hundredths("1.2.3") == kNone);
    CHECK(parse_hundredths("1e3") == kNone);
    CHECK(parse_hundredths("abc") == kNone);
    CHECK(parse_hundredths("12a") == kNone);
    CHECK(parse_hundredths(".") == kNone);
    CHECK(parse_hundredths("7.") == kNone);
    CHECK(parse_hundredths("1.-5") == kNone);
    CHECK(parse_hundredths("NaN") == kNone);
    CHECK(parse_hundredths("45.45%") == kNone);
}

TEST_CASE("decimal refuses values above the report bound", "[decimal]") {
    CHECK(parse_hundredths("10,000,000,000.00") == engagevoice::kMaxReportValue);
    CHECK(parse_hundredths("10,000,000,000.01") == kNone);
    CHECK(parse_hundredths("92233720368547759") == kNone);
    CHECK(parse_hundredths("99999999999999999999999") == kNone);
    CHECK(parse_count("1000000000000") == engagevoice::kMaxReportValue);
    CHECK(parse_count("1000000000001") == kNone);
    CHECK(parse_count("9223372036854775808") == kNone);
}

TEST_CASE("decimal reads percentages into hundredths of a percent", "[decimal]") {
    CHECK(parse_percent_hundredths("18.57%") == 1857);
    CHECK(parse_percent_hundredths("100.00%") == 10000);
    CHECK(parse_percent_hundredths("0.00%") == 0);
    CHECK(parse_percent_hundredths("51.10") == 5110);
    CHECK(parse_percent_hundredths(" 7.5 % ") == 750);

    CHECK(parse_percent_hundredths("%") == kNone);
    CHECK(parse_percent_hundredths("") == kNone);
    CHECK(parse_percent_hundredths("18.57%%") == kNone);
    CHECK(parse_percent_hundredths("%18.57") == kNone);
    CHECK(parse_percent_hundredths("-3.00%") == kNone);
}

TEST_CASE("decimal reads whole counts", "[decimal]") {
    CHECK(parse_count("44") == 44);
    CHECK(parse_count("0") == 0);
    CHECK(parse_count("1,024") == 1024);
    CHECK(parse_count(" 3 ") == 3);

    CHECK(parse_count("") == kNone);
    CHECK(parse_count("4.0") == kNone);
    CHECK(parse_count("-4") == kNone);
    CHECK(parse_count("10,24") == kNone);
    CHECK(parse_count("x") == kNone);
}

TEST_CASE("decimal converts hundredths of a minute to seconds exactly", "[decimal]") {
    CHECK(hundredth_minutes_to_seconds(4545) == 2727.0);
    CHECK(hundredth_minutes_to_seconds(22) == Approx(13.2).epsilon(1e-12));
    CHECK(hundredth_minutes_to_seconds(0) == 0.0);
    CHECK(hundredth_minutes_to_seconds(101188) == Approx(60712.8).epsilon(1e-12));
}
