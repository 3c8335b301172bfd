// The routes the HTTP fuzzers serve: every path answers, with one account on the landing page.
#pragma once

#include <string>
#include <vector>

#include "engagevoice/web_routes.hpp"

namespace engagevoice::fuzz {

inline WebRoutesOptions example_routes() {
    WebRoutesOptions options;
    options.telemetry_path = "/metrics";
    options.render_metrics = [] { return std::string("engagevoice_up{account_id=\"1\"} 1\n"); };
    options.ready = [] { return true; };
    options.accounts = [] {
        AccountSummary account;
        account.account_id = "15300002";
        account.timezone = "UTC";
        return std::vector<AccountSummary>{account};
    };
    return options;
}

}  // namespace engagevoice::fuzz
