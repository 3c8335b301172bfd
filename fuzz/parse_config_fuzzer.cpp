// parse_config on arbitrary text.
//
// Any input must end in a Config or a ConfigError: another exception escaping, a crash or a
// leak is a bug. The file is named as if it sat beside the valid configuration fixtures, so that
// relative secret files (../secrets/api_token) resolve, and ENGAGEVOICE_TEST_TOKEN is set for
// ${ENGAGEVOICE_TEST_TOKEN}.
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

void check_error(const ConfigError& error) {
    check(error.file() == kFile, "errors name the file");
    check(std::string(error.what()).starts_with(kFile + ": "), "messages start with the file");
}

}  // namespace
}  // namespace engagevoice

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    setenv("ENGAGEVOICE_TEST_TOKEN", "fuzz-token", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace engagevoice;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        check_config(parse_config(text, kFile));
    } catch (const ConfigError& error) {
        check_error(error);
    }
    return 0;
}
