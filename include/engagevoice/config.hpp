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
    std::chrono::seconds interval{60};  // at least kMinPollInterval
    std::chrono::seconds timeout{30};
    std::chrono::seconds max_staleness{15 * 60};
};

inline constexpr std::chrono::seconds kMinPollInterval{15};

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
};

struct AccountConfig {
    std::string account_id;
    std::string api_url = "https://ringcx.ringcentral.com/voice/api/v1";
    std::string timezone = "UTC";  // an IANA name, checked against the time zone database
    std::chrono::minutes day_start{0};
    std::vector<std::string> agent_group_ids;
    std::vector<std::string> agent_teams;
    // PEM file of CAs to trust for api_url and the auth URLs instead of the system's.
    std::string ca_file;
    AuthConfig auth;
};

struct Config {
    std::string file;  // where it was read from
    PollConfig poll;
    MetricsConfig metrics;
    std::vector<AccountConfig> accounts;
};

// Reads and validates `path`. Throws ConfigError for a missing or unreadable file, YAML syntax
// errors (with line and column), unknown keys, wrong types, bad durations ("90s", "15m", "1h"),
// unknown time zones, duplicate account ids, auth modes not supported yet, and secrets that
// cannot be resolved.
Config load_config(const std::string& path);

// The same checks on YAML text; `file` names it in errors.
Config parse_config(const std::string& yaml_text, const std::string& file);

// "30s", "15m", "1h30m", "250ms" (Prometheus duration syntax) to seconds, rounded down.
// Throws std::invalid_argument with a reason for anything else.
std::chrono::seconds parse_duration(const std::string& text);

std::string auth_mode_name(AuthConfig::Mode mode);

}  // namespace engagevoice
