// parse_config on arbitrary text.
//
// Any input must end in a Config or a ConfigError: another exception escaping, a crash or a
// leak is a bug. The file is named as if it sat beside the valid configuration fixtures, so that
// relative secret files (../secrets/api_token) resolve, and ENGAGEVOICE_TEST_TOKEN is set for
// ${ENGAGEVOICE_TEST_TOKEN}. No error message may hold a secret read from those files or that
// variable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engagevoice/config.hpp"
#include "fuzz_check.hpp"

namespace engagevoice {
namespace {

using fuzz::check;

const std::string kFile = ENGAGEVOICE_FIXTURES_DIR "/config/valid/fuzz.yml";
const std::string kEnvSecret = "fuzz-env-secret-value";

// The values of the secret fixtures and of the variable, or the parts of them that are secret.
const std::string kSecrets[] = {
    "fixture-api-token",    "fixture-client-id",      "fixture-client-secret",
    "eyJfixture.jwt.value", "fixture-proxy-password", kEnvSecret,
};

void check_config(const Config& config) {
    check(config.file == kFile, "the config names its file");
    check(!config.accounts.empty(), "a config has an account");
    check(config.poll.interval >= kMinPollInterval && config.poll.interval <= kMaxPollInterval,
          "poll.interval is within its bounds");
    check(config.poll.timeout > std::chrono::seconds(0) &&
              config.poll.timeout <= config.poll.interval,
          "poll.timeout is within its bounds");
    check(config.poll.max_staleness >= config.poll.interval &&
              config.poll.max_staleness <= kMaxStaleness,
          "poll.max_staleness is within its bounds");
    for (const auto& account : config.accounts) {
        check(!account.account_id.empty(), "accounts have an id");
        check(!account.api_url.ends_with('/'), "base URLs have no trailing slash");
        check(account.day_start >= std::chrono::minutes(0) &&
                  account.day_start < std::chrono::hours(24),
              "day_start is a time of day");
    }
}

void check_error(const ConfigError& error, const std::string& text) {
    const std::string message = error.what();
    check(error.file() == kFile, "errors name the file");
    check(message.starts_with(kFile + ": "), "messages start with the file");
    for (const auto& secret : kSecrets) {
        // Only a message about text that holds the value itself may repeat it.
        check(text.find(secret) != std::string::npos || message.find(secret) == std::string::npos,
              "messages hold no secret read from a file or the environment");
    }
}

}  // namespace
}  // namespace engagevoice

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    setenv("ENGAGEVOICE_TEST_TOKEN", engagevoice::kEnvSecret.c_str(), 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace engagevoice;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        check_config(parse_config(text, kFile));
    } catch (const ConfigError& error) {
        check_error(error, text);
    }
    return 0;
}
