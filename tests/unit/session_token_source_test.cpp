#include "engagevoice/session_token_source.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

#include "engagevoice/encoding.hpp"
#include "engagevoice/exposition.hpp"
#include "fake_clock.hpp"
#include "loopback_server.hpp"

namespace ev = engagevoice;
namespace fs = std::filesystem;
using ev::testing::FakeClock;
using ev::testing::LoopbackServer;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

const system_clock::time_point kStart = system_clock::from_time_t(1'790'000'000);

std::chrono::steady_clock::time_point soon() {
    return std::chrono::steady_clock::now() + seconds(10);
}

ev::ServerResponse answer(int status, std::string body) {
    ev::ServerResponse response;
    response.status = status;
    response.content_type = "application/json";
    response.body = std::move(body);
    return response;
}

// The Engage auth endpoints, issuing numbered tokens that expire `lifetime` after the fake
// clock's now, and rotating refresh tokens.
class FakeAuth {
public:
    explicit FakeAuth(const FakeClock& clock) : clock_(clock) {}

    ev::ServerResponse handle(const ev::ServerRequest& request) {
        std::lock_guard lock(mutex);
        const std::string path = request.path();
        const auto form = ev::parse_form(request.body).value_or(ev::FormFields{});
        if (path == "/restapi/oauth/token") {
            ++ringcentral_grants;
            return answer(
                200, R"({"access_token":"rc-token","refresh_token":"rc-refresh","expires_in":3600})");
        }
        if (path == "/api/auth/login/rc/accesstoken") {
            ++exchanges;
            return exchange_status == 200 ? issue() : refuse(exchange_status, request);
        }
        if (path == "/api/auth/login/admin") {
            ++logins;
            const auto query = request.target.substr(request.target.find('?') + 1);
            passwords.push_back(ev::parse_form(query)->at(1).second);
            return issue();
        }
        if (path == "/api/auth/token/refresh") {
            return refresh(request, form.at(0).second);
        }
        return answer(404, "{}");
    }

    std::mutex mutex;
    int ringcentral_grants = 0;
    int exchanges = 0;
    int logins = 0;
    int exchange_status = 200;
    int refresh_status = 200;
    bool echo_on_failure = false;
    std::vector<std::string> refresh_tokens_used;
    std::vector<std::string> passwords;
    std::vector<std::string> issued;
    seconds lifetime{300};

private:
    ev::ServerResponse issue() {
        ++serial_;
        const auto exp = system_clock::to_time_t(clock_.now() + lifetime);
        const std::string access =
            ev::base64url_encode(R"({"alg":"none"})") + "." +
            ev::base64url_encode(R"({"exp":)" + std::to_string(exp) + R"(,"jti":)" +
                                 std::to_string(serial_) + "}") +
            ".sig" + std::to_string(serial_);
        current_refresh_ = "refresh-" + std::to_string(serial_);
        issued.push_back(access);
        issued.push_back(current_refresh_);
        return answer(200, R"({"accessToken":")" + access + R"(","refreshToken":")" +
                               current_refresh_ + R"("})");
    }

    // An error answer; with echo_on_failure, the worst of upstreams: one that echoes the
    // request and every secret it has seen.
    ev::ServerResponse refuse(int status, const ev::ServerRequest& request) {
        if (!echo_on_failure) {
            return answer(status, "{}");
        }
        // The tokens first: the log keeps only the start of an answer.
        std::string echo = "refused " + request.target;
        for (auto token = issued.rbegin(); token != issued.rend(); ++token) {
            echo += " " + *token;
        }
        echo += " " + request.body + " " + request.header("Authorization") +
                " rc-token rc-refresh client-secret-value jwt-assertion-value "
                "Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQtdmFsdWU=";
        return answer(status, echo);
    }

    ev::ServerResponse refresh(const ev::ServerRequest& request, const std::string& token) {
        refresh_tokens_used.push_back(token);
        if (refresh_status != 200) {
            return refuse(refresh_status, request);
        }
        if (token != current_refresh_) {
            return answer(401, "Invalid refresh token");
        }
        return issue();
    }

    const FakeClock& clock_;
    int serial_ = 0;
    std::string current_refresh_;
};

struct Fixture {
    explicit Fixture(ev::AuthConfig::Mode mode = ev::AuthConfig::Mode::RingCentralJwt) {
        auth.mode = mode;
        auth.client_id = ev::Secret::from_inline("client-id");
        auth.client_secret = ev::Secret::from_inline("client-secret-value");
        auth.jwt = ev::Secret::from_inline("jwt-assertion-value");
        auth.username = ev::Secret::from_inline("admin");
        auth.password = ev::Secret::from_inline("password-one");
        auth.platform_id = "platform";
    }

