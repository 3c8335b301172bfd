#include "engagevoice/report.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

using engagevoice::parse_report;
using engagevoice::parse_report_time;
using engagevoice::ParsedReport;
using engagevoice::PollError;
using engagevoice::required_report_columns;
using engagevoice::SessionRow;
using engagevoice::SysSeconds;

namespace {

const date::time_zone& eastern() { return *date::locate_zone("US/Eastern"); }

SysSeconds at(long long epoch_seconds) { return SysSeconds{std::chrono::seconds{epoch_seconds}}; }

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(ENGAGEVOICE_FIXTURES_DIR) + "/reports/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

using Cells = std::vector<std::pair<std::string, std::string>>;

// A valid session in the report's own column order, all 39 columns.
const Cells& sample_cells() {
    static const Cells cells = {
        {"Agent ID", "2001001"},
        {"Last Name", "Rivera"},
        {"First Name", "Ana"},
        {"Username", "ana.rivera@example.com"},
        {"Phone", "5550100"},
        {"Login DTS", "11/16/26 8:02 AM"},
        {"Logout DTS", "11/16/26 12:01 PM"},
        {"Dial Group", "Sales Inbound"},
        {"Presented", "44"},
        {"Accepted", "41"},
        {"Manual No Connect", "0"},
        {"RNA", "3"},
        {"Disp Xfers", "2"},
        {"%Calls Xfered", "4.88%"},
        {"Talk Time (min)", "122.02"},
        {"Avg Talk Time (min)", "2.98"},
        {"Login Time (min)", "238.78"},
        {"Login Utilization", "51.10%"},
        {"Off Hook Time (min)", "238.75"},
        {"Rounded OH Time (min)", "239.00"},
        {"Off Hook Utilization", "51.11%"},
        {"Off Hook to Login %", "99.99%"},
        {"Work Time (min)", "223.78"},
        {"Break Time (min)", "15.00"},
        {"Away Time (min)", ".00"},
        {"Lunch Time (min)", ".00"},
        {"Training Time (min)", ".00"},
        {"Pending Disp Time (min)", "14.67"},
        {"Avg Pending Disp Time", "0.36"},
        {"External Agent ID", "E-101"},
        {"Calls Placed On Hold", "6"},
        {"Time On Hold (min)", "6.83"},
        {"Ring Time (min)", "1.58"},
        {"EngagedTime (min)", "130.43"},
        {"RNA Time (min)", "1.02"},
        {"Available Time (min)", "93.35"},
        {"Team", "Inbound East"},
        {"Login Session ID", "900000101"},
        {"Monitoring Sessions", "1"},
    };
    return cells;
}

std::string quote(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        return value;
    }
    std::string quoted = "\"";
    for (const char c : value) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return quoted + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) {
            line += ',';
        }
        line += quote(fields[i]);
    }
    return line + "\r\n";
}

std::string header_line() {
    std::vector<std::string> names;
    for (const auto& [name, value] : sample_cells()) {
        names.push_back(name);
    }
    return csv_line(names);
}

// The sample row with some cells replaced.
std::string row_line(const std::map<std::string, std::string>& changes = {}) {
    std::vector<std::string> values;
    for (const auto& [name, value] : sample_cells()) {
        const auto changed = changes.find(name);
        values.push_back(changed == changes.end() ? value : changed->second);
    }
    return csv_line(values);
}

ParsedReport parse_ok(const std::string& body) {
    auto report = parse_report(body, eastern());
    if (!report) {
        FAIL("parse failed: " << report.error().message);
    }
    return std::move(report).value();
}

PollError parse_failure(const std::string& body) {
    const auto report = parse_report(body, eastern());
    REQUIRE_FALSE(report);
    CHECK(report.error().kind == PollError::Kind::Parse);
    return report.error();
}

}  // namespace

