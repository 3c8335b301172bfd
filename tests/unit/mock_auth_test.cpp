#include "mock_auth.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "engagevoice/encoding.hpp"
#include "engagevoice/http_server.hpp"
#include "fake_clock.hpp"
#include "mock_api.hpp"

using engagevoice::FormFields;
using engagevoice::MockApi;
using engagevoice::MockApiOptions;
using engagevoice::ServerRequest;
using engagevoice::ServerResponse;
using engagevoice::testing::FakeClock;
using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

constexpr const char* kClientId = "test-client-id";
constexpr const char* kClientSecret = "test-client-secret-4";
constexpr const char* kJwt = "eyJ0ZXN0Ijp0cnVlfQ.test-jwt-assertion.c2ln";
constexpr const char* kUsername = "supervisor@example.com";
constexpr const char* kPassword = "test-password-5";
constexpr const char* kPlatformId = "c01";
constexpr const char* kJwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr const char* kExchangePath = "/api/auth/login/rc/accesstoken?includeRefresh=true";

// 2026-11-16 18:00 UTC.
const auto kStart =
    std::chrono::system_clock::time_point(date::sys_days(date::year(2026) / 11 / 16) + hours(18));

MockApiOptions sign_in_options() {
    MockApiOptions options;
    options.agents = 5;
    options.auth.client_id = kClientId;
    options.auth.client_secret = kClientSecret;
    options.auth.jwt = kJwt;
    options.auth.username = kUsername;
    options.auth.password = kPassword;
    options.auth.platform_id = kPlatformId;
    return options;
}

// A mock with only sign-in credentials, and the clock it reads.
struct Mock {
    explicit Mock(MockApiOptions options = sign_in_options())
        : clock(std::make_shared<FakeClock>(kStart)), api(std::move(options), clock) {}

    std::shared_ptr<FakeClock> clock;
    MockApi api;
};

ServerRequest post(const std::string& target, const FormFields& fields = {}) {
    ServerRequest request;
    request.method = "POST";
    request.target = target;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = engagevoice::form_encode(fields);
    return request;
}

ServerRequest token_request(const std::string& client_id, const std::string& secret,
                            const FormFields& fields) {
    auto request = post("/restapi/oauth/token", fields);
    request.headers.emplace_back("Authorization",
                                 "Basic " + engagevoice::base64_encode(client_id + ":" + secret));
    return request;
}

ServerRequest jwt_grant(const std::string& assertion = kJwt) {
    return token_request(kClientId, kClientSecret,
                         {{"grant_type", kJwtGrant}, {"assertion", assertion}});
}

ServerRequest exchange_request(const std::string& rc_token,
                               const std::string& target = kExchangePath) {
    return post(target, {{"rcAccessToken", rc_token}, {"rcTokenType", "Bearer"}});
}

ServerRequest admin_login(const std::string& password = kPassword) {
    return post("/api/auth/login/admin?" + engagevoice::form_encode({{"username", kUsername},
                                                                     {"password", password},
                                                                     {"platformId", kPlatformId}}));
}

ServerRequest refresh_request(const std::string& refresh_token) {
    return post("/api/auth/token/refresh", {{"refresh_token", refresh_token}});
}

json body_of(const ServerResponse& response) {
    auto body = json::parse(response.body, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());
    return body;
}

std::string rc_token(MockApi& api) {
    auto response = api.handle(jwt_grant());
    REQUIRE(response.status == 200);
    return body_of(response)["access_token"];
}

json exchanged(MockApi& api) {
    auto response = api.handle(exchange_request(rc_token(api)));
    REQUIRE(response.status == 200);
    return body_of(response);
}

// The payload of a JSON Web Token.
json jwt_payload(const std::string& token) {
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    REQUIRE(second != std::string::npos);
    REQUIRE(token.find('.', second + 1) == std::string::npos);
    auto payload = engagevoice::base64url_decode(token.substr(first + 1, second - first - 1));
    REQUIRE(payload);
    return json::parse(*payload);
}