    ev::SessionTokenSource& source() {
        if (!source_) {
            source_ = std::make_unique<ev::SessionTokenSource>(
                auth, server.parsed_url(), server.parsed_url("/api/auth"),
                std::make_unique<ev::HttpsClient>(ev::testing::plain_http_options()),
                ev::TokenSourceContext{clock, metrics.account("15300002", true), log,
                                       ev::testing::plain_http_options()},
                "15300002");
        }
        return *source_;
    }

    std::string bearer() {
        auto headers = source().headers(soon());
        REQUIRE(headers);
        REQUIRE(headers->size() == 1);
        CHECK(headers->at(0).first == "Authorization");
        return headers->at(0).second.substr(std::string("Bearer ").size());
    }

    std::string page() { return ev::serialize_metrics({metrics.registry().get()}); }

    FakeClock clock{kStart};
    FakeAuth upstream{clock};
    LoopbackServer server{[this](const ev::ServerRequest& r) { return upstream.handle(r); }};
    ev::AuthConfig auth;
    ev::ExporterMetrics metrics;
    std::ostringstream log_text;
    ev::Logger log{log_text, ev::LogLevel::Debug, ev::LogFormat::Logfmt};

private:
    std::unique_ptr<ev::SessionTokenSource> source_;
};

}  // namespace

TEST_CASE("the JWT mode signs in once and reuses the token while it is fresh", "[session]") {
    Fixture f;

    const std::string first = f.bearer();
    f.clock.now_ += seconds(200);
    const std::string again = f.bearer();

    CHECK(first == f.upstream.issued.at(0));
    CHECK(again == first);
    CHECK(f.upstream.ringcentral_grants == 1);
    CHECK(f.upstream.exchanges == 1);
    CHECK_THAT(f.page(), Catch::Contains(
                             R"(engagevoice_auth_sign_ins_total{account_id="15300002",result="success"} 1)"));
    CHECK_THAT(f.page(), Catch::Contains(
                             R"(engagevoice_auth_token_expiry_timestamp_seconds{account_id="15300002"} 1790000300)"));
    const ev::AuthStatus status = f.source().status();
    CHECK(status.mode == "ringcentral_jwt");
    CHECK(status.signs_in);
    CHECK(status.token_expiry == kStart + seconds(300));
    CHECK(status.last_sign_in == kStart);
    CHECK(status.last_error.empty());
}

TEST_CASE("the access token is refreshed in its last minute with the rotated refresh token",
          "[session]") {
    Fixture f;
    (void)f.bearer();

    f.clock.now_ = kStart + seconds(239);  // 61 s left: still fresh
    (void)f.bearer();
    CHECK(f.upstream.refresh_tokens_used.empty());

    f.clock.now_ = kStart + seconds(241);  // 59 s left: refresh
    const std::string second = f.bearer();
    f.clock.now_ += seconds(250);
    const std::string third = f.bearer();

    CHECK(f.upstream.refresh_tokens_used == std::vector<std::string>{"refresh-1", "refresh-2"});
    CHECK(second == f.upstream.issued.at(2));
    CHECK(third == f.upstream.issued.at(4));
    CHECK(f.upstream.exchanges == 1);
    CHECK_THAT(f.page(),
               Catch::Contains(
                   R"(engagevoice_auth_token_refreshes_total{account_id="15300002",result="success"} 2)"));
}

TEST_CASE("a short-lived token is refreshed when half its life has passed", "[session]") {
    Fixture f;
    f.upstream.lifetime = seconds(4);
    (void)f.bearer();

    f.clock.now_ += seconds(1);
    (void)f.bearer();
    CHECK(f.upstream.refresh_tokens_used.empty());
    f.clock.now_ += seconds(2);
    (void)f.bearer();
    CHECK(f.upstream.refresh_tokens_used.size() == 1);
}

TEST_CASE("a refused refresh signs in again, reusing the platform token", "[session]") {
    Fixture f;
    (void)f.bearer();
    f.upstream.refresh_status = 401;
    f.clock.now_ += seconds(400);

    const std::string token = f.bearer();

    CHECK(token == f.upstream.issued.at(2));
    CHECK(f.upstream.refresh_tokens_used == std::vector<std::string>{"refresh-1"});
    CHECK(f.upstream.exchanges == 2);
    CHECK(f.upstream.ringcentral_grants == 1);
    CHECK_THAT(f.log_text.str(), Catch::Contains("token refresh refused; signing in again"));
    CHECK_THAT(f.page(),
               Catch::Contains(
                   R"(engagevoice_auth_token_refreshes_total{account_id="15300002",result="refused"} 1)"));
    CHECK_THAT(f.page(), Catch::Contains(
                             R"(engagevoice_auth_sign_ins_total{account_id="15300002",result="success"} 2)"));
}

