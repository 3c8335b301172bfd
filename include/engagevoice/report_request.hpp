// The request for the Agent Session Report, as UPSTREAM.md documents it.
#pragma once

#include <string>
#include <vector>

#include "engagevoice/business_day.hpp"

namespace engagevoice {

struct ReportFilters {
    std::vector<std::string> agent_group_ids;
    std::vector<std::string> agent_teams;
};

// The path below the API base URL: "/admin/accounts/{account_id}/reportsStreaming".
std::string report_path(const std::string& account_id);

// The JSON body for `day` in the IANA zone `timezone_name`, with optional filters.
std::string report_request_body(const BusinessDay& day, const std::string& timezone_name,
                                const ReportFilters& filters);

}  // namespace engagevoice
