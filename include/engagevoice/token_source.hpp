// How a poll proves who it is to the upstream API.
//
// A TokenSource gives the headers that authenticate one API call. The static sources read their
// token from a Secret on every call, so a rotated file takes effect on the next poll; the
// session sources (session_token_source.hpp) sign in and refresh tokens that expire.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engagevoice/auth_status.hpp"
#include "engagevoice/clock.hpp"
#include "engagevoice/config.hpp"
#include "engagevoice/exporter_metrics.hpp"
#include "engagevoice/http_headers.hpp"
#include "engagevoice/https_client.hpp"
#include "engagevoice/logging.hpp"
#include "engagevoice/result.hpp"

namespace engagevoice {

class TokenSource {
public:
    virtual ~TokenSource() = default;

    // The headers to send with the next API call, all before `deadline`. Fails with Kind::Auth
    // when no credential can be had, or with the kind of the sign-in's failure; the message
    // never holds a credential. Called from one thread at a time.
    virtual Result<HeaderList> headers(std::chrono::steady_clock::time_point deadline) = 0;

    // Told that the API answered that the token last given has expired. Returns true when
    // trying again with fresh headers may help (a refreshable token); a static token returns
    // false.
    virtual bool invalidate() = 0;

    // Told that the API refused the headers last given for another reason than expiry (a 401
    // or 403 that does not say expired: a revoked token, an upstream that forgot its sessions).
    // A session source drops every token it holds, so the next poll signs in afresh; a static
    // token has nothing to drop.
    virtual void rejected() {}

    // Every credential and token this source has read, been given or sent that the upstream
    // could echo back (an HTTP Basic value included): the caller blanks them all, in each of
    // their secret_forms, out of an upstream's answer before logging its start, so an error
    // body cannot leak a secret that another request carried. Called from the polling thread.
    virtual std::vector<std::string> secrets() const { return {}; }

    // Thread-safe, for the landing page.
    virtual AuthStatus status() const = 0;
};

// `X-Auth-Token: <token>` for api_token, `Authorization: Bearer <token>` for bearer_token.
class StaticTokenSource final : public TokenSource {
public:
    enum class Style { XAuthToken, Bearer };

    StaticTokenSource(Style style, Secret token);

    Result<HeaderList> headers(std::chrono::steady_clock::time_point deadline) override;
    bool invalidate() override { return false; }
    AuthStatus status() const override;

private:
    Style style_;
    Secret token_;
};

class SignInLimiter;

// What a session source needs beside the configuration. The clock must outlive the source.
struct TokenSourceContext {
    const Clock& clock;
    AccountMetrics metrics;
    Logger log;
    // Options for the source's own client (CA file, proxy, user agent).
    HttpsClientOptions client_options;
    // The account's limit on sign-ins, kept across reloads so that reloading cannot sign in
    // more often; null for a limiter of the source's own.
    std::shared_ptr<SignInLimiter> limiter = nullptr;
};

// The source for an account's auth mode. `file` and `key` name the configuration file and the
// auth section ("accounts[0].auth") in errors: throws ConfigError when an auth URL does not
// parse or the client cannot be made (an unreadable CA file).
std::unique_ptr<TokenSource> make_token_source(const AccountConfig& account,
                                               TokenSourceContext context,
                                               const std::string& file, const std::string& key);

// True for the modes that sign in and hold tokens that expire.
bool signs_in(AuthConfig::Mode mode);

}  // namespace engagevoice
