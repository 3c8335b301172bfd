// How a poll proves who it is to the upstream API.
//
// A TokenSource gives the headers that authenticate one API call. The static sources read their
// token from a Secret on every call, so a rotated file takes effect on the next poll.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engagevoice/config.hpp"
#include "engagevoice/http_headers.hpp"
#include "engagevoice/result.hpp"

namespace engagevoice {

class TokenSource {
public:
    virtual ~TokenSource() = default;

    // The headers to send with the next API call. Fails with Kind::Auth when no credential can
    // be had; the message never holds one.
    virtual Result<HeaderList> headers(std::chrono::steady_clock::time_point deadline) = 0;

    // Told that the API answered 401 to the headers last given. Returns true when trying again
    // with fresh headers may help (a refreshable token); a static token returns false.
    virtual bool invalidate() = 0;
};

// `X-Auth-Token: <token>` for api_token, `Authorization: Bearer <token>` for bearer_token.
class StaticTokenSource final : public TokenSource {
public:
    enum class Style { XAuthToken, Bearer };

    StaticTokenSource(Style style, Secret token);

    Result<HeaderList> headers(std::chrono::steady_clock::time_point deadline) override;
    bool invalidate() override { return false; }

private:
    Style style_;
    Secret token_;
};

// The source for an account's auth mode. `file` and `key` name the configuration file and the
// auth section ("accounts[0].auth") in errors. Throws ConfigError for modes not supported yet
// (ringcentral_jwt, engage_login): load_config accepts them so the schema stays whole, and
// this is where the exporter refuses to start with them.
std::unique_ptr<TokenSource> make_token_source(const AuthConfig& auth, const std::string& file,
                                               const std::string& key);

}  // namespace engagevoice
