#include "engagevoice/report_request.hpp"

#include <nlohmann/json.hpp>

namespace engagevoice {

std::string report_path(const std::string& account_id) {
    return "/admin/accounts/" + account_id + "/reportsStreaming";
}

// ordered_json keeps the keys in the order of the documented example, which makes the body easy
// to compare with it when reading a trace.
std::string report_request_body(const BusinessDay& day, const std::string& timezone_name,
                                const ReportFilters& filters) {
    nlohmann::ordered_json criteria = {
        {"rollupAgent", ""},
        {"agentTeams", filters.agent_teams},
        {"secureAgentGroupIds", ""},
        {"agentGroupIds", filters.agent_group_ids},
        {"secureAgentIds", ""},
        {"agentIds", nlohmann::ordered_json::array()},
        {"startTimestamp", day.start_local},
        {"endTimestamp", day.end_local},
        {"timezoneName", timezone_name},
        {"criteriaType", "CASPER_CRITERIA"},
        {"reportName", "Agent_Session_Report_Raw"},
        {"returnType", "CSV"},
        {"schedule", {{"repeatOption", "ONCE"}}},
        {"accountIds", nlohmann::ordered_json::array()},
    };
    const nlohmann::ordered_json body = {
        {"reportId", nullptr},
        {"destination", nullptr},
        {"delimiter", "COMMA"},
        {"reportType", "CASPER_REPORT"},
        {"cciReport", true},
        {"reportTypeName", "Agent_Session_Report_Raw"},
        {"reportCriteria", std::move(criteria)},
    };
    // Replace rather than throw on a filter that is not valid UTF-8: this runs on the poll path.
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace engagevoice
