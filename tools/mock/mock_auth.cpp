#include "mock_auth.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "engagevoice/encoding.hpp"
#include "mock_http.hpp"

namespace engagevoice {

namespace {

using nlohmann::json;
using std::chrono::system_clock;

constexpr std::string_view kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
constexpr auto kRateWindow = std::chrono::seconds(60);
constexpr auto kRingCentralRefreshLifetime = std::chrono::hours(24 * 7);
// Expired tokens are kept this long, so that a late one is still told apart from a forged one,
// and then dropped, so that a long demo does not grow without end.
constexpr auto kForgetAfter = std::chrono::hours(24);
constexpr std::int64_t kAgentId = 100001;
constexpr std::int64_t kAdminId = 200001;

std::int64_t unix_seconds(system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

ServerResponse json_response(const json& body) {
    ServerResponse response;
    response.content_type = "application/json;charset=UTF-8";
    response.body = body.dump();
    return response;
}

// The RingCentral platform's errors follow OAuth 2.0 (RFC 6749 section 5.2).
ServerResponse oauth_error(int status, std::string_view error, std::string_view description) {
    auto response = json_response({{"error", error}, {"error_description", description}});
    response.status = status;
    if (status == 401) {
        response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"RingCentral\"");
    }
    return response;
}

ServerResponse sign_in_refused(std::string_view developer) {
    return engage_error(401, "UNAUTHORIZED", "Authentication failed", developer);
}

ServerResponse bad_sign_in(std::string_view developer) {
    return engage_error(400, "INVALID_REQUEST", "Invalid sign-in request", developer);
}

ServerResponse not_a_form() {
    return engage_error(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                        "the request body must be application/x-www-form-urlencoded");
}

// The value of the first field called `name`, or nullopt.
std::optional<std::string> field(const FormFields& fields, std::string_view name) {
    for (const auto& [key, value] : fields) {
        if (key == name) {
            return value;
        }
    }
    return std::nullopt;
}

// The fields of a RingCentral request's form body; nullopt for another content type or a bad
// escape.
std::optional<FormFields> form_body(const ServerRequest& request) {
    if (!has_media_type(request.header("Content-Type"), kFormType)) {
        return std::nullopt;
    }
    return parse_form(request.body);
}

// Reads an Engage request's form body into `fields`; the answer to send instead when the body
// is not a form.
std::optional<ServerResponse> read_form(const ServerRequest& request, FormFields& fields) {
    if (!has_media_type(request.header("Content-Type"), kFormType)) {
        return not_a_form();
    }
    auto parsed = parse_form(request.body);
    if (!parsed) {
        return bad_sign_in("the form body is malformed");
    }
    fields = std::move(*parsed);
    return std::nullopt;
}

std::optional<FormFields> query_fields(const ServerRequest& request) {
    auto question = request.target.find('?');
    if (question == std::string::npos) {
        return FormFields{};
    }
    return parse_form(std::string_view(request.target).substr(question + 1));
}

// "Basic base64(id:secret)" naming the configured client. Both must be set.
bool right_client(std::string_view authorization, std::string_view id, std::string_view secret) {
    authorization = trim_blanks(authorization);
    constexpr std::string_view kScheme = "basic ";
    if (id.empty() || secret.empty() || authorization.size() <= kScheme.size() ||
        !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
        return false;
    }
    auto decoded = base64_decode(trim_blanks(authorization.substr(kScheme.size())));
    if (!decoded) {
        return false;
    }
    auto colon = decoded->find(':');
    if (colon == std::string::npos) {
        return false;
    }
    // Both halves are compared, so that the time taken does not tell which one was wrong.
    bool id_ok = same_token(std::string_view(*decoded).substr(0, colon), id);
    bool secret_ok = same_token(std::string_view(*decoded).substr(colon + 1), secret);
    return id_ok && secret_ok;
}

// The one agent a sign-in answer describes: the account's administrator.
json agent_details(const std::string& account_id) {
    return json::array({{{"agentId", kAgentId},
                         {"firstName", "Mock"},
                         {"lastName", "Administrator"},
                         {"agentType", "AGENT"},
                         {"accountId", account_id},
                         {"accountName", "Simulated contact centre"},
                         {"agentGroupId", 1},
                         {"allowLoginControl", true}}});
}

// Seconds in one unit of a duration suffix; 0 for an unknown suffix.
std::int64_t unit_seconds(char suffix) {
    switch (suffix) {
        case 's':
            return 1;
        case 'm':
            return 60;
        case 'h':
            return 3600;
        case 'd':
            return 86400;
        default:
            return 0;
    }
}

}  // namespace

std::string stats_json(const MockStats& stats) {
    return json{
        {"ringcentral_token_grants", stats.ringcentral_token_grants},
        {"exchanges", stats.exchanges},
        {"admin_logins", stats.admin_logins},
        {"refreshes", stats.refreshes},
        {"refresh_token_reuses", stats.refresh_token_reuses},
        {"refresh_tokens_expired", stats.refresh_tokens_expired},
        {"sign_ins_rate_limited", stats.sign_ins_rate_limited},
        {"sign_in_failures", stats.sign_in_failures},
        {"access_tokens_issued", stats.access_tokens_issued},
        {"expired_token_rejections", stats.expired_token_rejections},
        {"report_requests", stats.report_requests},
        {"report_unauthorized", stats.report_unauthorized},
        {"faults_injected", stats.faults_injected},
    }
        .dump();
}

std::optional<std::chrono::seconds> parse_mock_duration(std::string_view text) {
    std::int64_t unit = 1;
    if (!text.empty() && !std::isdigit(static_cast<unsigned char>(text.back()))) {
        unit = unit_seconds(text.back());
        text.remove_suffix(1);
    }
    constexpr std::int64_t kMaxSeconds = 10LL * 366 * 86400;
    std::int64_t value = 0;
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || value > kMaxSeconds) {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    if (text.empty() || unit == 0 || value == 0 || value > kMaxSeconds / unit) {
        return std::nullopt;
    }
    return std::chrono::seconds(value * unit);
}

MockAuth::MockAuth(MockAuthOptions options, std::string account_id, std::string dump_dir,
                   std::shared_ptr<const Clock> clock)
    : options_(std::move(options)),
      account_id_(std::move(account_id)),
      dump_dir_(std::move(dump_dir)),
      clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()),
      random_(std::random_device{}()) {
    using std::chrono::seconds;
    if (options_.access_token_lifetime <= seconds(0) ||
        options_.refresh_token_lifetime <= seconds(0) ||
        options_.ringcentral_token_lifetime <= seconds(0)) {
        throw std::invalid_argument("token lifetimes must be positive");
    }
    if (options_.exchange_limit < 1) {
        throw std::invalid_argument("the exchange limit must be at least 1");
    }
}

