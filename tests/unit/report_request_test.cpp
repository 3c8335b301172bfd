#include "engagevoice/report_request.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using engagevoice::BusinessDay;
using engagevoice::report_path;
using engagevoice::report_request_body;
using engagevoice::ReportFilters;

namespace {

BusinessDay sample_day() {
    BusinessDay day;
    day.date = "2026-11-16";
    day.start_local = "2026-11-16 00:00:00";
    day.end_local = "2026-11-16 20:00:00";
    return day;
}

}  // namespace

TEST_CASE("report request path names the account", "[report_request]") {
    CHECK(report_path("15300002") == "/admin/accounts/15300002/reportsStreaming");
}

TEST_CASE("report request body has exactly the documented fields", "[report_request]") {
    const auto body = nlohmann::json::parse(report_request_body(sample_day(), "US/Eastern", {}));

    const auto expected = nlohmann::json::parse(R"({
        "reportId": null, "destination": null, "delimiter": "COMMA",
        "reportType": "CASPER_REPORT", "cciReport": true,
        "reportTypeName": "Agent_Session_Report_Raw",
        "reportCriteria": {"rollupAgent": "", "agentTeams": [], "secureAgentGroupIds": "",
            "agentGroupIds": [], "secureAgentIds": "", "agentIds": [],
            "startTimestamp": "2026-11-16 00:00:00", "endTimestamp": "2026-11-16 20:00:00",
            "timezoneName": "US/Eastern", "criteriaType": "CASPER_CRITERIA",
            "reportName": "Agent_Session_Report_Raw", "returnType": "CSV",
            "schedule": {"repeatOption": "ONCE"}, "accountIds": []}})");
    CHECK(body == expected);
}

TEST_CASE("report request body keeps the documented key order", "[report_request]") {
    const auto text = report_request_body(sample_day(), "US/Eastern", {});

    CHECK(text.rfind(R"({"reportId":null,"destination":null,"delimiter":"COMMA",)", 0) == 0);
    CHECK(text.find(R"("startTimestamp":"2026-11-16 00:00:00","endTimestamp")") !=
          std::string::npos);
}

TEST_CASE("report request body carries the filters", "[report_request]") {
    ReportFilters filters;
    filters.agent_group_ids = {"101", "102"};
    filters.agent_teams = {"Inbound East"};

    const auto body =
        nlohmann::json::parse(report_request_body(sample_day(), "Europe/Berlin", filters));

    const auto& criteria = body.at("reportCriteria");
    CHECK(criteria.at("agentGroupIds") == nlohmann::json{"101", "102"});
    CHECK(criteria.at("agentTeams") == nlohmann::json{"Inbound East"});
    CHECK(criteria.at("agentIds") == nlohmann::json::array());
    CHECK(criteria.at("timezoneName") == "Europe/Berlin");
}

TEST_CASE("report request body does not throw on a filter that is not utf-8", "[report_request]") {
    ReportFilters filters;
    filters.agent_teams = {"bad \xFF team"};

    std::string text;
    REQUIRE_NOTHROW(text = report_request_body(sample_day(), "US/Eastern", filters));
    CHECK(nlohmann::json::parse(text).at("reportCriteria").at("agentTeams").size() == 1);
}
