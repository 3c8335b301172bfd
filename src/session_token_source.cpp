#include "engagevoice/session_token_source.hpp"

#include <algorithm>
#include <utility>

#include "engagevoice/encoding.hpp"

namespace engagevoice {
namespace {

using std::chrono::system_clock;
using Deadline = std::chrono::steady_clock::time_point;

constexpr std::chrono::seconds kMaxRefreshMargin{60};
// A RingCentral token is not used for an exchange this close to its expiry.
constexpr std::chrono::seconds kRingCentralMargin{60};

std::string key_of(const char* name) {
    return std::string("auth.") + name;
}

// The value of a secret for a sign-in, or a Kind::Auth error naming the key and where the value
// was to come from, never the value.
Result<std::string> read_secret(const Secret& secret, const char* name) {
    std::string error;
    auto value = secret.resolve(&error);
    if (!value) {
        return make_error(PollError::Kind::Auth, "cannot read " + key_of(name) + ": " + error);
    }
    return std::move(*value);
}

double seconds_between(system_clock::time_point from, system_clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

}  // namespace

SignInLimiter::SignInLimiter(std::size_t calls, std::chrono::seconds window)
    : calls_(calls), window_(window) {}

std::optional<std::chrono::seconds> SignInLimiter::acquire(system_clock::time_point now) {
    std::lock_guard lock(mutex_);
    while (!taken_.empty() && taken_.front() + window_ <= now) {
        taken_.pop_front();
    }
    if (taken_.size() < calls_) {
        taken_.push_back(now);
        return std::nullopt;
    }
    const auto wait = std::chrono::ceil<std::chrono::seconds>(taken_.front() + window_ - now);
    return std::max(wait, std::chrono::seconds(1));
}

SignInResult sign_in_result(const PollError& error) {
    switch (error.kind) {
        case PollError::Kind::Auth:
            return SignInResult::Refused;
        case PollError::Kind::RateLimited:
            return SignInResult::RateLimited;
        default:
            return SignInResult::Error;
    }
}

SessionTokenSource::SessionTokenSource(AuthConfig auth, Url ringcentral_url, Url auth_url,
                                       std::unique_ptr<HttpsClient> client,
                                       TokenSourceContext context, std::string account_id)
    : auth_(std::move(auth)),
      client_(std::move(client)),
      clock_(context.clock),
      metrics_(context.metrics),
      log_(context.log),
      account_id_(std::move(account_id)),
      api_(std::move(ringcentral_url), std::move(auth_url), *client_, context.clock,
           [metrics = context.metrics](const std::string& endpoint, int status) mutable {
               metrics.api_request(endpoint, status);
           },
           [this] { return secrets(); }),
      limiter_(context.limiter ? context.limiter
                               : std::make_shared<SignInLimiter>(kSignInsPerWindow,
                                                                 kSignInWindow)) {
    status_.mode = auth_mode_name(auth_.mode);
    status_.signs_in = true;
}

bool SessionTokenSource::fresh(system_clock::time_point now) const {
    if (tokens_.access_token.empty()) {
        return false;
    }
    const auto lifetime = tokens_.expires_at - obtained_at_;
    const auto margin = std::min<system_clock::duration>(lifetime / 2, kMaxRefreshMargin);
    return now + margin < tokens_.expires_at;
}

Result<HeaderList> SessionTokenSource::headers(Deadline deadline) {
    if (fresh(clock_.now())) {
        return HeaderList{{"Authorization", "Bearer " + tokens_.access_token}};
    }
    if (!tokens_.refresh_token.empty()) {
        auto refreshed = refresh(deadline);
        if (refreshed) {
            return keep(std::move(*refreshed), false);
        }
        // A refusal means the refresh token is dead: sign in again. Anything else would fail
        // the sign-in the same way, or spend it on an upstream that is throttling us.
        if (refreshed.error().kind != PollError::Kind::Auth) {
            failed(refreshed.error());
            return refreshed.error();
        }
        log_.warn("token refresh refused; signing in again",
                  {{"account_id", account_id_},
                   {"err", refreshed.error().message},
                   {"body", refreshed.error().body_excerpt}});
    }
    auto signed_in = sign_in(deadline);
    if (!signed_in) {
        failed(signed_in.error());
        return signed_in.error();
    }
    return keep(std::move(*signed_in), true);
}

Result<EngageTokens> SessionTokenSource::refresh(Deadline deadline) {
    // The refresh token is spent by this call whatever happens: using it twice could be
    // taken by the upstream as a stolen token.
    const std::string refresh_token = std::exchange(tokens_.refresh_token, {});
    retire(refresh_token);
    drop_access_token();
    auto refreshed = api_.refresh(refresh_token, deadline);
    metrics_.token_refresh(refreshed ? SignInResult::Success
                                     : sign_in_result(refreshed.error()));
    return refreshed;
}

Result<EngageTokens> SessionTokenSource::sign_in(Deadline deadline) {
    const auto wait = limiter_->acquire(clock_.now());
    if (wait) {
        metrics_.sign_in(SignInResult::RateLimited);
        PollError error = make_error(PollError::Kind::RateLimited,
                                     "sign-in limit reached (" + std::to_string(kSignInsPerWindow) +
                                         " a minute); next attempt in " +
                                         std::to_string(wait->count()) + "s");
        error.retry_after = *wait;
        return error;
    }
    auto signed_in = auth_.mode == AuthConfig::Mode::RingCentralJwt
                         ? sign_in_with_jwt(deadline)
                         : sign_in_with_login(deadline);
    metrics_.sign_in(signed_in ? SignInResult::Success : sign_in_result(signed_in.error()));
    return signed_in;
}

Result<EngageTokens> SessionTokenSource::sign_in_with_jwt(Deadline deadline) {
    if (!ringcentral_token_ || ringcentral_token_->expires_at - kRingCentralMargin <= clock_.now()) {
        drop_ringcentral_token();
        auto client_id = read_secret(auth_.client_id, "client_id");
        auto client_secret = read_secret(auth_.client_secret, "client_secret");
        auto jwt = read_secret(auth_.jwt, "jwt");
        for (const auto* value : {&client_id, &client_secret, &jwt}) {
            if (!*value) {
                return value->error();
            }
        }
        credentials_ = {*client_id, *client_secret, *jwt,
                        base64_encode(*client_id + ":" + *client_secret)};
        auto token = api_.ringcentral_token({*client_id, *client_secret, *jwt}, deadline);
        if (!token) {
            return token.error();
        }
        ringcentral_token_ = std::move(*token);
    }
    auto tokens = api_.exchange(ringcentral_token_->access_token, deadline);
    if (!tokens && tokens.error().kind == PollError::Kind::Auth) {
        // The platform token may have been revoked: the next attempt gets a new one.
        drop_ringcentral_token();
    }
    return tokens;
}

Result<EngageTokens> SessionTokenSource::sign_in_with_login(Deadline deadline) {
    auto username = read_secret(auth_.username, "username");
    auto password = read_secret(auth_.password, "password");
    if (!username) {
        return username.error();
    }
    if (!password) {
        return password.error();
    }
    credentials_ = {*username, *password};
    return api_.admin_login({*username, *password, auth_.platform_id}, deadline);
}

HeaderList SessionTokenSource::keep(EngageTokens tokens, bool signed_in) {
    const auto now = clock_.now();
    retire(std::move(tokens_.access_token));
    retire(std::move(tokens_.refresh_token));
    tokens_ = std::move(tokens);
    obtained_at_ = now;
    metrics_.token_expiry(tokens_.expires_at);
    {
        std::lock_guard lock(status_mutex_);
        status_.token_expiry = tokens_.expires_at;
        if (signed_in) {
            status_.last_sign_in = now;
        }
        status_.last_error.clear();
    }
    const std::initializer_list<LogField> fields{
        {"account_id", account_id_},
        {"mode", status_.mode},
        {"expires_in_seconds", seconds_between(now, tokens_.expires_at)},
        {"refresh_token", tokens_.refresh_token.empty() ? "none" : "received"}};
    log_.log(signed_in ? LogLevel::Info : LogLevel::Debug,
             signed_in ? "signed in" : "access token refreshed", fields);
    return HeaderList{{"Authorization", "Bearer " + tokens_.access_token}};
}

void SessionTokenSource::failed(const PollError& error) {
    std::lock_guard lock(status_mutex_);
    status_.last_error = std::string(reason_label(error.kind)) + ": " + error.message;
}

bool SessionTokenSource::invalidate() {
    drop_access_token();
    return true;
}

void SessionTokenSource::rejected() {
    drop_access_token();
    retire(std::exchange(tokens_.refresh_token, {}));
    drop_ringcentral_token();
    log_.info("credentials refused by the API; signing in again at the next poll",
              {{"account_id", account_id_}});
}

void SessionTokenSource::drop_access_token() {
    retire(std::exchange(tokens_.access_token, {}));
    std::lock_guard lock(status_mutex_);
    status_.token_expiry.reset();
}

void SessionTokenSource::drop_ringcentral_token() {
    if (ringcentral_token_) {
        retire(std::move(ringcentral_token_->access_token));
        retire(std::move(ringcentral_token_->refresh_token));
    }
    ringcentral_token_.reset();
}

void SessionTokenSource::retire(std::string token) {
    // Enough for the tokens of a few sign-ins: what was sent before them is long gone.
    constexpr std::size_t kRetiredTokens = 8;
    if (token.empty() || std::find(retired_.begin(), retired_.end(), token) != retired_.end()) {
        return;
    }
    retired_.push_back(std::move(token));
    if (retired_.size() > kRetiredTokens) {
        retired_.pop_front();
    }
}

std::vector<std::string> SessionTokenSource::secrets() const {
    std::vector<std::string> values = credentials_;
    values.push_back(tokens_.access_token);
    values.push_back(tokens_.refresh_token);
    values.insert(values.end(), retired_.begin(), retired_.end());
    if (ringcentral_token_) {
        values.push_back(ringcentral_token_->access_token);
        values.push_back(ringcentral_token_->refresh_token);
    }
    values.erase(std::remove(values.begin(), values.end(), std::string{}), values.end());
    return values;
}

AuthStatus SessionTokenSource::status() const {
    std::lock_guard lock(status_mutex_);
    return status_;
}

}  // namespace engagevoice
