#include "engagevoice/token_source.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <fstream>
#include <string>

#include "fake_clock.hpp"

namespace ev = engagevoice;
namespace fs = std::filesystem;

namespace {

const std::string kToken = "aws80:0f1e2d3c-token-value";

std::chrono::steady_clock::time_point soon() {
    return std::chrono::steady_clock::now() + std::chrono::seconds(5);
}

ev::AuthConfig auth_with(ev::AuthConfig::Mode mode, ev::Secret token) {
    ev::AuthConfig auth;
    auth.mode = mode;
    auth.token = std::move(token);
    return auth;
}

}  // namespace

TEST_CASE("static token source sends an api token as X-Auth-Token", "[token_source]") {
    ev::StaticTokenSource source(ev::StaticTokenSource::Style::XAuthToken,
                                 ev::Secret::from_inline(kToken));

    auto headers = source.headers(soon());

    REQUIRE(headers.has_value());
    CHECK(*headers == ev::HeaderList{{"X-Auth-Token", kToken}});
    CHECK_FALSE(source.invalidate());
}

TEST_CASE("static token source sends a bearer token as Authorization", "[token_source]") {
    ev::StaticTokenSource source(ev::StaticTokenSource::Style::Bearer,
                                 ev::Secret::from_inline(kToken));

    auto headers = source.headers(soon());

    REQUIRE(headers.has_value());
    CHECK(*headers == ev::HeaderList{{"Authorization", "Bearer " + kToken}});
}

TEST_CASE("static token source reads a rotated token file on the next call", "[token_source]") {
    auto path = fs::temp_directory_path() / "engagevoice_token_source_test_token";
    std::ofstream(path) << "first\n";
    ev::StaticTokenSource source(ev::StaticTokenSource::Style::XAuthToken,
                                 ev::Secret::from_file(path.string()));
    REQUIRE(source.headers(soon())->at(0).second == "first");

    std::ofstream(path) << "second\n";
    CHECK(source.headers(soon())->at(0).second == "second");

    fs::remove(path);
    auto failed = source.headers(soon());
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().kind == ev::PollError::Kind::Auth);
    CHECK(failed.error().message == "no API token from file " + path.string() +
                                        ": cannot read file " + path.string() +
                                        ": No such file or directory");
}

TEST_CASE("static token source fails as auth without showing the token", "[token_source]") {
    SECTION("an unset variable") {
        ::unsetenv("ENGAGEVOICE_TOKEN_SOURCE_TEST");
        ev::StaticTokenSource source(ev::StaticTokenSource::Style::Bearer,
                                     ev::Secret::from_env("ENGAGEVOICE_TOKEN_SOURCE_TEST"));
        auto failed = source.headers(soon());
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().kind == ev::PollError::Kind::Auth);
        CHECK(failed.error().message ==
              "no API token from env ENGAGEVOICE_TOKEN_SOURCE_TEST: environment variable "
              "ENGAGEVOICE_TOKEN_SOURCE_TEST is not set");
    }
    SECTION("a token with a line break inside") {
        ev::StaticTokenSource source(ev::StaticTokenSource::Style::XAuthToken,
                                     ev::Secret::from_inline(kToken + "\nX-Injected: 1"));
        auto failed = source.headers(soon());
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().kind == ev::PollError::Kind::Auth);
        CHECK(failed.error().message ==
              "the API token from inline holds a control byte (a line break) at byte " +
                  std::to_string(kToken.size() + 1) + "; a token is one line of text");
        CHECK(failed.error().message.find(kToken) == std::string::npos);
    }
    SECTION("a token with a NUL byte or another control byte inside") {
        ev::StaticTokenSource nul(ev::StaticTokenSource::Style::Bearer,
                                  ev::Secret::from_inline(std::string("ab\0cd", 5)));
        auto failed = nul.headers(soon());
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().message ==
              "the API token from inline holds a control byte (a NUL) at byte 3; a token is "
              "one line of text");

        ev::StaticTokenSource escape(ev::StaticTokenSource::Style::Bearer,
                                     ev::Secret::from_inline("ab\x1b[31m"));
        failed = escape.headers(soon());
        REQUIRE_FALSE(failed.has_value());
        CHECK_THAT(failed.error().message, Catch::Contains("(0x1b) at byte 3"));
    }
}

TEST_CASE("token source factory builds a source for every mode", "[token_source]") {
    ev::testing::FakeClock clock(std::chrono::system_clock::now());
    ev::ExporterMetrics metrics;
    std::ostringstream log_text;
    const ev::Logger log(log_text, ev::LogLevel::Debug, ev::LogFormat::Logfmt);
    const auto make = [&](ev::AuthConfig::Mode mode) {
        ev::AccountConfig account;
        account.account_id = "15300002";
        account.auth = auth_with(mode, ev::Secret::from_inline(kToken));
        return ev::make_token_source(
            account, ev::TokenSourceContext{clock, metrics.account("15300002"), log, {}},
            "a.yml", "accounts[0].auth");
    };

    CHECK(make(ev::AuthConfig::Mode::ApiToken)->headers(soon())->at(0).first == "X-Auth-Token");
    CHECK(make(ev::AuthConfig::Mode::BearerToken)->headers(soon())->at(0).first ==
          "Authorization");
    CHECK(make(ev::AuthConfig::Mode::ApiToken)->status().mode == "api_token");
    CHECK_FALSE(make(ev::AuthConfig::Mode::BearerToken)->status().signs_in);

    // The session modes make no request until a poll asks for headers.
    const auto jwt = make(ev::AuthConfig::Mode::RingCentralJwt)->status();
    CHECK(jwt.mode == "ringcentral_jwt");
    CHECK(jwt.signs_in);
    CHECK_FALSE(jwt.token_expiry);
    CHECK(make(ev::AuthConfig::Mode::EngageLogin)->status().mode == "engage_login");
    CHECK(log_text.str().empty());
}

TEST_CASE("only the session modes sign in", "[token_source]") {
    CHECK(ev::signs_in(ev::AuthConfig::Mode::RingCentralJwt));
    CHECK(ev::signs_in(ev::AuthConfig::Mode::EngageLogin));
    CHECK_FALSE(ev::signs_in(ev::AuthConfig::Mode::ApiToken));
    CHECK_FALSE(ev::signs_in(ev::AuthConfig::Mode::BearerToken));
}
