#include "engagevoice/sign_in.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <string>

#include "engagevoice/encoding.hpp"
#include "fake_clock.hpp"
#include "loopback_server.hpp"

namespace ev = engagevoice;
using ev::testing::FakeClock;
using ev::testing::LoopbackServer;
using std::chrono::system_clock;

namespace {

const system_clock::time_point kNow = system_clock::from_time_t(1'790'000'000);

std::chrono::steady_clock::time_point soon() {
    return std::chrono::steady_clock::now() + std::chrono::seconds(10);
}

std::string jwt_with(const std::string& payload) {
    return ev::base64url_encode(R"({"alg":"HS256"})") + "." + ev::base64url_encode(payload) +
           "." + ev::base64url_encode("signature");
}

ev::ServerResponse json(int status, std::string body) {
    ev::ServerResponse response;
    response.status = status;
    response.content_type = "application/json";
    response.body = std::move(body);
    return response;
}

// Records the requests it receives and answers each with `answer`.
struct Upstream {
    std::mutex mutex;
    std::vector<ev::ServerRequest> seen;
    std::function<ev::ServerResponse(const ev::ServerRequest&)> answer;
    LoopbackServer server{[this](const ev::ServerRequest& request) {
        std::lock_guard lock(mutex);
        seen.push_back(request);
        return answer(request);
    }};

    ev::ServerRequest last() {
        std::lock_guard lock(mutex);
        return seen.back();
    }
};

struct Fixture {
    Upstream upstream;
    FakeClock clock{kNow};
    ev::HttpsClient client{ev::testing::plain_http_options()};
    std::vector<std::pair<std::string, int>> observed;
    ev::SignInApi api{upstream.server.parsed_url("/rc"), upstream.server.parsed_url("/api/auth"),
                      client, clock, [this](const std::string& endpoint, int status) {
                          observed.emplace_back(endpoint, status);
                      }};
};

const ev::RingCentralCredentials kRingCentral{"client-id", "client-secret-123", "jwt.value.abc"};
const ev::EngageLoginCredentials kLogin{"admin@example.com", "p@ss word&=1", "platform-7"};

}  // namespace

TEST_CASE("the JWT grant posts the assertion with the client's Basic credentials",
          "[sign_in]") {
    Fixture f;
    f.upstream.answer = [](const ev::ServerRequest&) {
        return json(200, R"({"access_token":"rc-token-1","token_type":"bearer",)"
                         R"("expires_in":3600,"refresh_token":"rc-refresh"})");
    };

    auto token = f.api.ringcentral_token(kRingCentral, soon());

    REQUIRE(token);
    CHECK(token->access_token == "rc-token-1");
    CHECK(token->expires_at == kNow + std::chrono::hours(1));
    const auto request = f.upstream.last();
    CHECK(request.method == "POST");
    CHECK(request.target == "/rc/restapi/oauth/token");
    CHECK(request.header("Authorization") ==
          "Basic " + ev::base64_encode("client-id:client-secret-123"));
    CHECK(request.header("Content-Type") == "application/x-www-form-urlencoded");
    CHECK(ev::parse_form(request.body) ==
          ev::FormFields{{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                         {"assertion", "jwt.value.abc"}});
    CHECK(f.observed == std::vector<std::pair<std::string, int>>{{"ringcentral_token", 200}});
}

TEST_CASE("a refused JWT grant says what to check, by the OAuth error code", "[sign_in]") {
    Fixture f;
    std::string body;
    int status = 400;
    f.upstream.answer = [&](const ev::ServerRequest&) { return json(status, body); };

    body = R"({"error":"invalid_client","error_description":"client-secret-123 is wrong"})";
    status = 401;
    auto bad_client = f.api.ringcentral_token(kRingCentral, soon());
    REQUIRE_FALSE(bad_client);
    CHECK(bad_client.error().kind == ev::PollError::Kind::Auth);
    CHECK(bad_client.error().status == 401);
    CHECK(bad_client.error().message ==
          "RingCentral token request refused (401): check auth.client_id and auth.client_secret");
    CHECK(bad_client.error().body_excerpt ==
          R"({"error":"invalid_client","error_description":"<secret> is wrong"})");

    body = R"({"error":"invalid_grant","error_description":"Invalid assertion"})";
    status = 400;
    auto bad_jwt = f.api.ringcentral_token(kRingCentral, soon());
    REQUIRE_FALSE(bad_jwt);
    CHECK(bad_jwt.error().kind == ev::PollError::Kind::Auth);
    CHECK_THAT(bad_jwt.error().message, Catch::Contains("check auth.jwt"));

    body = R"({"error":"unauthorized_client"})";
    auto no_jwt_flow = f.api.ringcentral_token(kRingCentral, soon());
    REQUIRE_FALSE(no_jwt_flow);
    CHECK_THAT(no_jwt_flow.error().message, Catch::Contains("enable the JWT auth flow"));
}

TEST_CASE("the exchange sends the platform token and reads both Engage tokens", "[sign_in]") {
    Fixture f;
    const auto access = jwt_with(R"({"exp":1790000300,"iat":1790000000})");
    f.upstream.answer = [&](const ev::ServerRequest&) {
        return json(200, R"({"accessToken":")" + access +
                             R"(","refreshToken":"refresh-1","tokenType":"Bearer",)"
                             R"("mainAccountId":"15300002","agentDetails":[]})");
    };