bool MockAuth::can_sign_in() const {
    const auto& o = options_;
    return (!o.client_id.empty() && !o.client_secret.empty() && !o.jwt.empty()) ||
           (!o.username.empty() && !o.password.empty() && !o.platform_id.empty());
}

MockStats MockAuth::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

MockAuth::TokenState MockAuth::access_token_state(std::string_view token) const {
    std::lock_guard lock(mutex_);
    auto it = access_tokens_.find(token);
    if (it == access_tokens_.end()) {
        return TokenState::Unknown;
    }
    return clock_->now() < it->second.expires ? TokenState::Current : TokenState::Expired;
}

// ---------------------------------------------------------------------------------------------
// The RingCentral platform: a JWT assertion for an access token.

ServerResponse MockAuth::ringcentral_token(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    auto response = ringcentral_token_locked(request);
    count_answer(response, stats_.ringcentral_token_grants);
    return response;
}

ServerResponse MockAuth::ringcentral_token_locked(const ServerRequest& request) {
    // A flow without its JWT refuses the client too, so that it answers 401 like the others.
    if (options_.jwt.empty() || !right_client(request.header("Authorization"), options_.client_id,
                                              options_.client_secret)) {
        return oauth_error(401, "invalid_client", "Invalid client credentials");
    }
    auto form = form_body(request);
    if (!form) {
        return oauth_error(400, "invalid_request",
                           "The body must be application/x-www-form-urlencoded");
    }
    if (field(*form, "grant_type") != kJwtBearerGrant) {
        return oauth_error(400, "unsupported_grant_type", "Unsupported grant type");
    }
    auto assertion = field(*form, "assertion");
    if (!assertion || !same_token(*assertion, options_.jwt)) {
        return oauth_error(400, "invalid_grant", "Invalid assertion");
    }
    return issue_ringcentral_tokens();
}

