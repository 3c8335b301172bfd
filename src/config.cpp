#include "engagevoice/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <utility>

#include <date/tz.h>
#include <yaml-cpp/yaml.h>

#include "detail/yaml_file.hpp"
#include "engagevoice/proxy.hpp"
#include "engagevoice/url.hpp"

namespace engagevoice {
namespace {

namespace fs = std::filesystem;

using Keys = std::span<const std::string_view>;

// What every check needs to name a problem and to find files named in the configuration.
struct Context {
    std::string file;
    // Relative paths in the file (secrets, ca_file) are read from the file's directory, so the
    // configuration means the same whatever the working directory.
    fs::path base_dir;
};

std::string join_key(const std::string& parent, std::string_view child) {
    if (parent.empty()) {
        return std::string(child);
    }
    return parent + "." + std::string(child);
}

std::string index_key(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

std::string seconds_text(std::chrono::seconds value) { return std::to_string(value.count()) + "s"; }

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Errors echo a key or value from the file only when it looks like one: letters, digits, `_`,
// `-`, `.` and the `extra` characters a valid value may hold, at most 64 of them. A line of a
// secret that lost its colon ("token abc:def") or a wrong file passed as the configuration
// must not end up in logs.
bool is_plain_text(std::string_view text, std::string_view extra = "") {
    auto plain = [extra](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.' ||
               extra.find(static_cast<char>(c)) != std::string_view::npos;
    };
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), plain);
}

// `"text" ` to open a message about a value, or nothing when the value is not shown.
std::string quoted_before(std::string_view text, std::string_view extra = "") {
    return is_plain_text(text, extra) ? "\"" + std::string(text) + "\" " : "";
}

// ` "text"` to follow a word of a message, or nothing when the value is not shown.
std::string quoted_after(std::string_view text, std::string_view extra = "") {
    return is_plain_text(text, extra) ? " \"" + std::string(text) + "\"" : "";
}

// A mapping in the file with the keys it may hold. A missing or null mapping reads as empty,
// so `poll:` with nothing under it keeps the defaults.
class Section {
public:
    Section(const Context& ctx, const YAML::Node& node, std::string key, Keys allowed)
        : ctx_(ctx), node_(node), key_(std::move(key)) {
        check_keys(allowed);
    }

    const Context& context() const { return ctx_; }
    std::string key(std::string_view name) const { return join_key(key_, name); }
    bool has(std::string_view name) const { return static_cast<bool>(child(name)); }

    [[noreturn]] void fail(std::string_view name, const std::string& message) const {
        throw ConfigError(ctx_.file, key(name), message);
    }

    // The scalar's text as written: `account_id: 15300002` and `account_id: "15300002"` both
    // read "15300002". nullopt when the key is absent.
    std::optional<std::string> text(std::string_view name) const {
        YAML::Node node = child(name);
        if (!node) {
            return std::nullopt;
        }
        if (node.IsNull()) {
            fail(name, "has no value");
        }
        if (!node.IsScalar()) {
            fail(name, "must be a string");
        }
        return node.Scalar();
    }

    std::string required_text(std::string_view name) const {
        auto value = text(name);
        if (!value) {
            fail(name, "is required");
        }
        return *value;
    }

    std::optional<bool> boolean(std::string_view name) const {
        YAML::Node node = child(name);
        bool value = false;
        if (!node) {
            return std::nullopt;
        }
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
            fail(name, "must be true or false");
        }
        return value;
    }

    std::optional<std::chrono::seconds> duration(std::string_view name) const {
        auto value = text(name);
        if (!value) {
            return std::nullopt;
        }
        try {
            return parse_duration(*value);
        } catch (const std::invalid_argument& e) {
            fail(name, quoted_before(*value) + "is not a duration such as 60s or 15m: " +
                           e.what());
        }
    }

    std::vector<std::string> string_list(std::string_view name) const;