TEST_CASE("report reads every column of a session row", "[report]") {
    const auto report = parse_ok(header_line() + row_line());

    REQUIRE(report.rows.size() == 1);
    CHECK(report.invalid.empty());
    const SessionRow& row = report.rows[0];
    CHECK(row.agent_id == "2001001");
    CHECK(row.last_name == "Rivera");
    CHECK(row.first_name == "Ana");
    CHECK(row.username == "ana.rivera@example.com");
    CHECK(row.dial_group == "Sales Inbound");
    CHECK(row.external_agent_id == "E-101");
    CHECK(row.team == "Inbound East");
    CHECK(row.login_session_id == "900000101");
    CHECK(row.login == at(1794834120));
    CHECK(row.logout == at(1794848460));
    CHECK(row.figures.presented == 44);
    CHECK(row.figures.accepted == 41);
    CHECK(row.figures.manual_no_connect == 0);
    CHECK(row.figures.rna == 3);
    CHECK(row.figures.disp_xfers == 2);
    CHECK(row.figures.calls_placed_on_hold == 6);
    CHECK(row.figures.monitoring_sessions == 1);
    CHECK(row.figures.talk_min100 == 12202);
    CHECK(row.figures.login_min100 == 23878);
    CHECK(row.figures.off_hook_min100 == 23875);
    CHECK(row.figures.rounded_off_hook_min100 == 23900);
    CHECK(row.figures.work_min100 == 22378);
    CHECK(row.figures.break_min100 == 1500);
    CHECK(row.figures.away_min100 == 0);
    CHECK(row.figures.lunch_min100 == 0);
    CHECK(row.figures.training_min100 == 0);
    CHECK(row.figures.pending_disp_min100 == 1467);
    CHECK(row.figures.hold_min100 == 683);
    CHECK(row.figures.ring_min100 == 158);
    CHECK(row.figures.engaged_min100 == 13043);
    CHECK(row.figures.rna_min100 == 102);
    CHECK(row.figures.available_min100 == 9335);
    CHECK(row.login_utilization_pct100 == 5110);
    CHECK(row.off_hook_utilization_pct100 == 5111);
}

TEST_CASE("report finds columns by header name in any order", "[report]") {
    // Reverse the columns, pad the header names with spaces and add one the parser does not know.
    std::vector<std::string> names{"New Column"};
    std::vector<std::string> values{"whatever"};
    for (auto cell = sample_cells().rbegin(); cell != sample_cells().rend(); ++cell) {
        names.push_back("  " + cell->first + " ");
        values.push_back(cell->second);
    }

    const auto report = parse_ok(csv_line(names) + csv_line(values));

    REQUIRE(report.rows.size() == 1);
    CHECK(report.invalid.empty());
    CHECK(report.rows[0].agent_id == "2001001");
    CHECK(report.rows[0].figures.engaged_min100 == 13043);
    CHECK(report.rows[0].login_session_id == "900000101");
}

TEST_CASE("report needs only the mapped columns", "[report]") {
    const auto& needed = required_report_columns();
    std::vector<std::string> names;
    std::vector<std::string> values;
    for (const auto& [name, value] : sample_cells()) {
        if (std::find(needed.begin(), needed.end(), name) != needed.end()) {
            names.push_back(name);
            values.push_back(value);
        }
    }

    const auto report = parse_ok(csv_line(names) + csv_line(values));

    CHECK(names.size() == 34);
    REQUIRE(report.rows.size() == 1);
    CHECK(report.rows[0].figures.talk_min100 == 12202);
}

TEST_CASE("report lists the columns it needs", "[report]") {
    const auto& needed = required_report_columns();

    CHECK(needed.size() == 34);
    CHECK(std::find(needed.begin(), needed.end(), "EngagedTime (min)") != needed.end());
    CHECK(std::find(needed.begin(), needed.end(), "Login Session ID") != needed.end());
    CHECK(std::find(needed.begin(), needed.end(), "Phone") == needed.end());
    CHECK(std::find(needed.begin(), needed.end(), "Avg Talk Time (min)") == needed.end());
    CHECK(std::find(needed.begin(), needed.end(), "Off Hook to Login %") == needed.end());
}

TEST_CASE("report without a needed column fails naming it", "[report]") {
    SECTION("the missing column fixture") {
        const auto error = parse_failure(read_fixture("missing_column.csv"));
        CHECK(error.message == "report is missing column \"Login Time (min)\"");
    }
    SECTION("several columns") {
        const auto error = parse_failure("Agent ID,Team\r\n1,A\r\n");
        CHECK(error.message.rfind("report is missing columns \"Last Name\", ", 0) == 0);
        CHECK(error.message.find("\"Monitoring Sessions\"") != std::string::npos);
        CHECK(error.message.find("\"Agent ID\"") == std::string::npos);
    }
    SECTION("every column: a first line that is no report header") {
        const auto error = parse_failure(std::string("\x1f\x8b\x08\x00,\x80\r\n", 8));
        CHECK(error.message ==
              "report has none of the needed columns: its first line is not the report's header");
    }
}

