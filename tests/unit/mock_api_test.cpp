#include "mock_api.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "engagevoice/encoding.hpp"
#include "engagevoice/http_server.hpp"
#include "fake_clock.hpp"

using engagevoice::MockApi;
using engagevoice::MockApiOptions;
using engagevoice::ServerRequest;
using engagevoice::ServerResponse;
using engagevoice::testing::FakeClock;
using nlohmann::json;

namespace {

constexpr const char* kBearer = "test-bearer-token-1";
constexpr const char* kApiToken = "aws80:test-api-token-2";
constexpr const char* kReportPath = "/voice/api/v1/admin/accounts/15300002/reportsStreaming";

// 2026-11-16 13:00 in New York (EST, UTC-5).
std::shared_ptr<FakeClock> clock_at_one_pm() {
    return std::make_shared<FakeClock>(date::sys_days(date::year(2026) / 11 / 16) +
                                       std::chrono::hours(18));
}

MockApiOptions api_options() {
    MockApiOptions options;
    options.agents = 30;
    options.seed = 3;
    options.api_token = kApiToken;
    options.bearer_token = kBearer;
    return options;
}

// The body every documented example sends.
json report_body(const std::string& start = "2026-11-16 00:00:00",
                 const std::string& end = "2026-11-16 12:30:00") {
    return {
        {"reportId", nullptr},
        {"destination", nullptr},
        {"delimiter", "COMMA"},
        {"reportType", "CASPER_REPORT"},
        {"cciReport", true},
        {"reportTypeName", "Agent_Session_Report_Raw"},
        {"reportCriteria",
         {{"rollupAgent", ""},
          {"agentTeams", json::array()},
          {"secureAgentGroupIds", ""},
          {"agentGroupIds", json::array()},
          {"secureAgentIds", ""},
          {"agentIds", json::array()},
          {"startTimestamp", start},
          {"endTimestamp", end},
          {"timezoneName", "US/Eastern"},
          {"criteriaType", "CASPER_CRITERIA"},
          {"reportName", "Agent_Session_Report_Raw"},
          {"returnType", "CSV"},
          {"schedule", {{"repeatOption", "ONCE"}}},
          {"accountIds", json::array()}}},
    };
}

ServerRequest report_request(const json& body = report_body(),
                             const std::string& target = kReportPath) {
    ServerRequest request;
    request.method = "POST";
    request.target = target;
    request.headers = {{"Content-Type", "application/json;charset=UTF-8"},
                       {"Authorization", std::string("Bearer ") + kBearer}};
    request.body = body.dump();
    return request;
}

std::string first_line(const std::string& body) { return body.substr(0, body.find("\r\n")); }

json error_of(const ServerResponse& response) {
    auto body = json::parse(response.body);
    REQUIRE(body["errors"].size() == 1);
    return body["errors"][0];
}

// An engage access token from the direct login, which api_options() does not enable.
std::string signed_in_access_token(MockApi& api) {
    ServerRequest login;
    login.method = "POST";
    login.target = "/api/auth/login/admin?username=admin&password=test-password-7&platformId=c01";
    auto response = api.handle(login);
    REQUIRE(response.status == 200);
    return json::parse(response.body)["accessToken"];
}

MockApiOptions sign_in_options() {
    auto options = api_options();
    options.auth.username = "admin";
    options.auth.password = "test-password-7";
    options.auth.platform_id = "c01";
    return options;
}

ServerRequest report_with_bearer(const std::string& token) {
    auto request = report_request();
    request.headers[1].second = "Bearer " + token;
    return request;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("mock api serves the report of the business day so far", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto response = api.handle(report_request());

    REQUIRE(response.status == 200);
    CHECK(response.content_type.rfind("text/csv", 0) == 0);
    auto header = first_line(response.body);
    CHECK(header == engagevoice::report_header_line());
    CHECK(std::count(header.begin(), header.end(), ',') == 38);

    const auto& centre = api.centre();
    date::local_days day{date::year(2026) / 11 / 16};
    auto sessions =
        centre.sessions(day, centre.business_day_start(day) + std::chrono::minutes(750));
    CHECK(response.body == centre.report_csv(sessions));

    std::set<std::size_t> agents;
    for (const auto& session : sessions) {
        agents.insert(session.agent);
    }
    CHECK(agents.size() >= 15);
    CHECK(agents.size() <= 30);
}

TEST_CASE("mock api serves a past day the same way every time", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto request = report_request(report_body("2026-11-10 00:00:00", "2026-11-10 23:59:59"));
    auto first = api.handle(request);
    auto second = api.handle(request);

    REQUIRE(first.status == 200);
    CHECK(first.body == second.body);
    CHECK(first.body.find(",11/10/26 ") != std::string::npos);
    CHECK(first.body.find(",11/16/26 ") == std::string::npos);
}

TEST_CASE("mock api accepts the bearer token in any case and the api token header", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto request = report_request();

    SECTION("lowercase scheme") {
        request.headers[1] = {"authorization", std::string("bearer ") + kBearer};
    }
    SECTION("X-Auth-Token") { request.headers[1] = {"X-Auth-Token", kApiToken}; }
    CHECK(api.handle(request).status == 200);
}

TEST_CASE("mock api refuses a missing or wrong token with a plain-text 401", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto request = report_request();

    SECTION("no credentials") { request.headers.pop_back(); }
    SECTION("wrong bearer token") { request.headers[1].second = "Bearer test-bearer-token-9"; }
    SECTION("wrong api token") { request.headers[1] = {"X-Auth-Token", "aws80:test-api-token-3"}; }
    SECTION("bearer token in the api token header") {
        request.headers[1] = {"X-Auth-Token", kBearer};
    }
    SECTION("another scheme") { request.headers[1].second = std::string("Basic ") + kBearer; }
    auto response = api.handle(request);
    CHECK(response.status == 401);
    CHECK(response.content_type.rfind("text/plain", 0) == 0);
    CHECK(response.body == "Invalid token");
}

TEST_CASE("mock api with only an api token refuses every bearer token", "[mock_api]") {
    auto options = api_options();
    options.bearer_token.clear();
    MockApi api(options, clock_at_one_pm());
    auto request = report_request();

    request.headers[1].second = "Bearer ";
    CHECK(api.handle(request).status == 401);
    request.headers[1].second = std::string("Bearer ") + kBearer;
    CHECK(api.handle(request).status == 401);
}

TEST_CASE("mock api serves the legacy path with the api token", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto request =
        report_request(report_body(), "/api/v1/admin/accounts/15300002/reportsStreaming");
    request.headers[1] = {"X-Auth-Token", kApiToken};

    auto response = api.handle(request);
    CHECK(response.status == 200);
    CHECK(response.body == api.handle(report_request()).body);
}

TEST_CASE("mock api answers 404 with a JSON error for an unknown account", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto response = api.handle(
        report_request(report_body(), "/voice/api/v1/admin/accounts/15300003/reportsStreaming"));

    CHECK(response.status == 404);
    CHECK(response.content_type.rfind("application/json", 0) == 0);
    CHECK(error_of(response)["generalMessage"] == "Account not found");
}

TEST_CASE("mock api answers 404 for other paths and 405 for other methods", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());

    SECTION("unknown path") {
        auto response = api.handle(report_request(report_body(), "/voice/api/v1/admin/accounts"));
        CHECK(response.status == 404);
        CHECK(error_of(response)["developerMessage"] == "no such endpoint");
    }
    SECTION("trailing slash") {
        CHECK(api.handle(report_request(report_body(), std::string(kReportPath) + "/")).status ==
              404);
    }
    SECTION("GET on the report") {
        auto request = report_request();
        request.method = "GET";
        auto response = api.handle(request);
        CHECK(response.status == 405);
        REQUIRE(response.headers.size() == 1);
        CHECK(response.headers[0] == std::pair<std::string, std::string>("Allow", "POST"));
    }
}

TEST_CASE("mock api refuses a body that is not JSON", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto request = report_request();

    SECTION("content type") {
        request.headers[0].second = "text/plain";
        CHECK(api.handle(request).status == 415);
    }
    SECTION("content type that only starts like JSON") {
        request.headers[0].second = "application/jsonp";
        CHECK(api.handle(request).status == 415);
    }
    SECTION("body") {
        request.body = "{\"reportType\": ";
        auto response = api.handle(request);
        CHECK(response.status == 400);
        CHECK(error_of(response)["developerMessage"] == "the request body is not valid JSON");
    }
    SECTION("array") {
        request.body = "[]";
        CHECK(api.handle(request).status == 400);
    }
}

TEST_CASE("mock api refuses each wrong report field with a 400 naming it", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto body = report_body();
    auto& criteria = body["reportCriteria"];
    std::string field;

    SECTION("report type") {
        body["reportType"] = "CASPER";
        field = "reportType";
    }
    SECTION("report type name") {
        body["reportTypeName"] = "Agent_Summary";
        field = "reportTypeName";
    }
    SECTION("criteria type") {
        criteria.erase("criteriaType");
        field = "criteriaType";
    }
    SECTION("report name") {
        criteria["reportName"] = "agent_session_report_raw";
        field = "reportName";
    }
    SECTION("return type") {
        criteria["returnType"] = "JSON";
        field = "returnType";
    }
    SECTION("delimiter") {
        body["delimiter"] = "TAB";
        field = "delimiter";
    }
    SECTION("unknown zone") {
        criteria["timezoneName"] = "Eastern Standard Time";
        field = "timezoneName is not a known time zone";
    }
    SECTION("another zone") {
        criteria["timezoneName"] = "Europe/Berlin";
        field = "timezoneName must be the account's time zone";
    }
    SECTION("start timestamp format") {
        criteria["startTimestamp"] = "2026-11-16T00:00:00";
        field = "startTimestamp";
    }
    SECTION("end timestamp missing") {
        criteria.erase("endTimestamp");
        field = "endTimestamp";
    }
    SECTION("impossible date") {
        criteria["endTimestamp"] = "2026-11-31 12:00:00";
        field = "endTimestamp";
    }
    SECTION("start after end") {
        criteria["endTimestamp"] = "2026-11-15 23:00:00";
        field = "must not be after";
    }
    SECTION("end in the future") {
        criteria["endTimestamp"] = "2026-11-16 13:01:01";
        field = "in the future";
    }
    SECTION("start too old") {
        criteria["startTimestamp"] = "2026-08-18 00:00:00";
        field = "90 days";
    }
    SECTION("start not at the day start") {
        criteria["startTimestamp"] = "2026-11-16 00:30:00";
        field = "start of a business day";
    }
    SECTION("teams") {
        criteria["agentTeams"] = "Retention";
        field = "agentTeams";
    }
    SECTION("criteria") {
        body.erase("reportCriteria");
        field = "reportCriteria";
    }

    auto response = api.handle(report_request(body));
    CHECK(response.status == 400);
    auto error = error_of(response);
    CHECK(error["generalMessage"] == "Invalid report request");
    CHECK_THAT(error["developerMessage"].get<std::string>(), Catch::Contains(field));
}

TEST_CASE("mock api accepts an end up to a minute ahead and the oldest day allowed", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());

