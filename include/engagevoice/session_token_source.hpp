// Tokens that expire: the ringcentral_jwt and engage_login sign-ins, with refresh.
//
// A SessionTokenSource signs in when it has no token, refreshes the access token before it
// expires (keeping the refresh token that comes back, which replaces the old one), and signs in
// again when a refresh fails. Full sign-ins are limited to a few a minute whatever the upstream
// answers, since the upstream's exchange allows only five. Secrets are read at each sign-in, so
// a rotated Kubernetes Secret is picked up without a restart.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engagevoice/sign_in.hpp"
#include "engagevoice/token_source.hpp"

namespace engagevoice {

// At most `calls` acquisitions in any `window`. Thread-safe: one limiter serves an account across
// configuration reloads, when an old and a new token source may overlap.
class SignInLimiter {
public:
    SignInLimiter(std::size_t calls, std::chrono::seconds window);

    // Takes a slot at `now` and returns nullopt, or takes none and returns how long until one
    // frees (at least a second).
    std::optional<std::chrono::seconds> acquire(std::chrono::system_clock::time_point now);

private:
    std::size_t calls_;
    std::chrono::seconds window_;
    std::mutex mutex_;
    std::deque<std::chrono::system_clock::time_point> taken_;
};

// Five exchanges a minute, as the upstream allows.
inline constexpr std::size_t kSignInsPerWindow = 5;
inline constexpr std::chrono::seconds kSignInWindow{60};

class SessionTokenSource final : public TokenSource {
public:
    // `auth.mode` must be ringcentral_jwt or engage_login. The client is the source's own.
    SessionTokenSource(AuthConfig auth, Url ringcentral_url, Url auth_url,
                       std::unique_ptr<HttpsClient> client, TokenSourceContext context,
                       std::string account_id);

    // A valid access token as `Authorization: Bearer`, refreshed or signed in for first when
    // it would expire within its refresh margin (half its lifetime, at most a minute).
    Result<HeaderList> headers(std::chrono::steady_clock::time_point deadline) override;
    // Forgets the access token, so the next headers() refreshes it. Always true.
    bool invalidate() override;
    // Drops the access, refresh and platform tokens.
    void rejected() override;
    // The credentials last read (client id and secret, JWT, HTTP Basic value, username and
    // password), every token held (access, refresh and platform tokens) and the last ones let
    // go of, as they are: safe_excerpt looks for their encoded forms.
    std::vector<std::string> secrets() const override;
    AuthStatus status() const override;

private:
    bool fresh(std::chrono::system_clock::time_point now) const;
    Result<EngageTokens> refresh(std::chrono::steady_clock::time_point deadline);
    Result<EngageTokens> sign_in(std::chrono::steady_clock::time_point deadline);
    Result<EngageTokens> sign_in_with_jwt(std::chrono::steady_clock::time_point deadline);
    Result<EngageTokens> sign_in_with_login(std::chrono::steady_clock::time_point deadline);
    HeaderList keep(EngageTokens tokens, bool signed_in);
    void failed(const PollError& error);
    // Forgets the access token, and says so on the landing page.
    void drop_access_token();
    // Forgets the RingCentral platform token, keeping its tokens among the retired ones.
    void drop_ringcentral_token();
    // Keeps `token` among the retired ones, the oldest of which go.
    void retire(std::string token);

    AuthConfig auth_;
    std::unique_ptr<HttpsClient> client_;
    const Clock& clock_;
    AccountMetrics metrics_;
    Logger log_;
    std::string account_id_;
    SignInApi api_;
    std::shared_ptr<SignInLimiter> limiter_;

    // Used by the polling thread only.
    EngageTokens tokens_;
    // The last tokens let go of (spent, expired, dropped, replaced): the upstream may still
    // echo them, so secrets() lists them too.
    std::deque<std::string> retired_;
    std::vector<std::string> credentials_;  // the values read at the last sign-in
    std::chrono::system_clock::time_point obtained_at_;
    std::optional<RingCentralToken> ringcentral_token_;

    mutable std::mutex status_mutex_;
    AuthStatus status_;
};

// The result label of a failed sign-in or refresh.
SignInResult sign_in_result(const PollError& error);

}  // namespace engagevoice
