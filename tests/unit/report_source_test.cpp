#include "engagevoice/report_source.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>

#include "engagevoice/redact.hpp"
#include "loopback_server.hpp"

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

TEST_CASE("report response check keeps a 503's retry-after", "[source]") {
    auto r = check_report_response(
        response(503, "<html>503 Service Unavailable</html>", {{"Retry-After", "25"}}));

    REQUIRE_FALSE(r);
    CHECK(r.error().kind == PollError::Kind::Http);
    CHECK(r.error().status == 503);
    REQUIRE(r.error().retry_after);
    CHECK(r.error().retry_after->count() == 25);
}

TEST_CASE("report response check gives a passed body an excerpt of its first line only",
          "[source]") {
    const HeaderList sent{{"X-Auth-Token", "aws80:0f1e2d3c-secret"}};

    SECTION("a report: its header, not the names below it") {
        auto r = check_report_response(
            response(200, "Agent ID,Last Name\r\n2001001,Rivera\r\n"), header_secrets(sent));
        REQUIRE(r);
        CHECK(r->excerpt == "Agent ID,Last Name");
        CHECK(r->body == "Agent ID,Last Name\r\n2001001,Rivera\r\n");
    }
    SECTION("garbage: printable, short, credentials blanked") {
        auto r = check_report_response(
            response(200, std::string("\x1f\x8b\x08\x00", 4) + "aws80:0f1e2d3c-secret" +
                              std::string(3000, 'z')),
            header_secrets(sent));
        REQUIRE(r);
        CHECK(r->excerpt.size() < 200);
        CHECK_THAT(r->excerpt, Catch::StartsWith("??" "??" "<secret>zzz"));
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
        header_secrets(sent));

    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().body_excerpt, !Catch::Contains("0f1e2d3c"));
    CHECK_THAT(r.error().body_excerpt, !Catch::Contains("eyJhbGciOi"));
    CHECK(r.error().body_excerpt ==
          "bad request with X-Auth-Token: <secret> and <secret>");
}

TEST_CASE("report response check blanks a credential that is part of its own mask",
          "[source]") {
    auto r = check_report_response(response(500, "token secret> echoed"),
                                   header_secrets({{"X-Auth-Token", "secret>"}}));

    REQUIRE_FALSE(r);
    CHECK(r.error().body_excerpt == "token <secret> echoed");
}

namespace {

// Hands out "token-1", "token-2", ...: a new one after each invalidate().
class CountingTokens final : public TokenSource {
public:
    Result<HeaderList> headers(std::chrono::steady_clock::time_point) override {
        return HeaderList{{"Authorization", "Bearer token-" + std::to_string(serial_)}};
    }
    bool invalidate() override {
        ++serial_;
        return true;
    }
    void rejected() override { ++rejections; }
    std::vector<std::string> secrets() const override { return held; }
    AuthStatus status() const override { return {}; }

    std::vector<std::string> held;  // what secrets() gives

    int serial_ = 1;
    int rejections = 0;
};

// The report endpoint, answering each request with the next of `answers` (the last one
// repeats), and recording the tokens it was sent.
struct ReportUpstream {
    std::vector<ServerResponse> answers;
    std::mutex mutex;
    std::vector<std::string> tokens_seen;
    std::shared_ptr<CountingTokens> tokens = std::make_shared<CountingTokens>();
    testing::LoopbackServer server{[this](const ServerRequest& request) {
        std::lock_guard lock(mutex);
        tokens_seen.push_back(request.header("Authorization"));
        return answers.at(std::min(tokens_seen.size(), answers.size()) - 1);
    }};

    Result<FetchedReport> fetch() {
        AccountConfig account;
        account.account_id = "15300002";
        account.api_url = server.url("/voice/api/v1");
        EngageReportSource source(account,
                                  std::make_unique<HttpsClient>(testing::plain_http_options()),
                                  tokens, [](const std::string&, int) {});
        BusinessDay day;
        day.date = "2026-12-03";
        day.start_local = "2026-12-03 00:00:00";
        day.end_local = "2026-12-03 10:00:00";
        return source.fetch(day, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    }
};

ServerResponse answer(int status, std::string body, std::string type = "text/plain") {
    ServerResponse response;
    response.status = status;
    response.content_type = std::move(type);
    response.body = std::move(body);
    return response;
}

}  // namespace

TEST_CASE("an expired token is refreshed once and the report asked for once more",
          "[source]") {
    ReportUpstream upstream;
    upstream.answers = {answer(401, "Jwt is expired"), answer(200, "Agent ID\n1\n", "text/csv")};

    auto report = upstream.fetch();

    REQUIRE(report);
    CHECK(upstream.tokens_seen == std::vector<std::string>{"Bearer token-1", "Bearer token-2"});
}

TEST_CASE("a token that expires again fails the poll with reason auth, without a loop",
          "[source]") {
    ReportUpstream upstream;
    upstream.answers = {answer(401, "Jwt is expired")};

    auto report = upstream.fetch();

    REQUIRE_FALSE(report);
    CHECK(report.error().kind == PollError::Kind::Auth);
    CHECK(report.error().status == 401);
    CHECK(upstream.tokens_seen.size() == 2);
}

TEST_CASE("a 401 or 403 that is not about expiry fails at once with the upstream's message",
          "[source]") {
    ReportUpstream upstream;
    SECTION("401 with a JSON body") {
        upstream.answers = {answer(401, R"({"errors":[{"generalMessage":"Invalid token"}]})",
                                   "application/json")};
    }
    SECTION("403 without reporting rights") {
        upstream.answers = {answer(403, R"({"errors":[{"generalMessage":"Access denied"}]})",
                                   "application/json")};
    }
    SECTION("401 in plain text that is not about expiry") {
        upstream.answers = {answer(401, "Bad credentials")};
    }

    auto report = upstream.fetch();

    REQUIRE_FALSE(report);
    CHECK(report.error().kind == PollError::Kind::Auth);
    CHECK_FALSE(report.error().body_excerpt.empty());
    CHECK(upstream.tokens_seen.size() == 1);
    // A 401 drops the session so the next poll signs in afresh; a 403 is about rights.
    CHECK(upstream.tokens->rejections == (report.error().status == 401 ? 1 : 0));
}

TEST_CASE("an error body is cleared of every secret the token source holds", "[source]") {
    ReportUpstream upstream;
    upstream.tokens->held = {"refresh-token-value", "jwt-assertion-value"};
    upstream.answers = {answer(
        403, "denied; refresh-token-value jwt-assertion-value and Bearer token-1 were sent")};

    auto report = upstream.fetch();

    REQUIRE_FALSE(report);
    CHECK(report.error().body_excerpt == "denied; <secret> <secret> and <secret> were sent");
}

TEST_CASE("only a plain-text 401 that says expired counts as an expired token", "[source]") {
    CHECK(token_expired(response(401, "Jwt is expired")));
    CHECK(token_expired(response(401, "Token EXPIRED at 12:00")));
    CHECK_FALSE(token_expired(response(403, "Jwt is expired")));
    CHECK_FALSE(token_expired(response(401, R"({"message":"Jwt is expired"})")));
    CHECK_FALSE(token_expired(response(401, "<html>session expired</html>")));
    CHECK_FALSE(token_expired(response(401, "Invalid token")));
}

}  // namespace engagevoice
