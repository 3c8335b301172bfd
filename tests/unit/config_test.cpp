#include "engagevoice/config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ev = engagevoice;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path kConfigDir = fs::path(ENGAGEVOICE_FIXTURES_DIR) / "config";

// The inline secret every fixture uses; no error may ever show it.
const std::string kFixtureSecret = "do-not-print-me";

std::string fixture(const std::string& name) { return (kConfigDir / name).string(); }

struct InvalidCase {
    fs::path path;
    std::string key;
    std::string error;
};

// "# key: <path>" and "# error: <message after the file name>" open every invalid file;
// "{dir}" in the error stands for the file's directory.
InvalidCase read_invalid_case(const fs::path& path) {
    InvalidCase result{path, "", ""};
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    REQUIRE(line.starts_with("# key:"));
    result.key = line.size() > 7 ? line.substr(7) : "";
    std::getline(in, line);
    REQUIRE(line.starts_with("# error: "));
    result.error = line.substr(9);
    auto dir = result.error.find("{dir}");
    if (dir != std::string::npos) {
        result.error.replace(dir, 5, path.parent_path().string());
    }
    return result;
}

std::vector<InvalidCase> invalid_cases() {
    std::vector<InvalidCase> cases;
    for (const auto& entry : fs::directory_iterator(kConfigDir / "invalid")) {
        cases.push_back(read_invalid_case(entry.path()));
    }
    std::sort(cases.begin(), cases.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    return cases;
}

}  // namespace

TEST_CASE("config fills defaults around a minimal file", "[config]") {
    auto config = ev::load_config(fixture("valid/minimal.yml"));

    CHECK(config.file == fixture("valid/minimal.yml"));
    CHECK(config.poll.interval == 60s);
    CHECK(config.poll.timeout == 30s);
    CHECK(config.poll.max_staleness == 15min);
    CHECK(config.metrics.agent_info);
    REQUIRE(config.accounts.size() == 1);

    const auto& account = config.accounts[0];
    CHECK(account.account_id == "15300002");
    CHECK(account.api_url == "https://ringcx.ringcentral.com/voice/api/v1");
    CHECK(account.timezone == "US/Eastern");
    CHECK(account.day_start == 0min);
    CHECK(account.agent_group_ids.empty());
    CHECK(account.agent_teams.empty());
    CHECK(account.ca_file.empty());
    CHECK(account.proxy_url.empty());
    CHECK(account.auth.mode == ev::AuthConfig::Mode::ApiToken);
    CHECK(account.auth.token.source() == ev::Secret::Source::Inline);
    CHECK(account.auth.token.resolve() == kFixtureSecret);
}

