// The exporter's YAML configuration: loading, defaults and validation.
//
// load_config reads and checks the whole file at once. Every problem is a ConfigError naming
// the file and the key path ("accounts[0].auth.mode"), so a bad file fails at start and a bad
// reload leaves the running configuration as it was.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "engagevoice/secret.hpp"

namespace engagevoice {

class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, std::string key, const std::string& message);

    const std::string& file() const { return file_; }
    // The key path, e.g. "poll.interval" or "accounts[1].timezone"; empty for the whole file.
    const std::string& key() const { return key_; }

private:
    std::string file_;
    std::string key_;
};

struct PollConfig {
    std::chrono::seconds interval{60};  // kMinPollInterval to kMaxPollInterval
    std::chrono::seconds timeout{30};   // more than 0, at most interval
    std::chrono::seconds max_staleness{15 * 60};  // interval to kMaxStaleness

    bool operator==(const PollConfig&) const = default;
};

inline constexpr std::chrono::seconds kMinPollInterval{15};
inline constexpr std::chrono::seconds kMaxPollInterval{24 * 3600};
inline constexpr std::chrono::seconds kMaxStaleness{7 * 24 * 3600};

struct MetricsConfig {
    bool agent_info = true;
};

struct AuthConfig {
    enum class Mode { RingCentralJwt, EngageLogin, ApiToken, BearerToken };

    Mode mode = Mode::ApiToken;
    std::string ringcentral_url = "https://platform.ringcentral.com";
    std::string auth_url = "https://ringcx.ringcentral.com/api/auth";
    // ringcentral_jwt
    Secret client_id;
    Secret client_secret;
    Secret jwt;
    // engage_login
    Secret username;
    Secret password;
    std::string platform_id;
    // api_token and bearer_token
    Secret token;

    bool operator==(const AuthConfig&) const = default;
};

struct AccountConfig {
    std::string account_id;
    std::string api_url = "https://ringcx.ringcentral.com/voice/api/v1";
    // An IANA name, checked against the time zone database; required in the file, since the
    // business day and the report's times depend on it.
    std::string timezone = "UTC";
    std::chrono::minutes day_start{0};  // business day start, minutes after local midnight
    std::vector<std::string> agent_group_ids;
    std::vector<std::string> agent_teams;
    // PEM file of CAs to trust for api_url and the auth URLs instead of the system's; empty
    // for the system's. Checked to be readable at load.
    std::string ca_file;
    // The forward proxy for every request of this account (accounts[].proxy_url), as
    // "http://[user:pass@]host[:port]"; it wins over HTTPS_PROXY, HTTP_PROXY and NO_PROXY. A
    // secret, since it may hold the proxy's password; checked to parse at load and read again
    // at each connection. Empty when the account has none.
    Secret proxy_url;
    AuthConfig auth;

    // Equal settings: the same keys with the same values, secrets compared by where they come
    // from (a file's path, a variable's name) or, inline, by value.
    bool operator==(const AccountConfig&) const = default;
};

struct Config {
    std::string file;  // where it was read from
    PollConfig poll;
    MetricsConfig metrics;
    std::vector<AccountConfig> accounts;
};

// Reads and validates `path`. Throws ConfigError ("<file>: <key path>: <what is wrong>") for a
// missing or unreadable file, YAML syntax errors (with line and column), unknown or repeated
// keys, wrong types, bad durations ("90s", "15m", "1h"), unknown time zones, duplicate account
// ids, missing keys of the auth mode, secrets that cannot be resolved now, and a proxy_url
// that is not an http:// proxy URL (the message names the key, never the value). Modes not
// supported yet are accepted here and refused by make_token_source. Relative paths (`*_file`,
// ca_file) are read from the file's directory. Base URLs are returned without a trailing slash.
Config load_config(const std::string& path);

// The same checks on YAML text; `file` names it in errors and its directory anchors relative
// paths.
Config parse_config(const std::string& yaml_text, const std::string& file);

// "30s", "15m", "1h30m", "2d", "250ms", "0" (Prometheus duration syntax: units y, w, d, h,
// m, s, ms, largest first, each once) to seconds, rounded down. Throws std::invalid_argument
// with a reason (without the text) for anything else: empty, negative, unitless, garbage,
// longer than 100y.
std::chrono::seconds parse_duration(const std::string& text);

// The mode's name as written in the file: "ringcentral_jwt", "engage_login", "api_token",
// "bearer_token".
std::string auth_mode_name(AuthConfig::Mode mode);

}  // namespace engagevoice
