// The sign-in side of the simulated Engage Voice API: the RingCentral JWT grant, the token
// exchange, the direct engage login and the refresh with rotating refresh tokens.
//
// MockAuth issues the tokens, remembers which are current, expired or used, applies the sign-in
// rate limit and counts what it saw, so that a test can prove how a client signed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "engagevoice/clock.hpp"
#include "engagevoice/http_server.hpp"

namespace engagevoice {

struct MockAuthOptions {
    // The RingCentral JWT flow: HTTP Basic client credentials and the JWT assertion. The flow
    // refuses every request while any of the three is empty.
    std::string client_id;
    std::string client_secret;
    std::string jwt;

    // The direct engage login. Refuses every request while any of the three is empty.
    std::string username;
    std::string password;
    std::string platform_id;

    std::chrono::seconds access_token_lifetime{std::chrono::minutes(5)};  // engage access token
    std::chrono::seconds refresh_token_lifetime{std::chrono::hours(10)};  // engage refresh token
    std::chrono::seconds ringcentral_token_lifetime{std::chrono::hours(1)};

    // Exchanges and engage logins together allowed per sliding minute; 429 beyond.
    int exchange_limit = 5;
};

// What the mock saw since it started, as GET /mock/stats shows it. Sign-in counters count
// answers: grants, exchanges, logins and refreshes count 200s only. A fault that delays or cuts
// an answer leaves it counted as it was; an answer a fault replaced counts in faults_injected
// only (report_requests counts every request to a report endpoint).
struct MockStats {
    std::uint64_t ringcentral_token_grants = 0;
    std::uint64_t exchanges = 0;
    std::uint64_t admin_logins = 0;
    std::uint64_t refreshes = 0;
    std::uint64_t refresh_token_reuses = 0;      // a rotated-out refresh token presented again
    std::uint64_t refresh_tokens_expired = 0;    // an expired refresh token presented
    std::uint64_t sign_ins_rate_limited = 0;     // 429s of the exchange and the engage login
    std::uint64_t sign_in_failures = 0;          // 4xx of any sign-in endpoint but 429
    std::uint64_t access_tokens_issued = 0;      // engage access tokens
    std::uint64_t expired_token_rejections = 0;  // report requests with an expired access token
    std::uint64_t report_requests = 0;           // every request to a report endpoint
    std::uint64_t report_unauthorized = 0;       // of those, answered 401
    std::uint64_t faults_injected = 0;           // requests answered by a planned fault
};

// The stats as a JSON object with the field names of MockStats.
std::string stats_json(const MockStats& stats);

// "90", "90s", "5m", "1h", "2d": a positive whole number of seconds, minutes, hours or days.
// nullopt for anything else, zero, or more than ten years.
std::optional<std::chrono::seconds> parse_mock_duration(std::string_view text);

class MockAuth {
public:
    enum class TokenState { Current, Expired, Unknown };

    // Throws std::invalid_argument when a lifetime is not positive or the limit is below 1.
    // `account_id` goes into sign-in answers; with `dump_dir` set, every issued token is
    // appended to `<dump_dir>/issued_tokens.txt`, one a line.
    MockAuth(MockAuthOptions options, std::string account_id, std::string dump_dir,
             std::shared_ptr<const Clock> clock);

    // The four sign-in endpoints. None throws for any input, and each is thread-safe: the
    // tokens, the rate window and the counters sit behind one mutex. Engage errors have the JSON
    // shape of the Engage Voice API, RingCentral errors the OAuth shape {error,
    // error_description}.

    // POST /restapi/oauth/token: HTTP Basic client credentials and the form fields grant_type
    // (jwt-bearer) and assertion. 200 with RingCentral tokens; 401 invalid_client; 400
    // invalid_request (not a form), unsupported_grant_type or invalid_grant.
    ServerResponse ringcentral_token(const ServerRequest& request);

    // POST /api/auth/login/rc/accesstoken?includeRefresh=true with the form fields
    // rcAccessToken and rcTokenType=Bearer. 200 with engage tokens, a refresh token only with
    // includeRefresh=true; 401 for a RingCentral token unknown or expired; 400 or 415 for a
    // malformed request; 429 with Retry-After beyond the rate limit.
    ServerResponse exchange(const ServerRequest& request);

    // POST /api/auth/login/admin?username=..&password=..&platformId=.. (a body is ignored). 200
    // with engage tokens and a refresh token; 401 for wrong or unset credentials; 429 as above.
    ServerResponse admin_login(const ServerRequest& request);

    // POST /api/auth/token/refresh with the form field refresh_token (rcTokenType=Bearer may
    // come along). 200 with a new access and a new refresh token, after which the one presented
    // is dead; 401 for an unknown, used or expired refresh token. Not rate limited.
    ServerResponse refresh(const ServerRequest& request);

    // Whether `token` is an engage access token this mock issued, and whether it is still
    // current by the clock. Counts nothing. Thread-safe.
    TokenState access_token_state(std::string_view token) const;

    // The sign-in counters; the report counters are left 0. Thread-safe.
    MockStats stats() const;

    // True when at least one sign-in flow has all its credentials.
    bool can_sign_in() const;

private:
    struct Issued {
        std::chrono::system_clock::time_point expires;
        bool used = false;  // refresh tokens only: rotated out
    };

    ServerResponse ringcentral_token_locked(const ServerRequest& request);
    ServerResponse exchange_locked(const ServerRequest& request);
    ServerResponse admin_login_locked(const ServerRequest& request);
    ServerResponse refresh_locked(const ServerRequest& request);
    ServerResponse issue_ringcentral_tokens();
    ServerResponse issue_engage_tokens(bool with_refresh);
    std::optional<ServerResponse> rate_limited();
    std::optional<ServerResponse> refresh_token_refused(const std::string& token);
    std::string new_access_token(std::chrono::system_clock::time_point now);
    std::string random_token();
    std::string random_bytes(std::size_t count);
    void count_answer(const ServerResponse& response, std::uint64_t& successes);
    void record_issued(const std::string& token);
    void forget_long_expired(std::chrono::system_clock::time_point now);

    MockAuthOptions options_;
    std::string account_id_;
    std::string dump_dir_;
    std::shared_ptr<const Clock> clock_;

    mutable std::mutex mutex_;
    std::mt19937_64 random_;
    std::uint64_t next_token_id_ = 1;
    std::map<std::string, Issued, std::less<>> ringcentral_tokens_;
    std::map<std::string, Issued, std::less<>> access_tokens_;
    std::map<std::string, Issued, std::less<>> refresh_tokens_;
    std::deque<std::chrono::system_clock::time_point> sign_in_window_;
    MockStats stats_;
};

}  // namespace engagevoice