TEST_CASE("config reads every key of every auth mode", "[config]") {
    auto config = ev::load_config(fixture("valid/full.yml"));
    auto dir = fs::path(fixture("valid"));

    CHECK(config.poll.interval == 2min);
    CHECK(config.poll.timeout == 45s);
    CHECK(config.poll.max_staleness == 90min);
    CHECK_FALSE(config.metrics.agent_info);
    REQUIRE(config.accounts.size() == 3);

    const auto& bearer = config.accounts[0];
    CHECK(bearer.account_id == "15300002");
    CHECK(bearer.api_url == "https://engage.example.com/voice/api/v1");
    CHECK(bearer.timezone == "Europe/Berlin");
    CHECK(bearer.day_start == 6h + 30min);
    CHECK(bearer.agent_group_ids == std::vector<std::string>{"1001", "1002"});
    CHECK(bearer.agent_teams == std::vector<std::string>{"Sales", "Support Team"});
    CHECK(bearer.ca_file == (dir / "../ca.pem").string());
    CHECK(bearer.proxy_url.describe() == "file " + (dir / "../secrets/proxy_url").string());
    CHECK(bearer.proxy_url.resolve() ==
          "http://exporter:fixture-proxy-password@proxy.example.com:3128");
    CHECK(bearer.auth.mode == ev::AuthConfig::Mode::BearerToken);
    CHECK(bearer.auth.token.describe() == "file " + (dir / "../secrets/api_token").string());
    CHECK(bearer.auth.token.resolve() == "fixture-api-token");

    const auto& jwt = config.accounts[1].auth;
    CHECK(config.accounts[1].day_start == 22h);
    CHECK(config.accounts[1].proxy_url.source() == ev::Secret::Source::Inline);
    CHECK(config.accounts[1].proxy_url.resolve() == "http://proxy.example.com:3128");
    CHECK(config.accounts[2].proxy_url.empty());
    CHECK(jwt.mode == ev::AuthConfig::Mode::RingCentralJwt);
    CHECK(jwt.ringcentral_url == "https://platform.example.com");
    CHECK(jwt.auth_url == "https://engage.example.com/api/auth");
    CHECK(jwt.client_id.resolve() == "fixture-client-id");
    CHECK(jwt.client_secret.resolve() == "fixture-client-secret");
    CHECK(jwt.jwt.resolve() == "eyJfixture.jwt.value");

    const auto& login = config.accounts[2].auth;
    CHECK(login.mode == ev::AuthConfig::Mode::EngageLogin);
    CHECK(login.auth_url == "https://ringcx.ringcentral.com/api/auth");
    CHECK(login.username.resolve() == "supervisor@example.com");
    CHECK(login.password.resolve() == kFixtureSecret);
    CHECK(login.platform_id == "7");
}

TEST_CASE("config takes a secret from ${ENV_VAR}", "[config]") {
    ::setenv("ENGAGEVOICE_TEST_TOKEN", "token-from-env", 1);
    auto config = ev::load_config(fixture("valid/env.yml"));
    ::unsetenv("ENGAGEVOICE_TEST_TOKEN");

    CHECK(config.poll.interval == 15s);
    REQUIRE(config.accounts.size() == 1);
    CHECK(config.accounts[0].auth.token.source() == ev::Secret::Source::Env);
    CHECK(config.accounts[0].auth.token.describe() == "env ENGAGEVOICE_TEST_TOKEN");
    CHECK(config.accounts[0].ca_file.empty());
    CHECK(config.accounts[0].proxy_url.empty());
}

TEST_CASE("config example at the top of the repository loads", "[config]") {
    auto example = fs::path(ENGAGEVOICE_FIXTURES_DIR) / "../../engage_voice_exporter.example.yml";
    ::setenv("ENGAGE_VOICE_API_TOKEN", "token-from-env", 1);
    auto config = ev::load_config(example.string());
    ::unsetenv("ENGAGE_VOICE_API_TOKEN");

    CHECK(config.poll.interval == 60s);
    CHECK(config.poll.timeout == 30s);
    CHECK(config.poll.max_staleness == 15min);
    CHECK(config.metrics.agent_info);
    REQUIRE(config.accounts.size() == 1);
    CHECK(config.accounts[0].timezone == "US/Eastern");
    CHECK(config.accounts[0].auth.token.describe() == "env ENGAGE_VOICE_API_TOKEN");
}

TEST_CASE("config fails when a ${ENV_VAR} secret is unset", "[config]") {
    ::unsetenv("ENGAGEVOICE_TEST_TOKEN");

    CHECK_THROWS_WITH(ev::load_config(fixture("valid/env.yml")),
                      fixture("valid/env.yml") +
                          ": accounts[0].auth.token: environment variable "
                          "ENGAGEVOICE_TEST_TOKEN is not set");
}

TEST_CASE("config rejects each invalid file naming the key", "[config]") {
    ::unsetenv("ENGAGEVOICE_TEST_UNSET");
    auto cases = invalid_cases();
    REQUIRE(cases.size() >= 40);

    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.path.filename().string()) {
            try {
                ev::load_config(c.path.string());
                FAIL("loaded without an error");
            } catch (const ev::ConfigError& e) {
                CHECK(e.key() == c.key);
                CHECK(e.file() == c.path.string());
                CHECK(std::string(e.what()) == c.path.string() + ": " + c.error);
                CHECK(std::string(e.what()).find(kFixtureSecret) == std::string::npos);
            }
        }
    }
}