    auto tokens = f.api.exchange("rc-token-1", soon());

    REQUIRE(tokens);
    CHECK(tokens->access_token == access);
    CHECK(tokens->refresh_token == "refresh-1");
    CHECK(tokens->expires_at == system_clock::from_time_t(1'790'000'300));
    const auto request = f.upstream.last();
    CHECK(request.target == "/api/auth/login/rc/accesstoken?includeRefresh=true");
    CHECK(ev::parse_form(request.body) ==
          ev::FormFields{{"rcAccessToken", "rc-token-1"}, {"rcTokenType", "Bearer"}});
    CHECK(f.observed.at(0) == std::pair<std::string, int>{"exchange", 200});
}

TEST_CASE("the Engage login puts its credentials in the query string", "[sign_in]") {
    Fixture f;
    f.upstream.answer = [](const ev::ServerRequest&) {
        return json(200, R"({"accessToken":"opaque-access","refreshToken":"refresh-2"})");
    };

    auto tokens = f.api.admin_login(kLogin, soon());

    REQUIRE(tokens);
    // Not a JSON Web Token: the documented lifetime applies.
    CHECK(tokens->expires_at == kNow + ev::kEngageTokenLifetime);
    const auto request = f.upstream.last();
    CHECK(request.path() == "/api/auth/login/admin");
    CHECK(request.body.empty());
    const auto query = ev::parse_form(request.target.substr(request.target.find('?') + 1));
    CHECK(query == ev::FormFields{{"username", "admin@example.com"},
                                  {"password", "p@ss word&=1"},
                                  {"platformId", "platform-7"}});
}

TEST_CASE("a refused Engage login names the keys to check and blanks the password",
          "[sign_in]") {
    Fixture f;
    f.upstream.answer = [](const ev::ServerRequest& request) {
        // An upstream that echoes what it was sent, the worst case.
        return json(401, "bad login " + request.target);
    };

    auto tokens = f.api.admin_login(kLogin, soon());

    REQUIRE_FALSE(tokens);
    CHECK(tokens.error().kind == ev::PollError::Kind::Auth);
    CHECK(tokens.error().message ==
          "Engage login refused (401): check auth.username, auth.password and "
          "auth.platform_id");
    CHECK_THAT(tokens.error().body_excerpt, !Catch::Contains("p%40ss"));
    CHECK_THAT(tokens.error().body_excerpt, Catch::Contains("password=<secret>"));
}

TEST_CASE("refresh posts the refresh token and reads the rotated pair", "[sign_in]") {
    Fixture f;
    f.upstream.answer = [](const ev::ServerRequest&) {
        return json(200, R"({"accessToken":"access-3","refreshToken":"refresh-3"})");
    };

    auto tokens = f.api.refresh("refresh-2", soon());

    REQUIRE(tokens);
    CHECK(tokens->refresh_token == "refresh-3");
    const auto request = f.upstream.last();
    CHECK(request.target == "/api/auth/token/refresh");
    CHECK(ev::parse_form(request.body) ==
          ev::FormFields{{"refresh_token", "refresh-2"}, {"rcTokenType", "Bearer"}});
}

TEST_CASE("sign-in answers map to the poll's reasons", "[sign_in]") {
    Fixture f;
    ev::ServerResponse answer;
    f.upstream.answer = [&](const ev::ServerRequest&) { return answer; };

    answer = json(429, R"({"errors":[]})");
    answer.headers.emplace_back("Retry-After", "42");
    auto limited = f.api.exchange("rc-token-1", soon());
    REQUIRE_FALSE(limited);
    CHECK(limited.error().kind == ev::PollError::Kind::RateLimited);
    CHECK(limited.error().retry_after == std::chrono::seconds(42));

    answer = json(503, "<html>maintenance</html>");
    auto unavailable = f.api.refresh("refresh-1", soon());
    REQUIRE_FALSE(unavailable);
    CHECK(unavailable.error().kind == ev::PollError::Kind::Http);
    CHECK(unavailable.error().message == "Engage token refresh answered 503");
    CHECK_FALSE(unavailable.error().retry_after);

    answer.headers.emplace_back("Retry-After", "120");
    auto maintenance = f.api.ringcentral_token(kRingCentral, soon());
    REQUIRE_FALSE(maintenance);
    CHECK(maintenance.error().kind == ev::PollError::Kind::Http);
    CHECK(maintenance.error().retry_after == std::chrono::seconds(120));

    answer = json(200, R"({"refreshToken":"refresh-9"})");
    auto no_access = f.api.refresh("refresh-1", soon());
    REQUIRE_FALSE(no_access);
    CHECK(no_access.error().kind == ev::PollError::Kind::Parse);
    CHECK(no_access.error().message == "Engage token refresh answer holds no accessToken");
    // A JSON answer may hold tokens: none of it goes to the log.
    CHECK(no_access.error().body_excerpt.empty());

    answer = json(200, R"({"accessToken":"two words"})");
    auto unusable = f.api.exchange("rc-token-1", soon());
    REQUIRE_FALSE(unusable);
    CHECK(unusable.error().kind == ev::PollError::Kind::Parse);

    answer = json(200, "<html>proxy login</html>");
    auto html = f.api.exchange("rc-token-1", soon());
    REQUIRE_FALSE(html);
    CHECK(html.error().body_excerpt == "<html>proxy login</html>");
}

TEST_CASE("a failed connection is a network error and is observed as code 0", "[sign_in]") {
    FakeClock clock{kNow};
    ev::HttpsClient client{ev::testing::plain_http_options()};
    std::vector<std::pair<std::string, int>> observed;
    // Port 9 (discard) on loopback has no listener on these machines.
    ev::SignInApi api{*ev::parse_url("http://127.0.0.1:9"), *ev::parse_url("http://127.0.0.1:9"),
                      client, clock,
                      [&](const std::string& endpoint, int status) {
                          observed.emplace_back(endpoint, status);
                      }};

    auto tokens = api.refresh("refresh-1", soon());

    REQUIRE_FALSE(tokens);
    CHECK(tokens.error().kind == ev::PollError::Kind::Network);
    CHECK(observed == std::vector<std::pair<std::string, int>>{{"refresh", 0}});
}

TEST_CASE("token expiry is read from the exp claim, else the documented lifetime",
          "[sign_in]") {
    CHECK(ev::token_expiry(jwt_with(R"({"exp":1790000123})"), kNow) ==
          system_clock::from_time_t(1'790'000'123));
    CHECK(ev::token_expiry(jwt_with(R"({"exp":1790000123.9})"), kNow) ==
          system_clock::from_time_t(1'790'000'123));

    const auto fallback = kNow + ev::kEngageTokenLifetime;
    CHECK(ev::token_expiry("opaque-token", kNow) == fallback);
    CHECK(ev::token_expiry("a.b", kNow) == fallback);
    CHECK(ev::token_expiry("a.!!!.c", kNow) == fallback);
    CHECK(ev::token_expiry(jwt_with("not json"), kNow) == fallback);
    CHECK(ev::token_expiry(jwt_with(R"({"iat":1})"), kNow) == fallback);
    CHECK(ev::token_expiry(jwt_with(R"({"exp":"soon"})"), kNow) == fallback);
    CHECK(ev::token_expiry(jwt_with(R"({"exp":-5})"), kNow) == fallback);
    CHECK(ev::token_expiry(jwt_with(R"({"exp":1e300})"), kNow) == fallback);
    CHECK(ev::token_expiry(jwt_with(R"([1,2])"), kNow) == fallback);
}