    // The keys the mapping holds, in file order.
    std::vector<std::string> keys() const {
        std::vector<std::string> names;
        if (node_ && node_.IsMap()) {
            for (const auto& entry : node_) {
                names.push_back(entry.first.Scalar());
            }
        }
        return names;
    }

    Section section(std::string_view name, Keys allowed) const {
        return Section(ctx_, child(name), key(name), allowed);
    }

    YAML::Node child(std::string_view name) const {
        if (!node_ || node_.IsNull()) {
            return YAML::Node(YAML::NodeType::Undefined);
        }
        return node_[std::string(name)];
    }

private:
    void check_keys(Keys allowed) const;

    const Context& ctx_;
    YAML::Node node_;
    std::string key_;
};

void Section::check_keys(Keys allowed) const {
    if (!node_ || node_.IsNull()) {
        return;
    }
    if (!node_.IsMap()) {
        throw ConfigError(ctx_.file, key_, "must be a mapping");
    }
    std::set<std::string> seen;
    for (const auto& entry : node_) {
        if (!entry.first.IsScalar()) {
            throw ConfigError(ctx_.file, key_, "keys must be plain strings");
        }
        const std::string& name = entry.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            if (!is_plain_text(name)) {
                throw ConfigError(ctx_.file, key_,
                                  "unknown key (name not shown: not a plain key name)");
            }
            fail(name, "unknown key");
        }
        // yaml-cpp keeps both entries of a repeated key; the second would silently be ignored.
        if (!seen.insert(name).second) {
            fail(name, "appears twice");
        }
    }
}

std::vector<std::string> Section::string_list(std::string_view name) const {
    YAML::Node node = child(name);
    std::vector<std::string> values;
    if (!node || node.IsNull()) {
        return values;
    }
    if (!node.IsSequence()) {
        fail(name, "must be a list of strings");
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        if (!node[i].IsScalar()) {
            throw ConfigError(ctx_.file, index_key(key(name), i), "must be a string");
        }
        values.push_back(node[i].Scalar());
    }
    return values;
}

std::string resolve_path(const Context& ctx, const std::string& path) {
    fs::path resolved(path);
    if (resolved.is_relative() && !ctx.base_dir.empty()) {
        resolved = ctx.base_dir / resolved;
    }
    return resolved.string();
}

// Base URLs get paths appended ("/admin/accounts/..."), so a trailing slash would double up.
std::optional<std::string> read_url(const Section& section, std::string_view name) {
    auto url = section.text(name);
    if (!url) {
        return std::nullopt;
    }
    std::string problem;
    if (!parse_url(*url, &problem)) {
        section.fail(name, "is not a valid http or https URL: " + problem);
    }
    while (url->ends_with('/')) {
        url->pop_back();
    }
    return url;
}

}  // namespace

namespace {

// Units of Prometheus' duration syntax, largest first; each may appear once, in this order.
struct DurationUnit {
    std::string_view name;
    std::int64_t milliseconds;
};

constexpr DurationUnit kDurationUnits[] = {
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
};

// The index of the unit at the start of `text`, or -1. "ms" is tried before "m".
int match_unit(std::string_view text) {
    if (text.starts_with("ms")) {
        return 6;
    }
    for (int i = 0; i < 6; ++i) {
        if (text.starts_with(kDurationUnits[i].name)) {
            return i;
        }
    }
    return -1;
}

// Longer durations serve no purpose here, and capping them keeps every later sum in range,
// even in nanoseconds.
constexpr std::int64_t kMaxDurationMs = 100 * kDurationUnits[0].milliseconds;
constexpr const char* kTooLarge = "too large (at most 100y)";

std::int64_t read_number(std::string_view& text) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 10;
    std::int64_t number = 0;
    if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front())) == 0) {
        throw std::invalid_argument("expected a number");
    }
    while (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front())) != 0) {
        if (number > kMax) {
            throw std::invalid_argument(kTooLarge);
        }
        number = number * 10 + (text.front() - '0');
        text.remove_prefix(1);
    }
    return number;
}

