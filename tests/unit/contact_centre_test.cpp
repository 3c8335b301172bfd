#include "contact_centre.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "engagevoice/report.hpp"

using engagevoice::CentreSession;
using engagevoice::ContactCentre;
using engagevoice::ContactCentreOptions;
using engagevoice::format_minutes;
using engagevoice::format_percent;
using engagevoice::format_report_time;
using engagevoice::report_header_line;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

// A Monday in November: US/Eastern is on EST (UTC-5).
const date::local_days kDay{date::year(2026) / 11 / 16};

ContactCentreOptions centre_options(std::uint64_t seed = 7, int agents = 120) {
    ContactCentreOptions options;
    options.seed = seed;
    options.agents = agents;
    return options;
}

// A local time of the day, as an instant.
sys_seconds at(const ContactCentre& centre, hours hour, minutes minute = minutes(0)) {
    return centre.business_day_start(kDay) + hour + minute;
}

using Record = std::vector<std::string>;

// A small RFC 4180 reader for checking the writer; it expects CRLF line ends.
std::vector<Record> read_csv(std::string_view body) {
    std::vector<Record> records(1, Record(1));
    bool quoted = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (quoted) {
            if (c == '"' && i + 1 < body.size() && body[i + 1] == '"') {
                records.back().back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                records.back().back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            records.back().emplace_back();
        } else if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') {
            records.emplace_back(1);
            ++i;
        } else {
            records.back().back() += c;
        }
    }
    records.pop_back();  // after the final line end
    return records;
}

std::size_t column(const std::string& name) {
    static const auto header = read_csv(report_header_line() + "\r\n").at(0);
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

// Hundredths from a report decimal, written independently of the exporter's reader.
std::int64_t hundredths(std::string text) {
    text.erase(std::remove(text.begin(), text.end(), ','), text.end());
    text.erase(std::remove(text.begin(), text.end(), '%'), text.end());
    auto dot = text.find('.');
    std::int64_t whole = dot == 0 ? 0 : std::stoll(text.substr(0, dot));
    return whole * 100 + std::stoll(text.substr(dot + 1));
}

std::map<std::string, std::vector<Record>> rows_by_agent(const std::vector<Record>& records) {
    std::map<std::string, std::vector<Record>> rows;
    for (std::size_t i = 1; i < records.size(); ++i) {
        rows[records[i][0]].push_back(records[i]);
    }
    return rows;
}

const CentreSession* find_session(const std::vector<CentreSession>& sessions,
                                  const std::string& id) {
    for (const auto& session : sessions) {
        if (session.login_session_id == id) {
            return &session;
        }
    }
    return nullptr;
}

std::vector<std::int64_t> cumulative_values(const CentreSession& s) {
    return {s.presented,
            s.accepted,
            s.manual_no_connect,
            s.rna,
            s.disp_xfers,
            s.calls_placed_on_hold,
            s.monitoring_sessions,
            s.talk_min100,
            s.login_min100,
            s.off_hook_min100,
            s.rounded_off_hook_min100,
            s.work_min100,
            s.break_min100,
            s.away_min100,
            s.lunch_min100,
            s.training_min100,
            s.pending_disp_min100,
            s.hold_min100,
            s.ring_min100,
            s.engaged_min100,
            s.rna_min100,
            s.available_min100};
}

}  // namespace

TEST_CASE("contact centre writes the same report bytes for the same seed", "[contact_centre]") {
    ContactCentre first(centre_options(7));
    ContactCentre again(centre_options(7));
    ContactCentre other(centre_options(8));
    auto now = at(first, hours(14));

    auto report = first.report_csv(first.sessions(kDay, now));
    CHECK(report.size() > 10000);
    CHECK(report == again.report_csv(again.sessions(kDay, now)));
    CHECK(report != other.report_csv(other.sessions(kDay, now)));
    CHECK(first.expected_json(first.sessions(kDay, now), "15300002") ==
          again.expected_json(again.sessions(kDay, now), "15300002"));
}