ServerResponse MockAuth::issue_ringcentral_tokens() {
    auto now = clock_->now();
    forget_long_expired(now);
    auto access_token = random_token();
    auto refresh_token = random_token();
    ringcentral_tokens_[access_token] = {now + options_.ringcentral_token_lifetime};
    record_issued(access_token);
    record_issued(refresh_token);
    return json_response({
        {"access_token", access_token},
        {"token_type", "bearer"},
        {"expires_in", options_.ringcentral_token_lifetime.count()},
        {"refresh_token", refresh_token},
        {"refresh_token_expires_in", std::chrono::seconds(kRingCentralRefreshLifetime).count()},
        {"scope", "ReadAccounts"},
        {"owner_id", "62000001"},
    });
}

// ---------------------------------------------------------------------------------------------
// Engage sign-in: the exchange of a RingCentral token, and the direct login.

ServerResponse MockAuth::exchange(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    if (auto limited = rate_limited()) {
        return *limited;
    }
    auto response = exchange_locked(request);
    count_answer(response, stats_.exchanges);
    return response;
}

ServerResponse MockAuth::exchange_locked(const ServerRequest& request) {
    FormFields form;
    if (auto refused = read_form(request, form)) {
        return *refused;
    }
    auto query = query_fields(request);
    if (!query) {
        return bad_sign_in("the query string is malformed");
    }
    auto token_type = field(form, "rcTokenType");
    if (!token_type || !iequals(*token_type, "Bearer")) {
        return bad_sign_in("rcTokenType must be Bearer");
    }
    auto rc_token = field(form, "rcAccessToken");
    auto it = ringcentral_tokens_.find(rc_token.value_or(""));
    if (it == ringcentral_tokens_.end() || clock_->now() >= it->second.expires) {
        return sign_in_refused("the RingCentral access token is not valid");
    }
    auto include_refresh = field(*query, "includeRefresh");
    return issue_engage_tokens(include_refresh && iequals(*include_refresh, "true"));
}

ServerResponse MockAuth::admin_login(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    if (auto limited = rate_limited()) {
        return *limited;
    }
    auto response = admin_login_locked(request);
    count_answer(response, stats_.admin_logins);
    return response;
}

// The credentials come in the query string, as the API documents it; a body is ignored.
ServerResponse MockAuth::admin_login_locked(const ServerRequest& request) {
    auto query = query_fields(request);
    if (!query) {
        return bad_sign_in("the query string is malformed");
    }
    // All three are compared, so that the time taken does not tell which one was wrong.
    bool username_ok = same_token(field(*query, "username").value_or(""), options_.username);
    bool password_ok = same_token(field(*query, "password").value_or(""), options_.password);
    bool platform_ok = same_token(field(*query, "platformId").value_or(""), options_.platform_id);
    if (!username_ok || !password_ok || !platform_ok) {
        return sign_in_refused("invalid username, password or platform");
    }
    return issue_engage_tokens(true);
}

// ---------------------------------------------------------------------------------------------
// Refresh: both tokens rotate, and a rotated-out refresh token is refused from then on.

ServerResponse MockAuth::refresh(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    auto response = refresh_locked(request);
    count_answer(response, stats_.refreshes);
    return response;
}

ServerResponse MockAuth::refresh_locked(const ServerRequest& request) {
    FormFields form;
    if (auto refused = read_form(request, form)) {
        return *refused;
    }
    auto token_type = field(form, "rcTokenType");
    if (token_type && !iequals(*token_type, "Bearer")) {
        return bad_sign_in("rcTokenType must be Bearer");
    }
    auto token = field(form, "refresh_token");
    if (!token || token->empty()) {
        return bad_sign_in("refresh_token is missing");
    }
    if (auto refused = refresh_token_refused(*token)) {
        return *refused;
    }
    refresh_tokens_[*token].used = true;
    return issue_engage_tokens(true);
}