TEST_CASE("a refresh that fails for another reason fails the call and is never retried",
          "[session]") {
    Fixture f;
    (void)f.bearer();
    f.upstream.refresh_status = 503;
    f.clock.now_ += seconds(400);

    auto failed = f.source().headers(soon());
    REQUIRE_FALSE(failed);
    CHECK(failed.error().kind == ev::PollError::Kind::Http);
    CHECK(f.upstream.exchanges == 1);
    CHECK_THAT(f.source().status().last_error, Catch::StartsWith("http: Engage token refresh"));

    // The refresh token was spent: the next call signs in rather than send it again.
    f.upstream.refresh_status = 200;
    (void)f.bearer();
    CHECK(f.upstream.refresh_tokens_used == std::vector<std::string>{"refresh-1"});
    CHECK(f.upstream.exchanges == 2);
    CHECK(f.source().status().last_error.empty());
}

TEST_CASE("invalidate makes the next call refresh a token that looked fresh", "[session]") {
    Fixture f;
    const std::string first = f.bearer();

    CHECK(f.source().invalidate());
    const std::string second = f.bearer();

    CHECK(second != first);
    CHECK(f.upstream.refresh_tokens_used == std::vector<std::string>{"refresh-1"});
}

TEST_CASE("no more than five sign-ins a minute, whatever the upstream answers", "[session]") {
    Fixture f;
    f.upstream.exchange_status = 401;

    for (int i = 0; i < 5; ++i) {
        auto refused = f.source().headers(soon());
        REQUIRE_FALSE(refused);
        CHECK(refused.error().kind == ev::PollError::Kind::Auth);
        f.clock.now_ += seconds(5);
    }
    auto limited = f.source().headers(soon());

    REQUIRE_FALSE(limited);
    CHECK(limited.error().kind == ev::PollError::Kind::RateLimited);
    CHECK(limited.error().retry_after == seconds(35));
    CHECK(limited.error().message == "sign-in limit reached (5 a minute); next attempt in 35s");
    CHECK(f.upstream.exchanges == 5);
    CHECK_THAT(f.page(),
               Catch::Contains(
                   R"(engagevoice_auth_sign_ins_total{account_id="15300002",result="refused"} 5)"));
    CHECK_THAT(f.page(),
               Catch::Contains(
                   R"(engagevoice_auth_sign_ins_total{account_id="15300002",result="rate_limited"} 1)"));

    f.clock.now_ = kStart + seconds(60);
    f.upstream.exchange_status = 200;
    (void)f.bearer();
    CHECK(f.upstream.exchanges == 6);
}

TEST_CASE("a refused exchange drops the platform token so the next sign-in gets a new one",
          "[session]") {
    Fixture f;
    f.upstream.exchange_status = 401;
    REQUIRE_FALSE(f.source().headers(soon()));
    f.upstream.exchange_status = 200;
    (void)f.bearer();

    CHECK(f.upstream.ringcentral_grants == 2);
}

TEST_CASE("the Engage login reads its password file again at each sign-in", "[session]") {
    const fs::path dir = fs::temp_directory_path() / "engagevoice_session_password";
    fs::create_directories(dir);
    const fs::path file = dir / "password";
    std::ofstream(file) << "password-one\n";
    Fixture f(ev::AuthConfig::Mode::EngageLogin);
    f.auth.password = ev::Secret::from_file(file.string());
    f.upstream.refresh_status = 401;

    (void)f.bearer();
    std::ofstream(file) << "password-two\n";
    f.clock.now_ += seconds(400);
    (void)f.bearer();

    CHECK(f.upstream.passwords == std::vector<std::string>{"password-one", "password-two"});
    CHECK(f.source().status().mode == "engage_login");
    fs::remove_all(dir);
}

TEST_CASE("an unreadable secret fails the sign-in naming the key, before any request",
          "[session]") {
    Fixture f;
    f.auth.jwt = ev::Secret::from_file("/nonexistent/engage/jwt");

    auto failed = f.source().headers(soon());

    REQUIRE_FALSE(failed);
    CHECK(failed.error().kind == ev::PollError::Kind::Auth);
    CHECK_THAT(failed.error().message,
               Catch::StartsWith("cannot read auth.jwt: cannot read file /nonexistent/engage/jwt"));
    CHECK(f.upstream.ringcentral_grants == 0);
}

TEST_CASE("no token or secret reaches the log, even at debug level", "[session]") {
    Fixture f;
    f.upstream.lifetime = seconds(4);
    (void)f.bearer();
    f.clock.now_ += seconds(3);
    (void)f.bearer();
    f.upstream.refresh_status = 401;
    f.clock.now_ += seconds(10);
    (void)f.bearer();

    const std::string log = f.log_text.str();
    CHECK_THAT(log, Catch::Contains("signed in"));
    CHECK_THAT(log, Catch::Contains("access token refreshed"));
    REQUIRE(f.upstream.issued.size() >= 6);
    for (const auto& token : f.upstream.issued) {
        CHECK(log.find(token) == std::string::npos);
    }
    for (const char* secret : {"client-secret-value", "jwt-assertion-value", "rc-token"}) {
        CHECK(log.find(secret) == std::string::npos);
        CHECK(f.page().find(secret) == std::string::npos);
    }
}