std::string error_code(const ServerResponse& response) {
    return body_of(response)["errors"][0]["errorCode"];
}

std::string retry_after(const ServerResponse& response) {
    return engagevoice::find_header(response.headers, "Retry-After");
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<seconds>(time.time_since_epoch()).count();
}

}  // namespace

TEST_CASE("the ringcentral token endpoint grants tokens for the right client and jwt",
          "[mock_auth]") {
    Mock mock;
    auto response = mock.api.handle(jwt_grant());

    REQUIRE(response.status == 200);
    CHECK(response.content_type.rfind("application/json", 0) == 0);
    auto body = body_of(response);
    CHECK(body["token_type"] == "bearer");
    CHECK(body["expires_in"] == 3600);
    CHECK(body["refresh_token_expires_in"] == 604800);
    CHECK(body["access_token"].get<std::string>().size() >= 32);
    CHECK(body["refresh_token"] != body["access_token"]);
    CHECK(body["scope"].is_string());
    CHECK(body["owner_id"].is_string());
    CHECK(mock.api.stats().ringcentral_token_grants == 1);
    CHECK(mock.api.stats().sign_in_failures == 0);
}

TEST_CASE("the ringcentral token endpoint refuses a wrong client, grant or assertion",
          "[mock_auth]") {
    Mock mock;
    int status = 0;
    std::string error;
    ServerRequest request;

    SECTION("wrong secret") {
        request = token_request(kClientId, "test-client-secret-9",
                                {{"grant_type", kJwtGrant}, {"assertion", kJwt}});
        std::tie(status, error) = std::pair(401, "invalid_client");
    }
    SECTION("no client credentials") {
        request = jwt_grant();
        request.headers.pop_back();
        std::tie(status, error) = std::pair(401, "invalid_client");
    }
    SECTION("wrong grant type") {
        request = token_request(kClientId, kClientSecret,
                                {{"grant_type", "client_credentials"}, {"assertion", kJwt}});
        std::tie(status, error) = std::pair(400, "unsupported_grant_type");
    }
    SECTION("wrong assertion") {
        request = jwt_grant("eyJ0ZXN0Ijp0cnVlfQ.another-assertion.c2ln");
        std::tie(status, error) = std::pair(400, "invalid_grant");
    }
    SECTION("no assertion") {
        request = token_request(kClientId, kClientSecret, {{"grant_type", kJwtGrant}});
        std::tie(status, error) = std::pair(400, "invalid_grant");
    }
    SECTION("not a form") {
        request = jwt_grant();
        request.headers[0].second = "application/json";
        std::tie(status, error) = std::pair(400, "invalid_request");
    }

    auto response = mock.api.handle(request);
    CHECK(response.status == status);
    CHECK(body_of(response)["error"] == error);
    CHECK(body_of(response)["error_description"].is_string());
    CHECK(mock.api.stats().ringcentral_token_grants == 0);
    CHECK(mock.api.stats().sign_in_failures == 1);
}

TEST_CASE("the ringcentral token endpoint refuses every request while its flow is unset",
          "[mock_auth]") {
    auto options = sign_in_options();
    options.auth.jwt.clear();
    Mock mock(options);

    auto response = mock.api.handle(jwt_grant(""));
    CHECK(response.status == 401);
    CHECK(body_of(response)["error"] == "invalid_client");
}

TEST_CASE("the exchange turns a ringcentral token into engage tokens", "[mock_auth]") {
    Mock mock;
    auto response = mock.api.handle(exchange_request(rc_token(mock.api)));

    REQUIRE(response.status == 200);
    auto body = body_of(response);
    CHECK(body["tokenType"] == "Bearer");
    CHECK(body["mainAccountId"] == "15300002");
    REQUIRE(body["agentDetails"].size() == 1);
    CHECK(body["agentDetails"][0]["accountId"] == "15300002");
    CHECK(body["agentDetails"][0]["agentId"].get<std::int64_t>() >= 1);
    CHECK(body["adminId"].is_number_integer());
    CHECK(jwt_payload(body["accessToken"])["accountId"] == "15300002");
    CHECK(body["refreshToken"].get<std::string>().size() >= 32);
    CHECK(body["refreshToken"] != body["accessToken"]);
    CHECK(mock.api.stats().exchanges == 1);
    CHECK(mock.api.stats().access_tokens_issued == 1);
}