TEST_CASE("contact centre report has the 39 columns, CRLF line ends and a row per session",
          "[contact_centre]") {
    ContactCentre centre(centre_options());
    auto sessions = centre.sessions(kDay, at(centre, hours(12)));
    auto body = centre.report_csv(sessions);

    const std::string header =
        "Agent ID,Last Name,First Name,Username,Phone,Login DTS,Logout DTS,Dial Group,Presented,"
        "Accepted,Manual No Connect,RNA,Disp Xfers,%Calls Xfered,Talk Time (min),"
        "Avg Talk Time (min),Login Time (min),Login Utilization,Off Hook Time (min),"
        "Rounded OH Time (min),Off Hook Utilization,Off Hook to Login %,Work Time (min),"
        "Break Time (min),Away Time (min),Lunch Time (min),Training Time (min),"
        "Pending Disp Time (min),Avg Pending Disp Time,External Agent ID,Calls Placed On Hold,"
        "Time On Hold (min),Ring Time (min),EngagedTime (min),RNA Time (min),"
        "Available Time (min),Team,Login Session ID,Monitoring Sessions";
    CHECK(body.substr(0, header.size() + 2) == header + "\r\n");
    CHECK(body.substr(body.size() - 2) == "\r\n");
    CHECK(std::count(body.begin(), body.end(), '\n') == std::count(body.begin(), body.end(), '\r'));

    auto records = read_csv(body);
    REQUIRE(records.size() == sessions.size() + 1);
    for (const auto& record : records) {
        REQUIRE(record.size() == 39);
    }
    CHECK(records[1][37] == sessions[0].login_session_id);
}

TEST_CASE("contact centre writes a header-only report for a centre without agents",
          "[contact_centre]") {
    ContactCentre centre(centre_options(7, 0));
    auto sessions = centre.sessions(kDay, at(centre, hours(23)));

    CHECK(sessions.empty());
    CHECK(centre.report_csv(sessions) == report_header_line() + "\r\n");
    CHECK(nlohmann::json::parse(centre.expected_json(sessions, "1"))["agents"].empty());
}

TEST_CASE("contact centre can start the body with a byte order mark", "[contact_centre]") {
    auto options = centre_options(7, 3);
    options.utf8_bom = true;
    ContactCentre centre(options);

    CHECK(centre.report_csv({}) == "\xEF\xBB\xBF" + report_header_line() + "\r\n");
}

TEST_CASE("contact centre sessions grow with the clock", "[contact_centre]") {
    ContactCentre centre(centre_options());
    auto earlier = centre.sessions(kDay, at(centre, hours(11)));
    auto later = centre.sessions(kDay, at(centre, hours(15), minutes(30)));
    REQUIRE(later.size() > earlier.size());

    int open = 0;
    int closed = 0;
    for (const auto& before : earlier) {
        const auto* after = find_session(later, before.login_session_id);
        REQUIRE(after != nullptr);
        CHECK(after->login == before.login);
        if (before.logout) {
            ++closed;
            CHECK(after->logout == before.logout);
            CHECK(cumulative_values(*after) == cumulative_values(before));
            CHECK(after->login_utilization_pct100 == before.login_utilization_pct100);
            continue;
        }
        ++open;
        CHECK(after->login_min100 > before.login_min100);
        auto grown = cumulative_values(*after);
        auto old = cumulative_values(before);
        for (std::size_t i = 0; i < old.size(); ++i) {
            CHECK(grown[i] >= old[i]);
        }
    }
    CHECK(open > 20);
    CHECK(closed > 5);
}