    CHECK(api.handle(report_request(report_body("2026-11-16 00:00:00", "2026-11-16 13:01:00")))
              .status == 200);
    CHECK(api.handle(report_request(report_body("2026-08-19 00:00:00", "2026-08-19 23:59:59")))
              .status == 200);
}

TEST_CASE("mock api applies the team filter", "[mock_api]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto body = report_body();
    body["reportCriteria"]["agentTeams"] = {"Retention"};
    auto response = api.handle(report_request(body));

    REQUIRE(response.status == 200);
    auto all = api.handle(report_request()).body;
    CHECK(response.body.size() < all.size());
    CHECK(response.body.find(",Inbound East,") == std::string::npos);
}

TEST_CASE("mock api writes the served report and its expected values to the dump directory",
          "[mock_api]") {
    auto dir = std::filesystem::temp_directory_path() / "engagevoice_mock_api_test_dump";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto options = api_options();
    options.dump_dir = dir.string();
    MockApi api(options, clock_at_one_pm());

    auto response = api.handle(report_request());
    REQUIRE(response.status == 200);
    CHECK(read_file(dir / "last_report.csv") == response.body);
    auto expected = json::parse(read_file(dir / "last_report.expected.json"));
    CHECK(expected["account_id"] == "15300002");
    CHECK(expected["timezone"] == "US/Eastern");
    CHECK(expected["agents"].size() >= 15);
    CHECK_FALSE(std::filesystem::exists(dir / "last_report.csv.tmp"));

    auto refused = report_request(report_body("2026-11-10 00:00:00", "2026-11-10 23:59:59"));
    refused.headers.pop_back();
    CHECK(api.handle(refused).status == 401);
    CHECK(read_file(dir / "last_report.csv") == response.body);
    std::filesystem::remove_all(dir);
}