TEST_CASE("report refuses bodies that are not csv", "[report]") {
    SECTION("html") {
        const auto error = parse_failure("<html><body>502 Bad Gateway</body></html>");
        CHECK(error.message == "report is not CSV: line 1 looks like HTML");
    }
    SECTION("html after blank lines") {
        const auto error = parse_failure("\r\n\n  <!DOCTYPE html>");
        CHECK(error.message == "report is not CSV: line 3 looks like HTML");
    }
    SECTION("json object") {
        const auto error = parse_failure(R"({"Errors":{"generalMessage":"no"}})");
        CHECK(error.message == "report is not CSV: line 1 looks like JSON");
    }
    SECTION("json array") {
        const auto error = parse_failure("\xEF\xBB\xBF[1,2]");
        CHECK(error.message == "report is not CSV: line 1 looks like JSON");
    }
    SECTION("empty") {
        CHECK(parse_failure("").message == "report body is empty");
        CHECK(parse_failure(" \r\n\r\n").message == "report body is empty");
        CHECK(parse_failure("\xEF\xBB\xBF").message == "report body is empty");
    }
}

TEST_CASE("report with a csv syntax error fails naming the line", "[report]") {
    SECTION("in the header") {
        const auto error = parse_failure("Agent ID,\"Team\r\n");
        CHECK(error.message == "report is not valid CSV: line 1: unterminated quoted field");
    }
    SECTION("in a row") {
        const auto body =
            header_line() + row_line() + row_line({{"Last Name", "x"}}) + "2001009,Bro\"ken,x\r\n";
        const auto error = parse_failure(body);
        CHECK(error.message == "report is not valid CSV: line 4: quote inside an unquoted field");
    }
}

TEST_CASE("report cut in the middle of a row fails rather than pass for a whole one",
          "[report]") {
    const std::string whole = header_line() + row_line() + row_line({{"Agent ID", "2001002"}});
    const std::string last = row_line({{"Agent ID", "2001002"}});

    SECTION("cut inside a field") {
        const auto body = whole.substr(0, whole.size() - last.size() / 2);
        const auto error = parse_failure(body);
        CHECK(error.message ==
              "report ends in the middle of row 2 (line 3): the body was cut short");
    }
    SECTION("cut right after a comma") {
        const auto body = whole.substr(0, whole.size() - last.size() + last.find(',') + 1);
        CHECK_THAT(parse_failure(body).message, Catch::Contains("the body was cut short"));
    }
    SECTION("cut inside a quoted field") {
        const auto body = header_line() + row_line() + "2001002,\"Rivera, J";
        CHECK_THAT(parse_failure(body).message, Catch::Contains("unterminated quoted field"));
    }
}

TEST_CASE("report reads what no cut can be seen in", "[report]") {
    const std::string whole = header_line() + row_line() + row_line({{"Agent ID", "2001002"}});

    SECTION("a short last row that ends its line is left out, the rest served") {
        const auto report = parse_ok(header_line() + row_line() + "2001002,Rivera\r\n");
        CHECK(report.rows.size() == 1);
        CHECK(report.invalid.size() == 1);
    }
    SECTION("a whole last row without a final line end") {
        const auto report = parse_ok(whole.substr(0, whole.size() - 2));
        CHECK(report.rows.size() == 2);
        CHECK(report.invalid.empty());
    }
    SECTION("a cut at a line end") {
        const auto report = parse_ok(header_line() + row_line());
        CHECK(report.rows.size() == 1);
    }
    SECTION("trailing blanks after the last line end") {
        const auto report = parse_ok(header_line() + row_line() + "2001002,Rivera\r\n  ");
        CHECK(report.rows.size() == 1);
        CHECK(report.invalid.size() == 1);
    }
}

TEST_CASE("report with only a header has no rows", "[report]") {
    const auto report = parse_ok(read_fixture("header_only.csv"));

    CHECK(report.rows.empty());
    CHECK(report.invalid.empty());
}