TEST_CASE("contact centre sessions keep the relations between the report's columns",
          "[contact_centre]") {
    ContactCentre centre(centre_options(11, 300));
    for (auto hour : {hours(7), hours(12), hours(18), hours(23)}) {
        auto sessions = centre.sessions(kDay, at(centre, hour, minutes(17)));
        std::set<std::string> ids;
        for (const auto& s : sessions) {
            INFO("session " << s.login_session_id);
            CHECK(ids.insert(s.login_session_id).second);
            CHECK(s.accepted <= s.presented);
            CHECK(s.rna == s.presented - s.accepted);
            CHECK(s.disp_xfers <= s.accepted);
            CHECK(s.calls_placed_on_hold <= s.accepted);
            CHECK(s.talk_min100 <= s.engaged_min100);
            CHECK(s.off_hook_min100 <= s.login_min100);
            CHECK(s.login_min100 - s.off_hook_min100 <= 10);
            CHECK(s.rounded_off_hook_min100 % 100 == 0);
            CHECK(s.rounded_off_hook_min100 >= s.off_hook_min100);
            CHECK(s.rounded_off_hook_min100 - s.off_hook_min100 <= 100);
            auto parts = s.available_min100 + s.engaged_min100 + s.break_min100 + s.away_min100 +
                         s.lunch_min100 + s.training_min100;
            CHECK(std::abs(s.login_min100 - parts) <= 4);
            CHECK(std::abs(s.engaged_min100 - s.talk_min100 - s.hold_min100 - s.ring_min100) <= 2);
            CHECK(std::abs(s.work_min100 + s.break_min100 + s.away_min100 + s.lunch_min100 +
                           s.training_min100 - s.login_min100) <= 4);
            // Utilizations come from seconds: within rounding of the minute columns' ratio.
            CHECK(std::abs(s.login_utilization_pct100 * s.login_min100 - s.talk_min100 * 10000) <=
                  2 * s.login_min100 + 10000);
            CHECK(s.login_utilization_pct100 <= s.off_hook_utilization_pct100 + 1);
            CHECK(s.off_hook_to_login_pct100 <= 10000);
            CHECK(s.login < at(centre, hour, minutes(17)));
            if (s.logout) {
                CHECK(*s.logout > s.login);
                CHECK(*s.logout <= at(centre, hour, minutes(17)));
            }
        }
    }
}

TEST_CASE("contact centre has late agents, several sessions and names that need quoting",
          "[contact_centre]") {
    ContactCentre centre(centre_options(7, 60));
    auto sessions = centre.sessions(kDay, at(centre, hours(10)));
    auto body = centre.report_csv(sessions);

    std::map<std::size_t, int> per_agent;
    for (const auto& s : sessions) {
        ++per_agent[s.agent];
    }
    CHECK(per_agent.size() < centre.agents().size());
    CHECK(std::any_of(per_agent.begin(), per_agent.end(), [](auto& p) { return p.second >= 2; }));
    CHECK(std::any_of(sessions.begin(), sessions.end(), [](auto& s) { return !s.logout; }));

    CHECK(body.find(",\"O'Neil, Jr.\",Pat,") != std::string::npos);
    CHECK(body.find(",Ångström,\"Zoë \"\"Z\"\"\",") != std::string::npos);
    CHECK(body.find(",[No Team Name],") != std::string::npos);
    CHECK(body.find(",.") != std::string::npos);  // minutes without a leading zero
    CHECK(body.find(",,") != std::string::npos);  // empty fields

    // A long shift passes a thousand minutes in the evening; the value is quoted.
    auto evening = centre.report_csv(centre.sessions(kDay, at(centre, hours(18))));
    CHECK(evening.find(",\"1,0") != std::string::npos);
}