TEST_CASE("the exchange leaves the refresh token out unless asked for it", "[mock_auth]") {
    Mock mock;
    std::string target;
    SECTION("no query") { target = "/api/auth/login/rc/accesstoken"; }
    SECTION("false") { target = "/api/auth/login/rc/accesstoken?includeRefresh=false"; }

    auto response = mock.api.handle(exchange_request(rc_token(mock.api), target));
    REQUIRE(response.status == 200);
    CHECK(body_of(response).contains("accessToken"));
    CHECK_FALSE(body_of(response).contains("refreshToken"));
}

TEST_CASE("the exchange accepts a ringcentral token until the moment it expires", "[mock_auth]") {
    Mock mock;
    auto token = rc_token(mock.api);

    mock.clock->now_ += hours(1) - seconds(1);
    CHECK(mock.api.handle(exchange_request(token)).status == 200);
    mock.clock->now_ += seconds(1);
    auto response = mock.api.handle(exchange_request(token));
    CHECK(response.status == 401);
    CHECK(error_code(response) == "UNAUTHORIZED");
    CHECK(mock.api.stats().exchanges == 1);
    CHECK(mock.api.stats().sign_in_failures == 1);
}

TEST_CASE("the exchange refuses a request that is not a valid exchange", "[mock_auth]") {
    Mock mock;
    auto token = rc_token(mock.api);
    auto request = exchange_request(token);
    int status = 0;

    SECTION("unknown token") {
        request = exchange_request("not-a-token-the-mock-issued");
        status = 401;
    }
    SECTION("the jwt instead of a token") {
        request = exchange_request(kJwt);
        status = 401;
    }
    SECTION("no token type") {
        request.body = engagevoice::form_encode({{"rcAccessToken", token}});
        status = 400;
    }
    SECTION("another token type") {
        request.body = engagevoice::form_encode({{"rcAccessToken", token}, {"rcTokenType", "MAC"}});
        status = 400;
    }
    SECTION("a JSON body") {
        request.headers[0].second = "application/json";
        status = 415;
    }
    SECTION("a bad escape") {
        request.body = "rcAccessToken=%G1&rcTokenType=Bearer";
        status = 400;
    }
    CHECK(mock.api.handle(request).status == status);
    CHECK(mock.api.stats().exchanges == 0);
    CHECK(mock.api.stats().sign_in_failures == 1);
}

TEST_CASE("the engage login takes its credentials from the query string", "[mock_auth]") {
    Mock mock;
    auto response = mock.api.handle(admin_login());

    REQUIRE(response.status == 200);
    auto body = body_of(response);
    CHECK(body["tokenType"] == "Bearer");
    CHECK(body["mainAccountId"] == "15300002");
    CHECK(body["agentDetails"][0]["accountId"] == "15300002");
    CHECK(body["refreshToken"].is_string());
    CHECK(jwt_payload(body["accessToken"]).contains("exp"));
    CHECK(mock.api.stats().admin_logins == 1);
}

TEST_CASE("the engage login refuses wrong or unset credentials", "[mock_auth]") {
    auto options = sign_in_options();
    auto request = admin_login();

    SECTION("wrong password") { request = admin_login("test-password-6"); }
    SECTION("wrong platform") {
        request.target =
            "/api/auth/login/admin?username=supervisor%40example.com"
            "&password=test-password-5&platformId=c02";
    }
    SECTION("credentials in the body") {
        request.body = request.target.substr(request.target.find('?') + 1);
        request.target = "/api/auth/login/admin";
    }
    SECTION("flow unset") { options.auth.platform_id.clear(); }

    Mock mock(options);
    auto response = mock.api.handle(request);
    CHECK(response.status == 401);
    CHECK(error_code(response) == "UNAUTHORIZED");
    CHECK(mock.api.stats().admin_logins == 0);
    CHECK(mock.api.stats().sign_in_failures == 1);
}