TEST_CASE("mock api needs a token and a known zone", "[mock_api]") {
    auto options = api_options();
    SECTION("no token or sign-in flow") {
        options.api_token.clear();
        options.bearer_token.clear();
        options.auth.client_id = "test-client-id";
        options.auth.jwt = "test-jwt";
    }
    SECTION("unknown zone") { options.timezone = "Nowhere/Special"; }
    CHECK_THROWS_AS(MockApi(options), std::invalid_argument);
}

TEST_CASE("mock api serves the report to a current engage access token", "[mock_api]") {
    auto clock = clock_at_one_pm();
    MockApi api(sign_in_options(), clock);
    auto token = signed_in_access_token(api);

    CHECK(api.handle(report_with_bearer(token)).status == 200);
    clock->now_ += std::chrono::minutes(5) - std::chrono::seconds(1);
    auto response = api.handle(report_with_bearer(token));
    CHECK(response.status == 200);
    CHECK(response.body == api.handle(report_request()).body);
}

TEST_CASE("mock api answers an expired engage access token with a plain-text Jwt is expired",
          "[mock_api]") {
    auto clock = clock_at_one_pm();
    MockApi api(sign_in_options(), clock);
    auto token = signed_in_access_token(api);

    clock->now_ += std::chrono::minutes(5);
    auto response = api.handle(report_with_bearer(token));
    CHECK(response.status == 401);
    CHECK(response.content_type.rfind("text/plain", 0) == 0);
    CHECK(response.body == "Jwt is expired");

    auto stats = api.stats();
    CHECK(stats.report_requests == 1);
    CHECK(stats.report_unauthorized == 1);
    CHECK(stats.expired_token_rejections == 1);
}

