// The `render` command: a saved report in, the metrics page it would produce out.
#pragma once

#include <string>

#include "engagevoice/report.hpp"
#include "engagevoice/result.hpp"

namespace engagevoice {

struct RenderedReport {
    std::string page;
    // Rows left out because a value did not parse; the page holds the others.
    std::vector<InvalidRow> invalid;
};

// Parses `body` with times in the IANA zone `timezone` and returns the per-agent metrics page
// for `account_id`. Fails with Kind::Parse when the body is not a report, or when the zone is
// unknown.
Result<RenderedReport> render_report(const std::string& body, const std::string& timezone,
                                     const std::string& account_id, bool agent_info = true);

}  // namespace engagevoice