TEST_CASE("report values are written the way the real report writes them", "[contact_centre]") {
    const auto& eastern = *date::locate_zone("US/Eastern");

    SECTION("times") {
        CHECK(format_report_time(sys_seconds(seconds(1588003320)), eastern) == "4/27/20 12:02 PM");
        CHECK(format_report_time(sys_seconds(seconds(1588003359)), eastern) == "4/27/20 12:02 PM");
        CHECK(format_report_time(sys_seconds(seconds(1587960300)), eastern) == "4/27/20 12:05 AM");
        CHECK(format_report_time(sys_seconds(seconds(1794877140)), eastern) == "11/16/26 7:59 PM");
    }
    SECTION("minutes") {
        CHECK(format_minutes(22, false) == ".22");
        CHECK(format_minutes(22, true) == "0.22");
        CHECK(format_minutes(0, false) == ".00");
        CHECK(format_minutes(4545, false) == "45.45");
        CHECK(format_minutes(123456, false) == "1,234.56");
        CHECK(format_minutes(123456789, true) == "1,234,567.89");
        CHECK(format_minutes(100000, false) == "1,000.00");
        CHECK(format_minutes(99999, false) == "999.99");
    }
    SECTION("percentages") {
        CHECK(format_percent(1857) == "18.57%");
        CHECK(format_percent(5) == "0.05%");
        CHECK(format_percent(10000) == "100.00%");
    }
}

TEST_CASE("contact centre expected values sum the agent's sessions as written in the report",
          "[contact_centre]") {
    ContactCentre centre(centre_options());
    auto now = at(centre, hours(16));
    auto sessions = centre.sessions(kDay, now);
    auto records = read_csv(centre.report_csv(sessions));
    auto expected = nlohmann::json::parse(centre.expected_json(sessions, "15300002"));

    int checked = 0;
    for (const auto& [agent_id, rows] : rows_by_agent(records)) {
        if (rows.size() < 2) {
            continue;
        }
        INFO("agent " << agent_id);
        const auto& agent = expected["agents"][agent_id];
        std::int64_t login = 0;
        std::int64_t talk = 0;
        std::int64_t weighted = 0;
        for (const auto& row : rows) {
            login += hundredths(row[column("Login Time (min)")]);
            talk += hundredths(row[column("Talk Time (min)")]);
            weighted += hundredths(row[column("Login Utilization")]) *
                        hundredths(row[column("Login Time (min)")]);
        }
        CHECK(agent["metrics"]["engagevoice_agent_login_seconds"].get<double>() ==
              Approx(login * 0.6).epsilon(1e-12));
        CHECK(agent["metrics"]["engagevoice_agent_talk_seconds"].get<double>() ==
              Approx(talk * 0.6).epsilon(1e-12));
        CHECK(agent["metrics"]["engagevoice_agent_login_utilization_ratio"].get<double>() ==
              Approx(static_cast<double>(weighted) / static_cast<double>(login) / 10000.0)
                  .epsilon(1e-12));
        CHECK(agent["metrics"]["engagevoice_agent_sessions"] == static_cast<double>(rows.size()));
        CHECK(agent["labels"]["team"] == rows.back()[column("Team")]);
        CHECK(agent["info"]["last_name"] == rows.back()[column("Last Name")]);
        bool open = rows.back()[column("Logout DTS")].empty();
        CHECK(agent["metrics"]["engagevoice_agent_logged_in"] == (open ? 1.0 : 0.0));
        ++checked;
    }
    CHECK(checked > 10);
}

TEST_CASE("contact centre expected times are the report's minutes", "[contact_centre]") {
    ContactCentre centre(centre_options());
    auto sessions = centre.sessions(kDay, at(centre, hours(13)));
    auto expected = nlohmann::json::parse(centre.expected_json(sessions, "15300002"));

    // The first agent's first session, and whether any of its sessions closed.
    const auto& first = sessions.front();
    const auto& agent = centre.agents()[first.agent];
    const auto& metrics = expected["agents"][agent.agent_id]["metrics"];
    auto login_minute = date::floor<minutes>(first.login).time_since_epoch();
    CHECK(metrics["engagevoice_agent_first_login_timestamp_seconds"] ==
          static_cast<double>(seconds(login_minute).count()));

    for (const auto& [id, entry] : expected["agents"].items()) {
        bool open = entry["metrics"]["engagevoice_agent_logged_in"] == 1.0;
        bool any_closed =
            entry["metrics"].contains("engagevoice_agent_last_logout_timestamp_seconds");
        CHECK((open || any_closed));
        for (const auto& [name, value] : entry["metrics"].items()) {
            INFO(id << " " << name);
            CHECK(value.is_number());
            CHECK(std::isfinite(value.get<double>()));
        }
        CHECK(entry["metrics"].size() == (any_closed ? 28 : 27));
    }
}

