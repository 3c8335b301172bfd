#include "engagevoice/sign_in.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "engagevoice/encoding.hpp"
#include "engagevoice/redact.hpp"

namespace engagevoice {
namespace {

using Json = nlohmann::json;
using std::chrono::system_clock;

constexpr const char* kFormType = "application/x-www-form-urlencoded";
constexpr std::size_t kMaxTokenBytes = 16 * 1024;
// A JSON Web Token's "exp" beyond this (the year 5138) is not a time this code can trust.
constexpr double kMaxUnixSeconds = 1e11;

Url with_path(Url base, std::string_view path) {
    base.path += path;
    return base;
}

// A token goes into a header as it is, so it must be one visible ASCII word.
bool usable_token(const std::string& token) {
    return !token.empty() && token.size() <= kMaxTokenBytes &&
           std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string string_field(const Json& json, const char* name) {
    const auto it = json.find(name);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The OAuth error code of a RingCentral answer ("invalid_grant"), a fixed word that is safe to
// act on; empty when the body has none.
std::string oauth_error(const std::string& body) {
    const Json json = Json::parse(body, nullptr, false);
    return json.is_object() ? string_field(json, "error") : std::string{};
}

const char* ringcentral_hint(const std::string& body) {
    const std::string code = oauth_error(body);
    if (code == "invalid_client") {
        return "check auth.client_id and auth.client_secret";
    }
    if (code == "unauthorized_client" || code == "unsupported_grant_type") {
        return "the RingCentral app is not allowed the JWT grant: enable the JWT auth flow in "
               "its settings";
    }
    return "check auth.jwt (wrong, expired or revoked?), auth.client_id and auth.client_secret, "
           "and that the RingCentral app allows the JWT auth flow";
}

PollError status_error(std::string call, const HttpResponse& response,
                       const std::vector<std::string>& secrets, std::string_view refused_hint) {
    PollError error;
    error.status = response.status;
    const std::string status = std::to_string(response.status);
    if (response.status == 400 || response.status == 401 || response.status == 403) {
        error.kind = PollError::Kind::Auth;
        error.message = call + " refused (" + status + "): " + std::string(refused_hint);
    } else if (response.status == 429) {
        error.kind = PollError::Kind::RateLimited;
        error.message = call + " rate limited (429)";
        error.retry_after = parse_retry_after(response.header("Retry-After"));
    } else {
        error.kind = PollError::Kind::Http;
        error.message = call + " answered " + status;
        if (response.status == 503) {
            error.retry_after = parse_retry_after(response.header("Retry-After"));
        }
    }
    error.body_excerpt = safe_excerpt(response.body, secrets);
    return error;
}

PollError bad_answer(std::string call, const HttpResponse& response, const char* what,
                     const std::vector<std::string>& secrets) {
    PollError error = make_error(PollError::Kind::Parse, call + " answer " + what,
                                 response.status);
    // A JSON answer of a successful sign-in may hold a token under a name not looked for here,
    // so only a body that is not JSON (a proxy's page) goes into the log.
    if (!Json::parse(response.body, nullptr, false).is_object()) {
        error.body_excerpt = safe_excerpt(response.body, secrets);
    }
    return error;
}

bool is_success(int status) {
    return status >= 200 && status <= 299;
}

}  // namespace

SignInApi::SignInApi(Url ringcentral_url, Url auth_url, HttpsClient& client, const Clock& clock,
                     ApiRequestObserver observer, KnownSecrets known_secrets)
    : ringcentral_url_(std::move(ringcentral_url)),
      auth_url_(std::move(auth_url)),
      client_(client),
      clock_(clock),
      observer_(std::move(observer)),
      known_secrets_(std::move(known_secrets)) {}

std::vector<std::string> SignInApi::all_secrets(std::vector<std::string> secrets) const {
    if (known_secrets_) {
        auto known = known_secrets_();
        secrets.insert(secrets.end(), std::make_move_iterator(known.begin()),
                       std::make_move_iterator(known.end()));
    }
    return secrets;
}

Result<HttpResponse> SignInApi::post(const char* endpoint, Url url, HeaderList headers,
                                     std::string body,
                                     std::chrono::steady_clock::time_point deadline) {
    HttpRequest request;
    request.method = "POST";
    request.url = std::move(url);
    request.headers = std::move(headers);
    request.headers.emplace_back("Content-Type", kFormType);
    request.headers.emplace_back("Accept", "application/json");
    request.body = std::move(body);

    auto response = client_.send(request, deadline);
    if (observer_) {
        observer_(endpoint, response ? response->status : 0);
    }
    return response;
}

Result<RingCentralToken> SignInApi::ringcentral_token(
    const RingCentralCredentials& credentials, std::chrono::steady_clock::time_point deadline) {
    const std::string basic =
        base64_encode(credentials.client_id + ":" + credentials.client_secret);
    const std::vector<std::string> secrets =
        all_secrets({credentials.client_id, credentials.client_secret, credentials.jwt, basic});
    auto response = post("ringcentral_token", with_path(ringcentral_url_, "/restapi/oauth/token"),
                         {{"Authorization", "Basic " + basic}},
                         form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                      {"assertion", credentials.jwt}}),
                         deadline);
    const char* call = "RingCentral token request";
    if (!response) {
        return response.error();
    }
    if (!is_success(response->status)) {
        return status_error(call, *response, secrets, ringcentral_hint(response->body));
    }

