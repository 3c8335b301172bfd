// What the landing page shows of an account's authentication.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace engagevoice {

// Safe to show: it holds no credential.
struct AuthStatus {
    std::string mode;  // as written in the configuration: "ringcentral_jwt", "api_token", ...
    // False for a static token, which never expires.
    bool signs_in = false;
    std::optional<std::chrono::system_clock::time_point> token_expiry;
    std::optional<std::chrono::system_clock::time_point> last_sign_in;
    // Why the last sign-in or refresh failed; empty once one succeeded.
    std::string last_error;
};

}  // namespace engagevoice