TEST_CASE("report leaves out a row whose value does not parse", "[report]") {
    struct Case {
        std::string column;
        std::string value;
        std::string reason;
    };
    const auto bad = GENERATE(values<Case>({
        {"Presented", "4.5", "not a whole number"},
        {"Monitoring Sessions", "-1", "not a whole number"},
        {"Talk Time (min)", "12.345", "not a decimal number of minutes"},
        {"EngagedTime (min)", "n/a", "not a decimal number of minutes"},
        {"Login Utilization", "51.1.0%", "not a percentage"},
        {"Login DTS", "2026-11-16 08:02", "not a report time"},
        {"Logout DTS", "11/16/26 25:01 PM", "not a report time"},
        {"Login DTS", "", "is empty"},
        {"Agent ID", " ", "is empty"},
    }));
    const auto body = header_line() + row_line({{"Agent ID", "1"}}) +
                      row_line({{bad.column, bad.value}}) + row_line({{"Agent ID", "3"}});

    const auto report = parse_ok(body);

    REQUIRE(report.rows.size() == 2);
    CHECK(report.rows[0].agent_id == "1");
    CHECK(report.rows[1].agent_id == "3");
    REQUIRE(report.invalid.size() == 1);
    CHECK(report.invalid[0].row == 2);
    CHECK(report.invalid[0].line == 3);
    CHECK(report.invalid[0].column == bad.column);
    CHECK(report.invalid[0].reason == bad.reason);
}

TEST_CASE("report reasons never quote the value", "[report]") {
    const auto body = header_line() + row_line({{"Login DTS", "Ana Rivera 555-0100"}});

    const auto report = parse_ok(body);

    REQUIRE(report.invalid.size() == 1);
    CHECK(report.invalid[0].reason.find("Rivera") == std::string::npos);
    CHECK(report.invalid[0].reason.find("555") == std::string::npos);
}

TEST_CASE("report leaves out a row with the wrong number of fields", "[report]") {
    const auto body = header_line() + "2001001,Rivera,Ana\r\n" + row_line() + row_line() + "\r\n" +
                      row_line().substr(0, row_line().size() - 2) + ",extra\r\n";

    const auto report = parse_ok(body);

    CHECK(report.rows.size() == 2);
    REQUIRE(report.invalid.size() == 2);
    CHECK(report.invalid[0].row == 1);
    CHECK(report.invalid[0].line == 2);
    CHECK(report.invalid[0].column.empty());
    CHECK(report.invalid[0].reason == "has 3 fields where the header has 39");
    CHECK(report.invalid[1].row == 4);
    CHECK(report.invalid[1].line == 6);
    CHECK(report.invalid[1].reason == "has 40 fields where the header has 39");
}

TEST_CASE("report reads an empty logout as an open session", "[report]") {
    const auto report = parse_ok(header_line() + row_line({{"Logout DTS", ""}}));

    REQUIRE(report.rows.size() == 1);
    CHECK_FALSE(report.rows[0].logout.has_value());
    CHECK(report.rows[0].login == at(1794834120));
}

TEST_CASE("report reads an empty number cell as zero", "[report]") {
    const auto report = parse_ok(
        header_line() +
        row_line({{"Presented", ""}, {"Talk Time (min)", " "}, {"Off Hook Utilization", ""}}));

    REQUIRE(report.rows.size() == 1);
    CHECK(report.invalid.empty());
    CHECK(report.rows[0].figures.presented == 0);
    CHECK(report.rows[0].figures.talk_min100 == 0);
    CHECK(report.rows[0].off_hook_utilization_pct100 == 0);
    CHECK(report.rows[0].figures.accepted == 41);
}

TEST_CASE("report keeps a row with empty optional text", "[report]") {
    const auto report = parse_ok(header_line() + row_line({{"Dial Group", ""},
                                                           {"External Agent ID", ""},
                                                           {"Team", ""},
                                                           {"Login Session ID", ""}}));

    REQUIRE(report.rows.size() == 1);
    CHECK(report.invalid.empty());
    CHECK(report.rows[0].dial_group.empty());
    CHECK(report.rows[0].team.empty());
    CHECK(report.rows[0].login_session_id.empty());
}

TEST_CASE("report trims spaces around text cells", "[report]") {
    const auto report =
        parse_ok(header_line() + row_line({{"Agent ID", " 2001001 "}, {"Team", "Inbound East "}}));

    REQUIRE(report.rows.size() == 1);
    CHECK(report.rows[0].agent_id == "2001001");
    CHECK(report.rows[0].team == "Inbound East");
}