    const Json json = Json::parse(response->body, nullptr, false);
    RingCentralToken token;
    token.access_token = json.is_object() ? string_field(json, "access_token") : "";
    token.refresh_token = json.is_object() ? string_field(json, "refresh_token") : "";
    if (!usable_token(token.access_token)) {
        return bad_answer(call, *response, "holds no access_token", secrets);
    }
    const auto expires_in = json.find("expires_in");
    const double seconds =
        expires_in != json.end() && expires_in->is_number() ? expires_in->get<double>() : 3600.0;
    token.expires_at =
        clock_.now() + std::chrono::seconds(static_cast<long>(std::clamp(seconds, 0.0, 86400.0)));
    return token;
}

Result<EngageTokens> SignInApi::exchange(const std::string& ringcentral_access_token,
                                         std::chrono::steady_clock::time_point deadline) {
    auto response = post("exchange",
                         with_path(auth_url_, "/login/rc/accesstoken?includeRefresh=true"), {},
                         form_encode({{"rcAccessToken", ringcentral_access_token},
                                      {"rcTokenType", "Bearer"}}),
                         deadline);
    return engage_tokens("Engage token exchange", std::move(response),
                         {ringcentral_access_token},
                         "the RingCentral token was not accepted (revoked, or the RingCentral "
                         "user of auth.jwt has no Engage Voice access); the next sign-in gets a "
                         "new one");
}

Result<EngageTokens> SignInApi::admin_login(const EngageLoginCredentials& credentials,
                                            std::chrono::steady_clock::time_point deadline) {
    const std::string query = form_encode({{"username", credentials.username},
                                           {"password", credentials.password},
                                           {"platformId", credentials.platform_id}});
    auto response =
        post("admin_login", with_path(auth_url_, "/login/admin?" + query), {}, "", deadline);
    return engage_tokens("Engage login", std::move(response),
                         {credentials.username, credentials.password},
                         "check auth.username, auth.password and auth.platform_id");
}

Result<EngageTokens> SignInApi::refresh(const std::string& refresh_token,
                                        std::chrono::steady_clock::time_point deadline) {
    auto response = post("refresh", with_path(auth_url_, "/token/refresh"), {},
                         form_encode({{"refresh_token", refresh_token}, {"rcTokenType", "Bearer"}}),
                         deadline);
    return engage_tokens("Engage token refresh", std::move(response),
                         {refresh_token},
                         "the refresh token was not accepted");
}

Result<EngageTokens> SignInApi::engage_tokens(const char* call, Result<HttpResponse> response,
                                              std::vector<std::string> call_secrets,
                                              const char* refused_hint) {
    if (!response) {
        return response.error();
    }
    const std::vector<std::string> secrets = all_secrets(std::move(call_secrets));
    if (!is_success(response->status)) {
        return status_error(call, *response, secrets, refused_hint);
    }

    const Json json = Json::parse(response->body, nullptr, false);
    EngageTokens tokens;
    if (json.is_object()) {
        tokens.access_token = string_field(json, "accessToken");
        tokens.refresh_token = string_field(json, "refreshToken");
    }
    if (!usable_token(tokens.access_token)) {
        return bad_answer(call, *response, "holds no accessToken", secrets);
    }
    if (!tokens.refresh_token.empty() && !usable_token(tokens.refresh_token)) {
        tokens.refresh_token.clear();
    }
    tokens.expires_at = token_expiry(tokens.access_token, clock_.now());
    return tokens;
}

system_clock::time_point token_expiry(std::string_view token, system_clock::time_point received) {
    const system_clock::time_point fallback = received + kEngageTokenLifetime;
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos) {
        return fallback;
    }
    const auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
    if (!payload) {
        return fallback;
    }
    const Json claims = Json::parse(*payload, nullptr, false);
    if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number()) {
        return fallback;
    }
    const double exp = claims["exp"].get<double>();
    if (!std::isfinite(exp) || exp <= 0 || exp > kMaxUnixSeconds) {
        return fallback;
    }
    return system_clock::time_point(std::chrono::seconds(static_cast<long long>(exp)));
}

}  // namespace engagevoice