TEST_CASE("contact centre report parses with no invalid rows into the numbers it was made from",
          "[contact_centre]") {
    ContactCentre centre(centre_options(5, 200));
    auto sessions = centre.sessions(kDay, at(centre, hours(17)));
    auto parsed = engagevoice::parse_report(centre.report_csv(sessions), centre.zone());

    REQUIRE(parsed.has_value());
    CHECK(parsed->invalid.empty());
    REQUIRE(parsed->rows.size() == sessions.size());
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        const auto& row = parsed->rows[i];
        const auto& s = sessions[i];
        const auto& agent = centre.agents()[s.agent];
        INFO("row " << i);
        CHECK(row.agent_id == agent.agent_id);
        CHECK(row.last_name == agent.last_name);
        CHECK(row.first_name == agent.first_name);
        CHECK(row.team == s.team);
        CHECK(row.login_session_id == s.login_session_id);
        CHECK(row.login == s.login_minute);
        CHECK(row.logout == s.logout_minute);
        CHECK(row.figures.login_min100 == s.login_min100);
        CHECK(row.figures.off_hook_min100 == s.off_hook_min100);
        CHECK(row.figures.available_min100 == s.available_min100);
        CHECK(row.figures.rna == s.rna);
        CHECK(row.login_utilization_pct100 == s.login_utilization_pct100);
        CHECK(row.off_hook_utilization_pct100 == s.off_hook_utilization_pct100);
    }
}

// How fast it is, is measured by the benchmarks, not asserted here.
TEST_CASE("contact centre writes a two-thousand-agent report", "[contact_centre]") {
    ContactCentre centre(centre_options(3, 2000));
    auto sessions = centre.sessions(kDay, at(centre, hours(20)));
    auto body = centre.report_csv(sessions);

    CHECK(sessions.size() > 2000);
    CHECK(body.size() > 500000);
}

TEST_CASE("contact centre keeps only the teams asked for", "[contact_centre]") {
    ContactCentre centre(centre_options());
    auto now = at(centre, hours(15));
    auto all = centre.sessions(kDay, now);
    auto retention = centre.sessions(kDay, now, {"Retention"});

    auto count = std::count_if(all.begin(), all.end(),
                               [](const CentreSession& s) { return s.team == "Retention"; });
    CHECK(count > 0);
    CHECK(static_cast<std::ptrdiff_t>(retention.size()) == count);
}

TEST_CASE("contact centre business day starts at the day start in the account's zone",
          "[contact_centre]") {
    auto options = centre_options();
    options.day_start = minutes(2 * 60 + 30);
    ContactCentre centre(options);

    // 02:30 EST is 07:30 UTC.
    CHECK(centre.business_day_start(kDay) == sys_seconds(seconds(1794814200)));
    // 2026-03-08: 02:30 does not exist in New York; the day starts after the gap, 03:30 EDT.
    date::local_days spring{date::year(2026) / 3 / 8};
    CHECK(centre.business_day_start(spring) ==
          date::sys_days(date::year(2026) / 3 / 8) + hours(7) + minutes(30));
}

TEST_CASE("contact centre refuses options it cannot simulate", "[contact_centre]") {
    auto options = centre_options();
    SECTION("unknown zone") { options.timezone = "Mars/Olympus_Mons"; }
    SECTION("negative agent count") { options.agents = -1; }
    SECTION("day start past midnight") { options.day_start = minutes(24 * 60); }
    CHECK_THROWS_AS(ContactCentre(options), std::invalid_argument);
}