TEST_CASE("refresh rotates both tokens and refuses the old refresh token from then on",
          "[mock_auth]") {
    Mock mock;
    auto first = exchanged(mock.api);

    auto response = mock.api.handle(refresh_request(first["refreshToken"]));
    REQUIRE(response.status == 200);
    auto second = body_of(response);
    CHECK(second["accessToken"] != first["accessToken"]);
    CHECK(second["refreshToken"] != first["refreshToken"]);
    CHECK(second["mainAccountId"] == "15300002");

    auto reused = mock.api.handle(refresh_request(first["refreshToken"]));
    CHECK(reused.status == 401);
    CHECK(mock.api.stats().refresh_token_reuses == 1);

    // The new refresh token works once, also with the field older clients add.
    auto request = refresh_request(second["refreshToken"]);
    request.body += "&rcTokenType=Bearer";
    CHECK(mock.api.handle(request).status == 200);
    CHECK(mock.api.handle(request).status == 401);

    auto stats = mock.api.stats();
    CHECK(stats.refreshes == 2);
    CHECK(stats.refresh_token_reuses == 2);
    CHECK(stats.sign_in_failures == 2);
    CHECK(stats.access_tokens_issued == 3);
}

TEST_CASE("refresh refuses an expired, unknown or missing refresh token", "[mock_auth]") {
    Mock mock;
    auto refresh_token = exchanged(mock.api)["refreshToken"].get<std::string>();

    SECTION("expired") {
        mock.clock->now_ += hours(10);
        CHECK(mock.api.handle(refresh_request(refresh_token)).status == 401);
        CHECK(mock.api.stats().refresh_tokens_expired == 1);
        CHECK(mock.api.stats().refresh_token_reuses == 0);
    }
    SECTION("just before it expires") {
        mock.clock->now_ += hours(10) - seconds(1);
        CHECK(mock.api.handle(refresh_request(refresh_token)).status == 200);
    }
    SECTION("an access token instead") {
        auto access_token = exchanged(mock.api)["accessToken"].get<std::string>();
        CHECK(mock.api.handle(refresh_request(access_token)).status == 401);
    }
    SECTION("no token") {
        auto response =
            mock.api.handle(post("/api/auth/token/refresh", {{"rcTokenType", "Bearer"}}));
        CHECK(response.status == 400);
        CHECK(error_code(response) == "INVALID_REQUEST");
    }
}

TEST_CASE("the sixth sign-in in a minute gets 429 until the oldest leaves the window",
          "[mock_auth]") {
    Mock mock;
    auto token = rc_token(mock.api);

    // Five at 10 second steps, exchanges and logins sharing the limit.
    for (int i = 0; i < 5; ++i) {
        auto request = i % 2 == 0 ? exchange_request(token) : admin_login();
        REQUIRE(mock.api.handle(request).status == 200);
        mock.clock->now_ += seconds(10);
    }
    mock.clock->now_ -= seconds(5);  // 45 s after the first

    auto limited = mock.api.handle(exchange_request(token));
    CHECK(limited.status == 429);
    CHECK(retry_after(limited) == "15");
    CHECK(error_code(limited) == "TOO_MANY_REQUESTS");
    CHECK(mock.api.handle(admin_login()).status == 429);

    mock.clock->now_ += seconds(15);  // the first leaves the window
    CHECK(mock.api.handle(exchange_request(token)).status == 200);
    mock.clock->now_ += seconds(1);
    limited = mock.api.handle(admin_login());
    CHECK(limited.status == 429);
    CHECK(retry_after(limited) == "9");

    auto stats = mock.api.stats();
    CHECK(stats.sign_ins_rate_limited == 3);
    CHECK(stats.exchanges == 4);
    CHECK(stats.admin_logins == 2);
}

