#include "engagevoice/token_source.hpp"

#include <stdexcept>
#include <utility>

#include "engagevoice/session_token_source.hpp"

namespace engagevoice {
namespace {

Url parse_auth_url(const std::string& text, const std::string& file, const std::string& key) {
    std::string error;
    auto url = parse_url(text, &error);
    if (!url) {
        throw ConfigError(file, key, error);
    }
    while (!url->path.empty() && url->path.back() == '/') {
        url->path.pop_back();
    }
    return *url;
}

}  // namespace

StaticTokenSource::StaticTokenSource(Style style, Secret token)
    : style_(style), token_(std::move(token)) {}

Result<HeaderList> StaticTokenSource::headers(std::chrono::steady_clock::time_point /*deadline*/) {
    std::string error;
    auto token = token_.resolve(&error);
    if (!token) {
        return make_error(PollError::Kind::Auth,
                          "no API token from " + token_.describe() + ": " + error);
    }
    // A line break inside the value would split the header and let the rest of the file
    // through as headers of its own. The file may have changed since the configuration was
    // loaded, so the check is made again here.
    const std::string problem = control_byte_problem(*token);
    if (!problem.empty()) {
        return make_error(PollError::Kind::Auth, "the API token from " + token_.describe() + " " +
                                                     problem + "; a token is one line of text");
    }

    if (style_ == Style::Bearer) {
        return HeaderList{{"Authorization", "Bearer " + *token}};
    }
    return HeaderList{{"X-Auth-Token", std::move(*token)}};
}

AuthStatus StaticTokenSource::status() const {
    AuthStatus status;
    status.mode = auth_mode_name(style_ == Style::Bearer ? AuthConfig::Mode::BearerToken
                                                         : AuthConfig::Mode::ApiToken);
    return status;
}

bool signs_in(AuthConfig::Mode mode) {
    return mode == AuthConfig::Mode::RingCentralJwt || mode == AuthConfig::Mode::EngageLogin;
}

std::unique_ptr<TokenSource> make_token_source(const AccountConfig& account,
                                               TokenSourceContext context,
                                               const std::string& file, const std::string& key) {
    const AuthConfig& auth = account.auth;
    switch (auth.mode) {
        case AuthConfig::Mode::ApiToken:
            return std::make_unique<StaticTokenSource>(StaticTokenSource::Style::XAuthToken,
                                                       auth.token);
        case AuthConfig::Mode::BearerToken:
            return std::make_unique<StaticTokenSource>(StaticTokenSource::Style::Bearer,
                                                       auth.token);
        case AuthConfig::Mode::RingCentralJwt:
        case AuthConfig::Mode::EngageLogin:
            break;
    }
    Url ringcentral_url = parse_auth_url(auth.ringcentral_url, file, key + ".ringcentral_url");
    Url auth_url = parse_auth_url(auth.auth_url, file, key + ".auth_url");
    std::unique_ptr<HttpsClient> client;
    try {
        client = std::make_unique<HttpsClient>(context.client_options);
    } catch (const std::exception& e) {
        throw ConfigError(file, key, e.what());
    }
    return std::make_unique<SessionTokenSource>(auth, std::move(ringcentral_url),
                                                std::move(auth_url), std::move(client),
                                                std::move(context), account.account_id);
}

}  // namespace engagevoice
