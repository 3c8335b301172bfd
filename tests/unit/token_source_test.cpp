#include "engagevoice/token_source.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

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
        CHECK(failed.error().message == "the API token from inline holds a line break");
        CHECK(failed.error().message.find(kToken) == std::string::npos);
    }
}

TEST_CASE("token source factory builds the static modes", "[token_source]") {
    auto api = ev::make_token_source(
        auth_with(ev::AuthConfig::Mode::ApiToken, ev::Secret::from_inline(kToken)), "a.yml",
        "accounts[0].auth");
    auto bearer = ev::make_token_source(
        auth_with(ev::AuthConfig::Mode::BearerToken, ev::Secret::from_inline(kToken)), "a.yml",
        "accounts[0].auth");

    CHECK(api->headers(soon())->at(0).first == "X-Auth-Token");
    CHECK(bearer->headers(soon())->at(0).first == "Authorization");
}

TEST_CASE("token source factory refuses modes not supported yet", "[token_source]") {
    auto jwt = auth_with(ev::AuthConfig::Mode::RingCentralJwt, ev::Secret());
    auto login = auth_with(ev::AuthConfig::Mode::EngageLogin, ev::Secret());

    CHECK_THROWS_WITH(ev::make_token_source(jwt, "a.yml", "accounts[1].auth"),
                      "a.yml: accounts[1].auth.mode: ringcentral_jwt is not supported yet; "
                      "use api_token or bearer_token");
    try {
        ev::make_token_source(login, "a.yml", "accounts[0].auth");
        FAIL("engage_login was accepted");
    } catch (const ev::ConfigError& e) {
        CHECK(e.key() == "accounts[0].auth.mode");
        CHECK(std::string(e.what()).find("engage_login is not supported yet") != std::string::npos);
    }
}