TEST_CASE("refresh is not rate limited", "[mock_auth]") {
    auto options = sign_in_options();
    options.auth.exchange_limit = 1;
    Mock mock(options);
    auto refresh_token = body_of(mock.api.handle(admin_login()))["refreshToken"].get<std::string>();
    REQUIRE(mock.api.handle(admin_login()).status == 429);

    for (int i = 0; i < 10; ++i) {
        auto response = mock.api.handle(refresh_request(refresh_token));
        REQUIRE(response.status == 200);
        refresh_token = body_of(response)["refreshToken"];
    }
    CHECK(mock.api.stats().refreshes == 10);
    CHECK(mock.api.stats().sign_ins_rate_limited == 1);
}

TEST_CASE("an engage access token says when it was issued and when it expires", "[mock_auth]") {
    auto options = sign_in_options();
    auto lifetime = seconds(300);
    SECTION("default lifetime") {}
    SECTION("short lifetime") {
        lifetime = seconds(3);
        options.auth.access_token_lifetime = lifetime;
    }
    Mock mock(options);
    mock.clock->now_ += std::chrono::milliseconds(750);

    auto first = exchanged(mock.api)["accessToken"].get<std::string>();
    auto payload = jwt_payload(first);
    CHECK(payload["iat"] == unix_seconds(kStart));
    CHECK(payload["exp"] == unix_seconds(kStart) + lifetime.count());

    auto header = engagevoice::base64url_decode(first.substr(0, first.find('.')));
    REQUIRE(header);
    CHECK(json::parse(*header)["typ"] == "JWT");
    auto second = body_of(mock.api.handle(admin_login()))["accessToken"].get<std::string>();
    CHECK(second != first);
    CHECK(jwt_payload(second)["jti"] != payload["jti"]);
}

TEST_CASE("every issued token is appended to the dump directory", "[mock_auth]") {
    auto dir = std::filesystem::temp_directory_path() / "engagevoice_mock_auth_test_dump";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto options = sign_in_options();
    options.dump_dir = dir.string();
    Mock mock(options);

    auto grant = body_of(mock.api.handle(jwt_grant()));
    auto login = exchanged(mock.api);
    auto refreshed = body_of(mock.api.handle(refresh_request(login["refreshToken"])));

    std::ifstream in(dir / "issued_tokens.txt");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    std::set<std::string> issued(lines.begin(), lines.end());
    CHECK(lines.size() == 8);  // two grants, an exchange and a refresh: two tokens each
    for (const auto& token :
         {grant["access_token"], grant["refresh_token"], login["accessToken"],
          login["refreshToken"], refreshed["accessToken"], refreshed["refreshToken"]}) {
        CHECK(issued.count(token.get<std::string>()) == 1);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("mock durations are whole seconds, minutes, hours or days", "[mock_auth]") {
    using engagevoice::parse_mock_duration;
    CHECK(parse_mock_duration("90") == seconds(90));
    CHECK(parse_mock_duration("3s") == seconds(3));
    CHECK(parse_mock_duration("5m") == minutes(5));
    CHECK(parse_mock_duration("10h") == hours(10));
    CHECK(parse_mock_duration("2d") == hours(48));
    for (const char* bad : {"", "0", "0s", "s", "5x", "-5m", "1.5h", "5 m", "1h30m", "99999d",
                            "99999999999999999999999"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_mock_duration(bad));
    }
}

TEST_CASE("mock api starts with sign-in credentials alone and refuses bad sign-in options",
          "[mock_auth]") {
    auto options = sign_in_options();
    SECTION("a flow is enough") { CHECK_NOTHROW(MockApi(options)); }
    SECTION("half a flow is not") {
        options.auth.client_secret.clear();
        options.auth.password.clear();
        CHECK_THROWS_AS(MockApi(options), std::invalid_argument);
    }
    SECTION("zero lifetime") {
        options.auth.access_token_lifetime = seconds(0);
        CHECK_THROWS_AS(MockApi(options), std::invalid_argument);
    }
    SECTION("no sign-ins allowed") {
        options.auth.exchange_limit = 0;
        CHECK_THROWS_AS(MockApi(options), std::invalid_argument);
    }
}