TEST_CASE("report reads a large body", "[report]") {
    std::string body = header_line();
    for (int i = 0; i < 2000; ++i) {
        body += row_line({{"Agent ID", std::to_string(3000000 + i)},
                          {"Login Session ID", std::to_string(i)},
                          {"Talk Time (min)", "1,234.56"}});
    }

    const auto report = parse_ok(body);

    REQUIRE(report.rows.size() == 2000);
    CHECK(report.invalid.empty());
    CHECK(report.rows[1999].agent_id == "3001999");
    CHECK(report.rows[1999].figures.talk_min100 == 123456);
}

TEST_CASE("report reads the busy day fixture", "[report][fixture]") {
    const auto report = parse_ok(read_fixture("busy_day.csv"));

    CHECK(report.invalid.empty());
    REQUIRE(report.rows.size() == 10);

    SECTION("first session, a morning login") {
        const auto& row = report.rows[0];
        CHECK(row.agent_id == "2001001");
        CHECK(row.login == at(1794834120));
        CHECK(row.logout == at(1794848460));
        CHECK(row.external_agent_id == "E-101");
        CHECK(row.figures.monitoring_sessions == 1);
    }
    SECTION("an open session after noon") {
        const auto& row = report.rows[1];
        CHECK(row.login == at(1794851100));
        CHECK_FALSE(row.logout.has_value());
        CHECK(row.figures.rna_min100 == 37);
        CHECK(row.figures.away_min100 == 400);
    }
    SECTION("quoted names, thousands separators and a login just after midnight") {
        const auto& row = report.rows[2];
        CHECK(row.last_name == "O'Neil, Jr.");
        CHECK(row.login == at(1794805500));
        CHECK(row.figures.login_min100 == 101188);
        CHECK(row.figures.off_hook_min100 == 101185);
        CHECK(row.figures.rounded_off_hook_min100 == 101200);
        CHECK(row.external_agent_id.empty());
        CHECK(row.team == "Inbound East");
    }
    SECTION("utf-8 and doubled quotes") {
        const auto& row = report.rows[3];
        CHECK(row.last_name == "\xC3\x85ngstr\xC3\xB6m");
        CHECK(row.first_name == "Zo\xC3\xAB \"Z\"");
        CHECK(row.team == "[No Team Name]");
    }
    SECTION("a duplicated session is kept for the aggregation to drop") {
        CHECK(report.rows[4].login_session_id == "900000105");
        CHECK(report.rows[5].login_session_id == "900000105");
        CHECK(report.rows[6].dial_group.empty());
    }
}

TEST_CASE("report fixture values add up to the expected metrics", "[report][fixture]") {
    const auto report = parse_ok(read_fixture("busy_day.csv"));
    const auto expected = nlohmann::json::parse(read_fixture("busy_day.expected.json"));

    // Per agent, over distinct sessions, as the aggregation will count them.
    std::map<std::string, std::map<std::string, long long>> sums;
    std::set<std::string> seen;
    for (const auto& row : report.rows) {
        if (!seen.insert(row.login_session_id).second) {
            continue;
        }
        auto& sum = sums[row.agent_id];
        sum["engagevoice_agent_login_seconds"] += row.figures.login_min100;
        sum["engagevoice_agent_talk_seconds"] += row.figures.talk_min100;
        sum["engagevoice_agent_off_hook_seconds"] += row.figures.off_hook_min100;
        sum["engagevoice_agent_available_seconds"] += row.figures.available_min100;
        sum["engagevoice_agent_ring_no_answer_seconds"] += row.figures.rna_min100;
        sum["engagevoice_agent_calls_presented"] += row.figures.presented * 100;
        sum["engagevoice_agent_sessions"] += 100;
    }

    REQUIRE(sums.size() == expected.at("agents").size());
    for (const auto& [agent_id, metrics] : sums) {
        const auto& want = expected.at("agents").at(agent_id).at("metrics");
        for (const auto& [name, hundredths] : metrics) {
            const double factor = name.find("_seconds") != std::string::npos ? 60.0 : 1.0;
            INFO(agent_id << " " << name);
            CHECK(static_cast<double>(hundredths) * factor / 100.0 ==
                  Approx(want.at(name).get<double>()).epsilon(1e-9));
        }
    }
}