TEST_CASE("an error answer that echoes every secret of the account logs none of them",
          "[session]") {
    Fixture f;
    f.upstream.echo_on_failure = true;
    (void)f.bearer();
    f.clock.now_ += seconds(290);
    (void)f.bearer();  // refreshed: the first tokens are gone, but may still be echoed
    f.upstream.refresh_status = 401;
    f.upstream.exchange_status = 403;
    f.clock.now_ += seconds(290);
    auto headers = f.source().headers(soon());
    REQUIRE_FALSE(headers);

    const std::string log = f.log_text.str();
    CHECK_THAT(log, Catch::Contains("token refresh refused"));
    CHECK_THAT(log, Catch::Contains(
                        "refused /api/auth/token/refresh <secret> <secret> <secret> <secret>"));
    CHECK_THAT(headers.error().body_excerpt,
               Catch::StartsWith(
                   "refused /api/auth/login/rc/accesstoken?includeRefresh=true <secret> <secret> "
                   "<secret> <secret>"));
    REQUIRE(f.upstream.issued.size() == 4);
    for (const auto& token : f.upstream.issued) {
        CHECK(log.find(token) == std::string::npos);
        CHECK(headers.error().body_excerpt.find(token) == std::string::npos);
    }
    for (const char* secret : {"client-secret-value", "jwt-assertion-value", "rc-token",
                               "rc-refresh", "Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQtdmFsdWU="}) {
        CHECK(log.find(secret) == std::string::npos);
        CHECK(headers.error().body_excerpt.find(secret) == std::string::npos);
    }
}

TEST_CASE("a session source lists every secret it holds", "[session]") {
    SECTION("RingCentral JWT") {
        Fixture f;
        (void)f.bearer();
        const auto secrets = f.source().secrets();
        const auto has = [&](const std::string& value) {
            return std::find(secrets.begin(), secrets.end(), value) != secrets.end();
        };
        CHECK(has("client-id"));
        CHECK(has("client-secret-value"));
        CHECK(has("jwt-assertion-value"));
        CHECK(has(ev::base64_encode("client-id:client-secret-value")));
        CHECK(has("rc-token"));
        CHECK(has("rc-refresh"));
        CHECK(has(f.upstream.issued.at(0)));
        CHECK(has(f.upstream.issued.at(1)));
        CHECK_FALSE(has(""));
    }
    SECTION("Engage login") {
        Fixture f(ev::AuthConfig::Mode::EngageLogin);
        (void)f.bearer();
        const auto secrets = f.source().secrets();
        CHECK(std::find(secrets.begin(), secrets.end(), "admin") != secrets.end());
        CHECK(std::find(secrets.begin(), secrets.end(), "password-one") != secrets.end());
    }

    ev::StaticTokenSource fixed(ev::StaticTokenSource::Style::Bearer,
                                ev::Secret::from_inline("static-token"));
    CHECK(fixed.secrets().empty());  // its one secret is in the headers it gives
}

TEST_CASE("the sign-in limiter frees a slot a window after it was taken", "[session]") {
    ev::SignInLimiter limiter(2, seconds(60));
    CHECK_FALSE(limiter.acquire(kStart));
    CHECK_FALSE(limiter.acquire(kStart + seconds(10)));
    CHECK(limiter.acquire(kStart + seconds(20)) == seconds(40));
    CHECK(limiter.acquire(kStart + std::chrono::milliseconds(59'500)) == seconds(1));
    CHECK_FALSE(limiter.acquire(kStart + seconds(60)));
    CHECK(limiter.acquire(kStart + seconds(61)) == seconds(9));
}

TEST_CASE("a rejected session signs in afresh, with a new platform token", "[session]") {
    Fixture f;
    const std::string first = f.bearer();

    f.source().rejected();
    CHECK_FALSE(f.source().status().token_expiry);
    const std::string second = f.bearer();

    CHECK(second != first);
    CHECK(f.upstream.ringcentral_grants == 2);
    CHECK(f.upstream.exchanges == 2);
    CHECK(f.upstream.refresh_tokens_used.empty());
}

TEST_CASE("the landing page never shows a dropped token as valid", "[session]") {
    Fixture f;
    (void)f.bearer();
    REQUIRE(f.source().status().token_expiry);

    f.source().invalidate();
    CHECK_FALSE(f.source().status().token_expiry);

    f.upstream.refresh_status = 503;
    REQUIRE_FALSE(f.source().headers(soon()));
    CHECK_FALSE(f.source().status().token_expiry);
}