TEST_CASE("mock api refuses an engage access token that is forged or in the wrong header",
          "[mock_api]") {
    MockApi api(sign_in_options(), clock_at_one_pm());
    auto token = signed_in_access_token(api);
    auto request = report_request();

    SECTION("as X-Auth-Token") { request.headers[1] = {"X-Auth-Token", token}; }
    SECTION("signature changed") {
        auto forged = token;
        forged.back() = forged.back() == 'A' ? 'B' : 'A';
        request = report_with_bearer(forged);
    }
    SECTION("payload changed") {
        auto dot = token.find('.');
        auto payload =
            engagevoice::base64url_encode(R"({"exp":4102444800,"iat":1795370400,"jti":"1"})");
        request = report_with_bearer(token.substr(0, dot + 1) + payload +
                                     token.substr(token.find('.', dot + 1)));
    }
    auto response = api.handle(request);
    CHECK(response.status == 401);
    CHECK(response.body == "Invalid token");
    CHECK(api.stats().expired_token_rejections == 0);
    CHECK(api.stats().report_unauthorized == 1);
}

TEST_CASE("mock api serves its counters without a token", "[mock_api]") {
    auto clock = clock_at_one_pm();
    MockApi api(sign_in_options(), clock);
    auto token = signed_in_access_token(api);
    CHECK(api.handle(report_with_bearer(token)).status == 200);
    auto refused = report_request();
    refused.headers.pop_back();
    CHECK(api.handle(refused).status == 401);

    ServerRequest request;
    request.method = "GET";
    request.target = "/mock/stats";
    auto response = api.handle(request);
    REQUIRE(response.status == 200);
    CHECK(response.content_type.rfind("application/json", 0) == 0);
    auto stats = json::parse(response.body);
    CHECK(stats["admin_logins"] == 1);
    CHECK(stats["access_tokens_issued"] == 1);
    CHECK(stats["report_requests"] == 2);
    CHECK(stats["report_unauthorized"] == 1);
    for (const char* zero :
         {"ringcentral_token_grants", "exchanges", "refreshes", "refresh_token_reuses",
          "refresh_tokens_expired", "sign_ins_rate_limited", "expired_token_rejections",
          "sign_in_failures", "faults_injected"}) {
        CAPTURE(zero);
        CHECK(stats[zero] == 0);
    }
    CHECK(stats.size() == 13);
}