std::int64_t add_term(std::int64_t total, std::int64_t number, std::int64_t unit_ms) {
    if (number > (kMaxDurationMs - total) / unit_ms) {
        throw std::invalid_argument(kTooLarge);
    }
    return total + number * unit_ms;
}

}  // namespace

std::chrono::seconds parse_duration(const std::string& text) {
    if (text.empty()) {
        throw std::invalid_argument("empty");
    }
    if (text.starts_with('-')) {
        throw std::invalid_argument("must not be negative");
    }
    if (text == "0") {
        return std::chrono::seconds(0);
    }

    std::string_view rest(text);
    std::int64_t total_ms = 0;
    int previous_unit = -1;
    while (!rest.empty()) {
        std::int64_t number = read_number(rest);
        int unit = match_unit(rest);
        if (unit < 0) {
            throw std::invalid_argument(rest.empty() ? "missing unit (ms, s, m, h, d, w or y)"
                                                     : "unknown unit (use ms, s, m, h, d, w or y)");
        }
        if (unit <= previous_unit) {
            throw std::invalid_argument("units must go from largest to smallest, each once");
        }
        rest.remove_prefix(kDurationUnits[unit].name.size());
        total_ms = add_term(total_ms, number, kDurationUnits[unit].milliseconds);
        previous_unit = unit;
    }
    return std::chrono::seconds(total_ms / 1000);
}

std::string auth_mode_name(AuthConfig::Mode mode) {
    switch (mode) {
        case AuthConfig::Mode::RingCentralJwt:
            return "ringcentral_jwt";
        case AuthConfig::Mode::EngageLogin:
            return "engage_login";
        case AuthConfig::Mode::ApiToken:
            return "api_token";
        case AuthConfig::Mode::BearerToken:
            return "bearer_token";
    }
    return "api_token";
}

ConfigError::ConfigError(std::string file, std::string key, const std::string& message)
    : std::runtime_error(file + ": " + (key.empty() ? "" : key + ": ") + message),
      file_(std::move(file)),
      key_(std::move(key)) {}

namespace {

PollConfig parse_poll(const Section& section) {
    PollConfig poll;
    poll.interval = section.duration("interval").value_or(poll.interval);
    // Left out, the timeout follows a short interval down rather than contradicting it.
    poll.timeout = section.duration("timeout").value_or(std::min(poll.timeout, poll.interval));
    poll.max_staleness = section.duration("max_staleness").value_or(poll.max_staleness);

    if (poll.interval < kMinPollInterval) {
        section.fail("interval", "must be at least " + seconds_text(kMinPollInterval) + ", got " +
                                     seconds_text(poll.interval));
    }
    if (poll.interval > kMaxPollInterval) {
        section.fail("interval", "must be at most " + seconds_text(kMaxPollInterval) + ", got " +
                                     seconds_text(poll.interval));
    }
    if (poll.timeout <= std::chrono::seconds(0)) {
        section.fail("timeout", "must be at least 1s");
    }
    if (poll.timeout > poll.interval) {
        section.fail("timeout",
                     "must not be longer than poll.interval (" + seconds_text(poll.interval) + ")");
    }
    if (poll.max_staleness < poll.interval) {
        section.fail("max_staleness", "must not be shorter than poll.interval (" +
                                          seconds_text(poll.interval) + ")");
    }
    if (poll.max_staleness > kMaxStaleness) {
        section.fail("max_staleness", "must be at most " + seconds_text(kMaxStaleness) +
                                          ", got " + seconds_text(poll.max_staleness));
    }
    return poll;
}

MetricsConfig parse_metrics(const Section& section) {
    MetricsConfig metrics;
    metrics.agent_info = section.boolean("agent_info").value_or(metrics.agent_info);
    return metrics;
}

// "HH:MM" (or "H:MM") to minutes after midnight; nullopt when malformed.
std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
        return std::nullopt;
    }
    auto hours = text.substr(0, colon);
    auto minutes = text.substr(colon + 1);
    if (!all_digits(hours) || !all_digits(minutes)) {
        return std::nullopt;
    }
    int h = std::stoi(std::string(hours));
    int m = std::stoi(std::string(minutes));
    if (h > 23 || m > 59) {
        return std::nullopt;
    }
    return std::chrono::minutes(h * 60 + m);
}

