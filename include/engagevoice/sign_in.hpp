// The Engage Voice sign-in calls of UPSTREAM.md, one method each.
//
// SignInApi sends one request per call on the client it is given, before the caller's deadline,
// and turns the answer into tokens or a PollError:
//   - 400, 401 and 403: Kind::Auth, the credentials were refused; the message says what to check;
//   - 429: Kind::RateLimited, with the upstream's Retry-After;
//   - any other status: Kind::Http (with Retry-After on 503); an answer without the expected
//     tokens: Kind::Parse;
//   - no answer: the client's Kind::Network or Kind::Timeout.
// Messages name the call and the status, never a credential or a token; body_excerpt holds the
// start of the upstream's answer with every credential of the request, and every secret the
// KnownSecrets of the api give, blanked out. Nothing
// throws. Not thread-safe, like the client it uses.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/api_observer.hpp"
#include "engagevoice/clock.hpp"
#include "engagevoice/https_client.hpp"
#include "engagevoice/result.hpp"
#include "engagevoice/url.hpp"

namespace engagevoice {

// An Engage access token and the refresh token that came with it.
struct EngageTokens {
    std::string access_token;
    std::string refresh_token;  // empty when none came back
    std::chrono::system_clock::time_point expires_at;
};

// A RingCentral platform access token, good for the exchange until it expires (about an hour).
struct RingCentralToken {
    std::string access_token;
    // Never used, since a new JWT grant is cheaper to get right than a platform refresh; kept
    // only so that an echo of it can be blanked out of the log. Empty when none came.
    std::string refresh_token;
    std::chrono::system_clock::time_point expires_at;
};

struct RingCentralCredentials {
    std::string client_id;
    std::string client_secret;
    std::string jwt;
};

struct EngageLoginCredentials {
    std::string username;
    std::string password;
    std::string platform_id;
};

// The lifetime the upstream documents for an Engage access token, used when a token does not
// say when it expires.
inline constexpr std::chrono::seconds kEngageTokenLifetime{5 * 60};

class SignInApi {
public:
    // The account's other secrets, to blank out of every answer's excerpt beside the ones the
    // call itself sent.
    using KnownSecrets = std::function<std::vector<std::string>()>;

    // `ringcentral_url` is the platform's base URL, `auth_url` the Engage auth base URL, both
    // without a trailing slash. `observer` hears of every request (endpoints "ringcentral_token",
    // "exchange", "admin_login", "refresh"). The client and clock must outlive the api.
    SignInApi(Url ringcentral_url, Url auth_url, HttpsClient& client, const Clock& clock,
              ApiRequestObserver observer, KnownSecrets known_secrets = {});

    // The JWT grant: POST {ringcentral_url}/restapi/oauth/token with HTTP Basic credentials.
    Result<RingCentralToken> ringcentral_token(const RingCentralCredentials& credentials,
                                               std::chrono::steady_clock::time_point deadline);
    // POST {auth_url}/login/rc/accesstoken?includeRefresh=true.
    Result<EngageTokens> exchange(const std::string& ringcentral_access_token,
                                  std::chrono::steady_clock::time_point deadline);
    // POST {auth_url}/login/admin with the credentials in the query string.
    Result<EngageTokens> admin_login(const EngageLoginCredentials& credentials,
                                     std::chrono::steady_clock::time_point deadline);
    // POST {auth_url}/token/refresh. The refresh token is spent whatever the outcome: the
    // upstream may have rotated it even when its answer was lost.
    Result<EngageTokens> refresh(const std::string& refresh_token,
                                 std::chrono::steady_clock::time_point deadline);

private:
    Result<HttpResponse> post(const char* endpoint, Url url, HeaderList headers,
                              std::string body, std::chrono::steady_clock::time_point deadline);
    Result<EngageTokens> engage_tokens(const char* call, Result<HttpResponse> response,
                                       std::vector<std::string> secrets,
                                       const char* refused_hint);
    // `secrets` and the account's known ones.
    std::vector<std::string> all_secrets(std::vector<std::string> secrets) const;

    Url ringcentral_url_;
    Url auth_url_;
    HttpsClient& client_;
    const Clock& clock_;
    ApiRequestObserver observer_;
    KnownSecrets known_secrets_;
};

// When an Engage access token expires: the "exp" claim when the token is a JSON Web Token that
// has one, else `received` plus kEngageTokenLifetime. The signature is not checked: the token is
// only read to know when to refresh it.
std::chrono::system_clock::time_point token_expiry(std::string_view token,
                                                   std::chrono::system_clock::time_point received);

}  // namespace engagevoice
