// WebRoutes::handle with a request, an account list and a metrics page built from the input.
//
// Checks the answer of every route: a status from the documented set, 405 with Allow, the
// metrics page passed through as it is, and a landing page whose markup the account texts
// (which come from the configuration and from upstream errors) cannot change.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/web_routes.hpp"
#include "fuzz_check.hpp"

namespace engagevoice {
namespace {

using fuzz::check;
using TimePoint = std::chrono::system_clock::time_point;

struct Inputs {
    std::string telemetry_path;
    std::string page;
    bool page_throws = false;
    bool ready = false;
    // 0: no reload route; 1: reload succeeds; 2: it is refused; 3: it throws.
    int reload = 0;
    std::string reload_error;
    std::vector<AccountSummary> accounts;
    ServerRequest request;
};

std::optional<TimePoint> take_time(FuzzedDataProvider& input) {
    if (!input.ConsumeBool()) {
        return std::nullopt;
    }
    return TimePoint(TimePoint::duration(input.ConsumeIntegral<std::int64_t>()));
}

AccountSummary take_account(FuzzedDataProvider& input) {
    AccountSummary account;
    account.account_id = input.ConsumeRandomLengthString(32);
    account.timezone = input.ConsumeRandomLengthString(32);
    account.finished_first_poll = input.ConsumeBool();
    account.last_poll_ok = input.ConsumeBool();
    account.stale = input.ConsumeBool();
    account.last_success = take_time(input);
    account.last_error = input.ConsumeRandomLengthString(64);
    account.agents = input.ConsumeIntegral<std::size_t>();
    account.auth.mode = input.ConsumeRandomLengthString(16);
    account.auth.signs_in = input.ConsumeBool();
    account.auth.token_expiry = take_time(input);
    account.auth.last_sign_in = take_time(input);
    account.auth.last_error = input.ConsumeRandomLengthString(64);
    return account;
}

ServerRequest take_request(FuzzedDataProvider& input, const std::string& telemetry_path) {
    ServerRequest request;
    const char* methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"};
    request.method = input.ConsumeBool() ? std::string(input.PickValueInArray(methods))
                                         : input.ConsumeRandomLengthString(8);
    const char* paths[] = {"/", "/-/healthy", "/-/ready", "/-/reload", "/metrics", "/nope"};
    request.target = input.ConsumeBool() ? telemetry_path : input.PickValueInArray(paths);
    request.target += input.ConsumeRandomLengthString(32);
    const auto headers = input.ConsumeIntegralInRange(0, 4);
    for (int i = 0; i < headers; ++i) {
        request.headers.emplace_back(input.ConsumeRandomLengthString(16),
                                     input.ConsumeRandomLengthString(32));
    }
    request.remote_address = "127.0.0.1:40000";
    request.body = input.ConsumeRemainingBytesAsString();
    return request;
}

Inputs take_inputs(FuzzedDataProvider& input) {
    Inputs in;
    in.telemetry_path =
        input.ConsumeBool() ? "/metrics" : "/" + input.ConsumeRandomLengthString(16);
    in.page = input.ConsumeRandomLengthString(256);
    in.page_throws = input.ConsumeIntegralInRange(0, 15) == 0;
    in.ready = input.ConsumeBool();
    in.reload = input.ConsumeIntegralInRange(0, 3);
    in.reload_error = input.ConsumeRandomLengthString(32);
    const auto accounts = input.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < accounts; ++i) {
        in.accounts.push_back(take_account(input));
    }
    in.request = take_request(input, in.telemetry_path);
    return in;
}

WebRoutes make_routes(const Inputs& in, std::vector<AccountSummary> accounts) {
    WebRoutesOptions options;
    options.telemetry_path = in.telemetry_path;
    options.render_metrics = [&in] {
        if (in.page_throws) {
            throw std::runtime_error("no page");
        }
        return in.page;
    };
    options.ready = [&in] { return in.ready; };
    options.accounts = [accounts] { return accounts; };
    if (in.reload != 0) {
        options.reload = [&in]() -> std::optional<std::string> {
            if (in.reload == 3) {
                throw std::runtime_error("no reload");
            }
            return in.reload == 1 ? std::nullopt : std::optional(in.reload_error);
        };
    }
    return WebRoutes(std::move(options));
}

std::size_t count(std::string_view text, std::string_view what) {
    std::size_t found = 0;
    for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) {
        ++found;
    }
    return found;
}

// Each account row adds 16 tags; anything else would be markup smuggled in through its texts.
void check_landing_page(const Inputs& in, const ServerResponse& response) {
    ServerRequest plain;
    plain.method = "GET";
    plain.target = "/";
    const auto empty = make_routes(in, {}).handle(plain);
    check(count(response.body, "<") == count(empty.body, "<") + 16 * in.accounts.size(),
          "account texts add no markup to the landing page");
    check(count(response.body, "<tr>") == in.accounts.size() + 1, "one row per account");
}

void check_response(const Inputs& in, const ServerResponse& response) {
    const int status = response.status;
    check(status == 200 || status == 404 || status == 405 || status == 500 || status == 503,
          "the status is one the routes answer");
    if (status == 405) {
        check(!find_header(response.headers, "Allow").empty(), "405 names the methods");
    }
    const std::string path = in.request.path();
    if (path == "/-/reload" && in.reload != 0) {
        return;
    }
    if (status == 200 && path == in.telemetry_path) {
        check(response.body == in.page, "the metrics page is passed through");
    } else if (status == 200 && path == "/") {
        check_landing_page(in, response);
    }
    for (const auto& [name, value] : response.headers) {
        check(name.find_first_of("\r\n") == std::string::npos &&
                  value.find_first_of("\r\n") == std::string::npos,
              "headers hold no line breaks");
    }
}

}  // namespace
}  // namespace engagevoice

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace engagevoice;
    FuzzedDataProvider input(data, size);
    const Inputs in = take_inputs(input);
    const auto routes = make_routes(in, in.accounts);
    check_response(in, routes.handle(in.request));
    return 0;
}
