#include "engagevoice/render.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "expected_page.hpp"

namespace engagevoice {
namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(ENGAGEVOICE_FIXTURES_DIR) + "/reports/" + name,
                     std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

}  // namespace

TEST_CASE("render gives every value of each fixture's expected file", "[render][golden]") {
    const std::string name = GENERATE(as<std::string>{}, "busy_day", "header_only",
                                      "invalid_utf8", "reordered_columns", "seed_sample");
    CAPTURE(name);
    const auto expected = nlohmann::json::parse(read_fixture(name + ".expected.json"));

    auto rendered = render_report(read_fixture(name + ".csv"), expected.at("timezone"),
                                  expected.at("account_id"));

    REQUIRE(rendered);
    CHECK(rendered->invalid.empty());
    const auto differences =
        testing::compare_with_expected(testing::parse_page(rendered->page), expected);
    for (const auto& difference : differences) {
        UNSCOPED_INFO(difference);
    }
    CHECK(differences.empty());
}

TEST_CASE("render refuses a report without a needed column and names it", "[render][golden]") {
    auto rendered = render_report(read_fixture("missing_column.csv"), "US/Eastern", "15300002");

    REQUIRE_FALSE(rendered);
    CHECK(rendered.error().kind == PollError::Kind::Parse);
    CHECK_THAT(rendered.error().message, Catch::Contains("Login Time (min)"));
}

TEST_CASE("render refuses an unknown time zone", "[render]") {
    auto rendered = render_report(read_fixture("seed_sample.csv"), "Mars/Olympus", "1");

    REQUIRE_FALSE(rendered);
    CHECK_THAT(rendered.error().message, Catch::Contains("Mars/Olympus"));
}

TEST_CASE("render leaves agent names out when agent_info is off", "[render]") {
    auto rendered = render_report(read_fixture("seed_sample.csv"), "US/Eastern", "1", false);

    REQUIRE(rendered);
    CHECK_THAT(rendered->page, !Catch::Contains("engagevoice_agent_info"));
    CHECK_THAT(rendered->page, !Catch::Contains("Smiths"));
    CHECK_THAT(rendered->page, Catch::Contains("engagevoice_agent_login_seconds"));
}

}  // namespace engagevoice