std::string read_timezone(const Section& section) {
    std::string name = section.required_text("timezone");
    try {
        date::locate_zone(name);
    } catch (const std::exception&) {
        section.fail("timezone", "unknown time zone" + quoted_after(name, "/+") +
                                     "; use an IANA name such as Europe/Berlin");
    }
    return name;
}

std::string read_ca_file(const Section& section) {
    // `ca_file: ""` is how a template says "none"; it keeps the system's CAs.
    auto path = section.text("ca_file");
    if (!path || path->empty()) {
        return "";
    }
    std::string resolved = resolve_path(section.context(), *path);
    std::error_code ignored;
    if (fs::is_directory(resolved, ignored)) {
        section.fail("ca_file", "cannot read file " + resolved + ": it is a directory");
    }
    std::ifstream in(resolved);
    if (!in) {
        section.fail("ca_file", "cannot read file " + resolved + ": " + std::strerror(errno));
    }
    return resolved;
}

}  // namespace

namespace {

constexpr std::string_view kTopKeys[] = {"poll", "metrics", "accounts"};
constexpr std::string_view kPollKeys[] = {"interval", "timeout", "max_staleness"};
constexpr std::string_view kMetricsKeys[] = {"agent_info"};
constexpr std::string_view kAccountKeys[] = {
    "account_id",  "api_url", "timezone",  "day_start",      "agent_group_ids",
    "agent_teams", "ca_file", "proxy_url", "proxy_url_file", "auth"};
constexpr std::string_view kAuthKeys[] = {
    "mode",          "ringcentral_url",    "auth_url",      "client_id",   "client_id_file",
    "client_secret", "client_secret_file", "jwt",           "jwt_file",    "username",
    "username_file", "password",           "password_file", "platform_id", "token",
    "token_file",
};

constexpr AuthConfig::Mode kModes[] = {
    AuthConfig::Mode::RingCentralJwt,
    AuthConfig::Mode::EngageLogin,
    AuthConfig::Mode::ApiToken,
    AuthConfig::Mode::BearerToken,
};

// The keys each mode reads: its secrets (all required, each inline or as `<name>_file`) and
// its plain settings.
struct ModeKeys {
    std::vector<std::string_view> secrets;
    std::vector<std::string_view> settings;
};

ModeKeys keys_of_mode(AuthConfig::Mode mode) {
    switch (mode) {
        case AuthConfig::Mode::RingCentralJwt:
            return {{"client_id", "client_secret", "jwt"}, {"ringcentral_url", "auth_url"}};
        case AuthConfig::Mode::EngageLogin:
            return {{"username", "password"}, {"auth_url", "platform_id"}};
        case AuthConfig::Mode::ApiToken:
        case AuthConfig::Mode::BearerToken:
            return {{"token"}, {}};
    }
    return {};
}

bool contains(const std::vector<std::string_view>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

AuthConfig::Mode read_mode(const Section& auth) {
    std::string name = auth.required_text("mode");
    for (auto mode : kModes) {
        if (auth_mode_name(mode) == name) {
            return mode;
        }
    }
    auth.fail("mode", "unknown mode" + quoted_after(name) +
                          "; use ringcentral_jwt, engage_login, api_token or bearer_token");
}

// A key that the mode does not read would be silently ignored (a token under ringcentral_jwt),
// which hides mistakes, so it is an error.
void check_mode_keys(const Section& auth, AuthConfig::Mode mode) {
    ModeKeys used = keys_of_mode(mode);
    for (const auto& name : auth.keys()) {
        std::string_view base = name;
        if (base.ends_with("_file")) {
            base.remove_suffix(5);
        }
        if (name != "mode" && !contains(used.secrets, base) && !contains(used.settings, name)) {
            auth.fail(name, "is not used with mode " + auth_mode_name(mode));
        }
    }
}

bool is_env_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) {
        return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

// A whole value of `${NAME}` names an environment variable. Messages never repeat the value:
// a password may well look like that.
Secret secret_from_value(const Section& auth, std::string_view name, const std::string& value) {
    if (!value.starts_with("${") || !value.ends_with('}')) {
        return Secret::from_inline(value);
    }
    std::string variable = value.substr(2, value.size() - 3);
    if (!is_env_name(variable)) {
        auth.fail(name, "looks like ${VARIABLE} but does not hold a valid variable name");
    }
    return Secret::from_env(variable);
}

// The secret under `name` or `<name>_file`, at least one of which the section holds. It is
// read now, so that a missing file or variable fails at start.
Secret read_given_secret(const Section& section, std::string_view name) {
    std::string inline_key(name);
    std::string file_key = inline_key + "_file";
    if (section.has(inline_key) && section.has(file_key)) {
        section.fail(name, "give either " + inline_key + " or " + file_key + ", not both");
    }

    bool from_file = section.has(file_key);
    Secret secret =
        from_file
            ? Secret::from_file(resolve_path(section.context(), section.required_text(file_key)))
            : secret_from_value(section, name, section.required_text(inline_key));
    std::string error;
    const auto value = secret.resolve(&error);
    if (!value) {
        section.fail(from_file ? file_key : inline_key, error);
    }
    const std::string problem = control_byte_problem(*value);
    if (!problem.empty()) {
        const std::string where = secret.source() == Secret::Source::Inline
                                      ? std::string("the value ")
                                      : "the value from " + secret.describe() + " ";
        section.fail(from_file ? file_key : inline_key,
                     where + problem + "; a secret is one line of text");
    }
    return secret;
}

Secret read_secret(const Section& auth, std::string_view name, AuthConfig::Mode mode) {
    std::string file_key = std::string(name) + "_file";
    if (!auth.has(name) && !auth.has(file_key)) {
        auth.fail(name, "is required for mode " + auth_mode_name(mode) + " (or " + file_key + ")");
    }
    return read_given_secret(auth, name);
}

// Optional. `proxy_url: ""` is how a template says "none", as with ca_file. The value is parsed
// now so that a typo fails at start rather than at every poll.
Secret read_proxy_url(const Section& account) {
    bool from_file = account.has("proxy_url_file");
    if (!from_file && (!account.has("proxy_url") || account.text("proxy_url")->empty())) {
        return Secret();
    }
    Secret secret = read_given_secret(account, "proxy_url");
    std::string error;
    if (!parse_proxy_url(secret.resolve().value_or(""), &error)) {
        account.fail(from_file ? "proxy_url_file" : "proxy_url",
                     "is not a valid proxy URL: " + error);
    }
    return secret;
}

void read_mode_settings(const Section& auth, AuthConfig& config) {
    switch (config.mode) {
        case AuthConfig::Mode::RingCentralJwt:
            config.ringcentral_url =
                read_url(auth, "ringcentral_url").value_or(config.ringcentral_url);
            config.auth_url = read_url(auth, "auth_url").value_or(config.auth_url);
            config.client_id = read_secret(auth, "client_id", config.mode);
            config.client_secret = read_secret(auth, "client_secret", config.mode);
            config.jwt = read_secret(auth, "jwt", config.mode);
            return;
        case AuthConfig::Mode::EngageLogin:
            config.auth_url = read_url(auth, "auth_url").value_or(config.auth_url);
            config.username = read_secret(auth, "username", config.mode);
            config.password = read_secret(auth, "password", config.mode);
            config.platform_id = auth.required_text("platform_id");
            return;
        case AuthConfig::Mode::ApiToken:
        case AuthConfig::Mode::BearerToken:
            config.token = read_secret(auth, "token", config.mode);
            return;
    }
}

AuthConfig parse_auth(const Section& account) {
    if (!account.has("auth")) {
        account.fail("auth", "is required");
    }
    Section auth = account.section("auth", kAuthKeys);
    AuthConfig config;
    config.mode = read_mode(auth);
    check_mode_keys(auth, config.mode);
    read_mode_settings(auth, config);
    return config;
}

std::string read_account_id(const Section& section) {
    std::string id = section.required_text("account_id");
    if (!all_digits(id)) {
        section.fail("account_id", "must be the account's number, digits only");
    }
    return id;
}

std::chrono::minutes read_day_start(const Section& section) {
    auto text = section.text("day_start");
    if (!text) {
        return std::chrono::minutes(0);
    }
    auto minutes = parse_time_of_day(*text);
    if (!minutes) {
        section.fail("day_start", quoted_before(*text, ":") +
                                      "is not a time of day as HH:MM, such as 06:00");
    }
    return *minutes;
}

AccountConfig parse_account(const Section& section) {
    AccountConfig account;
    account.account_id = read_account_id(section);
    account.api_url = read_url(section, "api_url").value_or(account.api_url);
    account.timezone = read_timezone(section);
    account.day_start = read_day_start(section);
    account.agent_group_ids = section.string_list("agent_group_ids");
    account.agent_teams = section.string_list("agent_teams");
    account.ca_file = read_ca_file(section);
    account.proxy_url = read_proxy_url(section);
    account.auth = parse_auth(section);
    return account;
}

std::vector<AccountConfig> parse_accounts(const Context& ctx, const YAML::Node& node) {
    if (!node || node.IsNull() || (node.IsSequence() && node.size() == 0)) {
        throw ConfigError(ctx.file, "accounts", "at least one account is required");
    }
    if (!node.IsSequence()) {
        throw ConfigError(ctx.file, "accounts", "must be a list of accounts");
    }

    std::vector<AccountConfig> accounts;
    std::map<std::string, std::size_t> first_index;
    for (std::size_t i = 0; i < node.size(); ++i) {
        std::string key = index_key("accounts", i);
        accounts.push_back(parse_account(Section(ctx, node[i], key, kAccountKeys)));
        auto [first, inserted] = first_index.emplace(accounts.back().account_id, i);
        if (!inserted) {
            throw ConfigError(
                ctx.file, join_key(key, "account_id"),
                "duplicate of " + index_key("accounts", first->second) + ".account_id");
        }
    }
    return accounts;
}

Config parse_root(const Context& ctx, const YAML::Node& root) {
    if (!root || root.IsNull()) {
        throw ConfigError(ctx.file, "", "the file is empty; it needs at least one account");
    }
    if (!root.IsMap()) {
        throw ConfigError(ctx.file, "", "must be a mapping with the keys poll, metrics, accounts");
    }

    Section top(ctx, root, "", kTopKeys);
    Config config;
    config.file = ctx.file;
    config.poll = parse_poll(top.section("poll", kPollKeys));
    config.metrics = parse_metrics(top.section("metrics", kMetricsKeys));
    config.accounts = parse_accounts(ctx, top.child("accounts"));
    return config;
}

}  // namespace

Config parse_config(const std::string& yaml_text, const std::string& file) {
    Context ctx{file, fs::path(file).parent_path()};
    YAML::Node root = detail::load_yaml(yaml_text, file);
    try {
        return parse_root(ctx, root);
    } catch (const YAML::Exception& e) {
        // Every read goes through checked accessors; this only turns a surprise from yaml-cpp
        // into an error that still names the file.
        throw ConfigError(file, "", "invalid YAML: " + e.msg);
    }
}

Config load_config(const std::string& path) {
    return parse_config(detail::read_config_file(path), path);
}

}  // namespace engagevoice