TEST_CASE("config error for a missing file names the file", "[config]") {
    auto path = fixture("no-such-config.yml");

    CHECK_THROWS_WITH(ev::load_config(path),
                      path + ": cannot read file: No such file or directory");
    CHECK_THROWS_AS(ev::load_config(kConfigDir.string()), ev::ConfigError);
}

TEST_CASE("config parses text and names the given file", "[config]") {
    SECTION("empty text") {
        CHECK_THROWS_WITH(ev::parse_config("", "inline.yml"),
                          "inline.yml: the file is empty; it needs at least one account");
    }
    SECTION("a valid text") {
        auto config = ev::parse_config(
            "accounts:\n"
            "  - {account_id: '1', timezone: UTC, auth: {mode: api_token, token: t}}\n",
            "inline.yml");
        CHECK(config.file == "inline.yml");
        CHECK(config.accounts.at(0).account_id == "1");
    }
    SECTION("relative secret files are read from the file's directory") {
        auto file = fixture("valid/inline.yml");
        auto config = ev::parse_config(
            "accounts:\n"
            "  - account_id: '1'\n"
            "    timezone: UTC\n"
            "    auth: {mode: api_token, token_file: ../secrets/api_token}\n",
            file);
        CHECK(config.accounts.at(0).auth.token.resolve() == "fixture-api-token");
    }
}

TEST_CASE("config error carries file and key apart from the message", "[config]") {
    ev::ConfigError with_key("a.yml", "poll.interval", "must be at least 15s");
    ev::ConfigError without_key("a.yml", "", "the file is empty");

    CHECK(std::string(with_key.what()) == "a.yml: poll.interval: must be at least 15s");
    CHECK(with_key.file() == "a.yml");
    CHECK(with_key.key() == "poll.interval");
    CHECK(std::string(without_key.what()) == "a.yml: the file is empty");
}

TEST_CASE("durations follow the prometheus syntax", "[config]") {
    CHECK(ev::parse_duration("90s") == 90s);
    CHECK(ev::parse_duration("15m") == 15min);
    CHECK(ev::parse_duration("1h30m") == 90min);
    CHECK(ev::parse_duration("2d") == 48h);
    CHECK(ev::parse_duration("1w") == 7 * 24h);
    CHECK(ev::parse_duration("1y") == 365 * 24h);
    CHECK(ev::parse_duration("1m30s500ms") == 90s);
    CHECK(ev::parse_duration("500ms") == 0s);
    CHECK(ev::parse_duration("1999ms") == 1s);
    CHECK(ev::parse_duration("0") == 0s);
    CHECK(ev::parse_duration("0s") == 0s);
}