TEST_CASE("report time reads the report's date format", "[report][time]") {
    CHECK(parse_report_time("4/27/20 12:02 PM", eastern()) == at(1588003320));
    CHECK(parse_report_time("11/16/26 8:02 AM", eastern()) == at(1794834120));
    CHECK(parse_report_time("04/27/20 12:02 PM", eastern()) == at(1588003320));
    CHECK(parse_report_time(" 4/27/20  12:02 pm ", eastern()) == at(1588003320));
    CHECK(parse_report_time("4/27/20 12:02PM", eastern()) == at(1588003320));
}

TEST_CASE("report time reads 12 am as midnight and 12 pm as noon", "[report][time]") {
    CHECK(parse_report_time("11/16/26 12:05 AM", eastern()) == at(1794805500));
    CHECK(parse_report_time("11/16/26 12:01 PM", eastern()) == at(1794848460));
    CHECK(parse_report_time("11/16/26 11:59 PM", eastern()) == at(1794891540));
}

TEST_CASE("report time accepts a four-digit year and seconds", "[report][time]") {
    CHECK(parse_report_time("4/27/2020 12:02 PM", eastern()) == at(1588003320));
    CHECK(parse_report_time("4/27/20 12:02:09 PM", eastern()) == at(1588003329));
    CHECK(parse_report_time("4/27/20 13:02", eastern()) == at(1588006920));
}

TEST_CASE("report time is read in the given zone", "[report][time]") {
    CHECK(parse_report_time("4/27/20 12:02 PM", *date::locate_zone("UTC")) == at(1587988920));
    CHECK(parse_report_time("4/27/20 12:02 PM", *date::locate_zone("Europe/Berlin")) ==
          at(1587981720));
}

TEST_CASE("report time handles the dst changes", "[report][time]") {
    SECTION("a skipped time moves forward by the gap") {
        // 2:30 AM did not happen on 2026-03-08 in New York; 3:30 AM EDT did.
        CHECK(parse_report_time("3/8/26 2:30 AM", eastern()) == at(1772955000));
        CHECK(parse_report_time("3/8/26 3:30 AM", eastern()) == at(1772955000));
    }
    SECTION("a repeated time is the earlier instant") {
        CHECK(parse_report_time("11/1/26 1:30 AM", eastern()) == at(1793511000));
    }
}

TEST_CASE("report time refuses anything else", "[report][time]") {
    const auto text =
        GENERATE(as<std::string>{}, "", "4/27/20", "4/27/20 PM", "13/1/20 1:00 PM",
                 "2/30/20 1:00 PM", "0/1/20 1:00 PM", "4/27/20 13:02 PM", "4/27/20 0:02 AM",
                 "4/27/20 12:60 PM", "4/27/20 12:2 PM", "4/27/20 24:00", "4/27/20 12:02 XM",
                 "4/27/20 12:02 PM x", "4/27/203 12:02 PM", "4/27/2 12:02 PM", "2020-04-27 12:02",
                 "4/27/20T12:02 PM", "4/27/20 12:02:5 PM", "-4/27/20 12:02 PM");
    INFO(text);
    CHECK_FALSE(parse_report_time(text, eastern()).has_value());
}

TEST_CASE("report replaces bytes that are not utf-8 in names and ids", "[report]") {
    const auto report = parse_ok(header_line() +
                                 row_line({{"Last Name", "Ri\xff\xfe\xc3vera"},
                                           {"Team", "Blue\xed\xa0\x80"},
                                           {"Agent ID", "20\x80"}}));

    REQUIRE(report.rows.size() == 1);
    const SessionRow& row = report.rows[0];
    CHECK(row.last_name == "Ri\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDvera");
    CHECK(row.team == "Blue\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(row.agent_id == "20\xEF\xBF\xBD");
}

TEST_CASE("report keeps well-formed utf-8 as it is", "[report]") {
    const std::string name = "\xC3\x85ngstr\xC3\xB6m \xF0\x9F\x93\x9E \xE2\x82\xAC";
    const auto report = parse_ok(header_line() + row_line({{"Last Name", name}}));

    REQUIRE(report.rows.size() == 1);
    CHECK(report.rows[0].last_name == name);
}
