#include "engagevoice/report_source.hpp"

#include <catch2/catch.hpp>

namespace engagevoice {
namespace {

HttpResponse response(int status, std::string body,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST_CASE("report response check passes a CSV body through", "[source]") {
    auto report = check_report_response(response(200, "Agent ID,Team\r\n1,A\r\n"));

    REQUIRE(report);
    CHECK(report->body == "Agent ID,Team\r\n1,A\r\n");
}

TEST_CASE("report response check maps statuses to reasons", "[source]") {
    SECTION("expired token") {
        auto r = check_report_response(response(401, "Jwt is expired"));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == PollError::Kind::Auth);
        CHECK_THAT(r.error().message, Catch::Contains("401"));
        CHECK(r.error().body_excerpt == "Jwt is expired");
    }
    SECTION("no reporting rights") {
        auto r = check_report_response(response(403, R"({"message":"forbidden"})"));
        CHECK(r.error().kind == PollError::Kind::Auth);
    }
    SECTION("throttled, with Retry-After") {
        auto r = check_report_response(response(429, "slow down", {{"Retry-After", "42"}}));
        CHECK(r.error().kind == PollError::Kind::RateLimited);
        REQUIRE(r.error().retry_after);
        CHECK(r.error().retry_after->count() == 42);
    }
    SECTION("server error") {
        auto r = check_report_response(response(500, R"({"errors":[]})"));
        CHECK(r.error().kind == PollError::Kind::Http);
        CHECK(r.error().status == 500);
    }
}

TEST_CASE("report response check refuses a 200 that is not CSV", "[source]") {
    SECTION("an HTML page from a proxy") {
        auto r = check_report_response(response(200, "\r\n<!DOCTYPE html><html>oops</html>"));
        CHECK(r.error().kind == PollError::Kind::Parse);
        CHECK_THAT(r.error().message, Catch::Contains("HTML"));
        CHECK_THAT(r.error().body_excerpt, Catch::StartsWith("<!DOCTYPE html>"));
    }
    SECTION("a JSON error") {
        auto r = check_report_response(response(200, R"({"errors":[{"generalMessage":"x"}]})"));
        CHECK(r.error().kind == PollError::Kind::Parse);
    }
    SECTION("an empty body") {
        auto r = check_report_response(response(200, ""));
        CHECK(r.error().kind == PollError::Kind::Parse);
    }
}

TEST_CASE("report response check keeps error excerpts short and printable", "[source]") {
    auto r = check_report_response(response(502, std::string(5000, 'x') + "\x01\x02"));

    REQUIRE_FALSE(r);
    CHECK(r.error().body_excerpt.size() < 200);
}

TEST_CASE("report response check keeps the upstream's text out of the message", "[source]") {
    auto r = check_report_response(response(500, "agent Ana Rivera 555-0101 failed"));

    REQUIRE_FALSE(r);
    CHECK(r.error().message == "report request answered 500");
    CHECK_THAT(r.error().body_excerpt, Catch::Contains("Ana Rivera"));
}

TEST_CASE("report response check blanks echoed credentials out of the excerpt", "[source]") {
    const HeaderList sent{{"X-Auth-Token", "aws80:0f1e2d3c-secret"},
                          {"Authorization", "Bearer eyJhbGciOi.secret"}};
    auto r = check_report_response(
        response(500, "bad request with X-Auth-Token: aws80:0f1e2d3c-secret and eyJhbGciOi.secret"),
        sent);

    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().body_excerpt, !Catch::Contains("0f1e2d3c"));
    CHECK_THAT(r.error().body_excerpt, !Catch::Contains("eyJhbGciOi"));
    CHECK(r.error().body_excerpt ==
          "bad request with X-Auth-Token: <secret> and <secret>");
}

TEST_CASE("report response check blanks a credential that is part of its own mask",
          "[source]") {
    auto r = check_report_response(response(500, "token secret> echoed"),
                                   {{"X-Auth-Token", "secret>"}});

    REQUIRE_FALSE(r);
    CHECK(r.error().body_excerpt == "token <secret> echoed");
}

}  // namespace engagevoice