TEST_CASE("durations reject everything else with a reason", "[config]") {
    auto reason = [](const std::string& text) {
        try {
            ev::parse_duration(text);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };

    CHECK(reason("") == "empty");
    CHECK(reason("-5s") == "must not be negative");
    CHECK(reason("60") == "missing unit (ms, s, m, h, d, w or y)");
    CHECK(reason("1h30") == "missing unit (ms, s, m, h, d, w or y)");
    CHECK(reason("5x") == "unknown unit (use ms, s, m, h, d, w or y)");
    CHECK(reason("1.5h") == "unknown unit (use ms, s, m, h, d, w or y)");
    CHECK(reason("s") == "expected a number");
    CHECK(reason(" 5s") == "expected a number");
    CHECK(reason("5s ") == "expected a number");
    CHECK(reason("30s1m") == "units must go from largest to smallest, each once");
    CHECK(reason("1m1m") == "units must go from largest to smallest, each once");
    CHECK(reason("99999999999999999999s") == "too large (at most 100y)");
    CHECK(reason("999999999999999y") == "too large (at most 100y)");
}

TEST_CASE("durations stop at 100 years so later sums cannot overflow", "[config]") {
    CHECK(ev::parse_duration("100y") == 100 * 365 * 24h);
    CHECK_THROWS_WITH(ev::parse_duration("100y1ms"), "too large (at most 100y)");
    CHECK_THROWS_WITH(ev::parse_duration("5000y"), "too large (at most 100y)");
    CHECK_THROWS_WITH(ev::parse_duration("99y53w"), "too large (at most 100y)");
}

TEST_CASE("config errors never show a key or value that is not plain", "[config]") {
    auto error = [](const std::string& yaml) {
        try {
            ev::parse_config(yaml, "a.yml");
        } catch (const ev::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const std::string account =
        "accounts:\n"
        "  - {account_id: '1', timezone: UTC, auth: {mode: api_token, token: t}}\n";

    CHECK(error("poll:\n  interval_s: 60\n" + account) == "a.yml: poll.interval_s: unknown key");
    CHECK(error("poll:\n  \"in terval\": 60\n" + account) ==
          "a.yml: poll: unknown key (name not shown: not a plain key name)");
    CHECK(error("poll:\n  " + std::string(65, 'k') + ": 60\n" + account) ==
          "a.yml: poll: unknown key (name not shown: not a plain key name)");
    CHECK(error("poll:\n  " + std::string(64, 'k') + ": 60\n" + account) ==
          "a.yml: poll." + std::string(64, 'k') + ": unknown key");
}

TEST_CASE("auth modes have their file names", "[config]") {
    CHECK(ev::auth_mode_name(ev::AuthConfig::Mode::RingCentralJwt) == "ringcentral_jwt");
    CHECK(ev::auth_mode_name(ev::AuthConfig::Mode::EngageLogin) == "engage_login");
    CHECK(ev::auth_mode_name(ev::AuthConfig::Mode::ApiToken) == "api_token");
    CHECK(ev::auth_mode_name(ev::AuthConfig::Mode::BearerToken) == "bearer_token");
}

TEST_CASE("config shortens a left-out timeout to a short interval", "[config]") {
    const std::string yaml =
        "poll:\n  interval: 15s\naccounts:\n  - account_id: \"1\"\n    timezone: UTC\n"
        "    auth:\n      mode: api_token\n      token: t\n";

    auto config = ev::parse_config(yaml, "short.yml");

    CHECK(config.poll.timeout == 15s);
}

TEST_CASE("config takes proxy_url from the environment and checks it at load", "[config]") {
    const std::string yaml =
        "accounts:\n"
        "  - account_id: '1'\n"
        "    timezone: UTC\n"
        "    proxy_url: ${ENGAGEVOICE_TEST_PROXY_URL}\n"
        "    auth: {mode: api_token, token: t}\n";

    ::setenv("ENGAGEVOICE_TEST_PROXY_URL", "http://user:env-proxy-password@proxy:3128", 1);
    auto config = ev::parse_config(yaml, "proxy.yml");
    CHECK(config.accounts.at(0).proxy_url.describe() == "env ENGAGEVOICE_TEST_PROXY_URL");

    ::setenv("ENGAGEVOICE_TEST_PROXY_URL", "socks5://user:env-proxy-password@proxy:1080", 1);
    CHECK_THROWS_WITH(ev::parse_config(yaml, "proxy.yml"),
                      "proxy.yml: accounts[0].proxy_url: is not a valid proxy URL: "
                      "scheme must be http");

    ::unsetenv("ENGAGEVOICE_TEST_PROXY_URL");
    CHECK_THROWS_WITH(ev::parse_config(yaml, "proxy.yml"),
                      "proxy.yml: accounts[0].proxy_url: environment variable "
                      "ENGAGEVOICE_TEST_PROXY_URL is not set");
}
