#include "engagevoice/token_source.hpp"

#include <utility>

namespace engagevoice {

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
    // through as headers of its own.
    if (token->find_first_of("\r\n") != std::string::npos) {
        return make_error(PollError::Kind::Auth,
                          "the API token from " + token_.describe() + " holds a line break");
    }

    if (style_ == Style::Bearer) {
        return HeaderList{{"Authorization", "Bearer " + *token}};
    }
    return HeaderList{{"X-Auth-Token", std::move(*token)}};
}

std::unique_ptr<TokenSource> make_token_source(const AuthConfig& auth, const std::string& file,
                                               const std::string& key) {
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
    // TODO: the ringcentral_jwt and engage_login sign-ins are not built yet, so accounts that
    // need them cannot be polled; their keys are already checked by load_config.
    throw ConfigError(
        file, key.empty() ? "auth.mode" : key + ".mode",
        auth_mode_name(auth.mode) + " is not supported yet; use api_token or bearer_token");
}

}  // namespace engagevoice