std::optional<ServerResponse> MockAuth::refresh_token_refused(const std::string& token) {
    auto it = refresh_tokens_.find(token);
    if (it == refresh_tokens_.end()) {
        return sign_in_refused("the refresh token is not valid");
    }
    if (it->second.used) {
        ++stats_.refresh_token_reuses;
        return sign_in_refused("the refresh token was already used");
    }
    if (clock_->now() >= it->second.expires) {
        ++stats_.refresh_tokens_expired;
        return sign_in_refused("the refresh token has expired");
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Issuing and bookkeeping; the callers hold the mutex.

ServerResponse MockAuth::issue_engage_tokens(bool with_refresh) {
    auto now = clock_->now();
    forget_long_expired(now);
    auto access_token = new_access_token(now);
    access_tokens_[access_token] = {now + options_.access_token_lifetime};
    record_issued(access_token);
    ++stats_.access_tokens_issued;

    json body = {
        {"accessToken", access_token},  {"tokenType", "Bearer"},
        {"mainAccountId", account_id_}, {"rcAccountId", "62000001"},
        {"adminId", kAdminId},          {"adminUrl", "/voice/admin/"},
        {"agentUrl", "/voice/agent/"},  {"agentDetails", agent_details(account_id_)},
    };
    if (with_refresh) {
        auto refresh_token = random_token();
        refresh_tokens_[refresh_token] = {now + options_.refresh_token_lifetime};
        record_issued(refresh_token);
        body["refreshToken"] = refresh_token;
    }
    return json_response(body);
}

// Shaped like a JSON Web Token, so that a client can read "exp"; the signature is random bytes,
// since nobody but this mock checks it, and it checks by lookup.
std::string MockAuth::new_access_token(system_clock::time_point now) {
    json header = {{"alg", "HS256"}, {"typ", "JWT"}};
    json payload = {
        {"jti", std::to_string(next_token_id_++)},
        {"iss", "engage_voice_mock"},
        {"sub", std::to_string(kAdminId)},
        {"accountId", account_id_},
        {"iat", unix_seconds(now)},
        {"exp", unix_seconds(now + options_.access_token_lifetime)},
    };
    return base64url_encode(header.dump()) + "." + base64url_encode(payload.dump()) + "." +
           base64url_encode(random_bytes(32));
}

std::string MockAuth::random_token() { return base64url_encode(random_bytes(36)); }

std::string MockAuth::random_bytes(std::size_t count) {
    std::string bytes;
    bytes.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        bytes += static_cast<char>(random_() & 0xff);
    }
    return bytes;
}

// Exchanges and logins share one sliding window. A refused call does not take a slot, so a
// client that waits for Retry-After gets through.
std::optional<ServerResponse> MockAuth::rate_limited() {
    auto now = clock_->now();
    while (!sign_in_window_.empty() && sign_in_window_.front() + kRateWindow <= now) {
        sign_in_window_.pop_front();
    }
    if (sign_in_window_.size() < static_cast<std::size_t>(options_.exchange_limit)) {
        sign_in_window_.push_back(now);
        return std::nullopt;
    }

    ++stats_.sign_ins_rate_limited;
    auto wait =
        std::chrono::ceil<std::chrono::seconds>(sign_in_window_.front() + kRateWindow - now);
    auto response =
        engage_error(429, "TOO_MANY_REQUESTS", "Too many requests", "sign-in rate limit exceeded");
    response.headers.emplace_back("Retry-After",
                                  std::to_string(std::max<std::int64_t>(wait.count(), 1)));
    return response;
}

void MockAuth::count_answer(const ServerResponse& response, std::uint64_t& successes) {
    if (response.status == 200) {
        ++successes;
    } else {
        ++stats_.sign_in_failures;
    }
}

void MockAuth::record_issued(const std::string& token) {
    if (dump_dir_.empty()) {
        return;
    }
    auto path = std::filesystem::path(dump_dir_) / "issued_tokens.txt";
    std::ofstream out(path, std::ios::app);
    if (!(out << token << '\n')) {
        std::cerr << "level=warn msg=\"cannot record an issued token\" path=\"" << path.string()
                  << "\"\n";
    }
}

void MockAuth::forget_long_expired(system_clock::time_point now) {
    for (auto* tokens : {&ringcentral_tokens_, &access_tokens_, &refresh_tokens_}) {
        std::erase_if(*tokens,
                      [&](const auto& entry) { return entry.second.expires + kForgetAfter < now; });
    }
}

}  // namespace engagevoice
