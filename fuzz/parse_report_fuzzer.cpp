// parse_report on arbitrary bytes, and the rows it returns through aggregation and the page.
//
// Times are read in America/New_York, a zone with daylight saving time, so the skipped and
// repeated hours are reached. Besides memory safety and undefined behaviour, checks that every
// record is either a row or an invalid row, that text reaches the page as valid UTF-8 and that
// every line of the page parses in the text format.
#include <date/tz.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engagevoice/agent_metrics.hpp"
#include "engagevoice/csv_reader.hpp"
#include "engagevoice/day_aggregator.hpp"
#include "engagevoice/decimal.hpp"
#include "engagevoice/exposition.hpp"
#include "engagevoice/report.hpp"
#include "fuzz_check.hpp"

namespace engagevoice {
namespace {

using fuzz::check;

const date::time_zone& report_zone() {
    static const date::time_zone* zone = date::locate_zone("America/New_York");
    return *zone;
}

std::size_t count_data_records(std::string_view body) {
    CsvReader reader(body);
    std::size_t records = 0;
    while (reader.next()) {
        ++records;
    }
    return records == 0 ? 0 : records - 1;
}

void check_row(const SessionRow& row) {
    check(!row.agent_id.empty(), "rows have an agent id");
    for (const std::string* text :
         {&row.agent_id, &row.last_name, &row.first_name, &row.username, &row.dial_group,
          &row.external_agent_id, &row.team, &row.login_session_id}) {
        check(fuzz::is_utf8(*text), "text columns are valid UTF-8");
    }
    check(row.figures.talk_min100 >= 0 && row.figures.talk_min100 <= kMaxReportValue,
          "minutes are within range");
    check(row.login_utilization_pct100 >= 0, "percentages are not negative");
}

void check_invalid(const InvalidRow& invalid) {
    check(invalid.row >= 1 && invalid.line >= 1, "invalid rows name their row and line");
    check(!invalid.reason.empty(), "invalid rows say why");
    bool known_column = invalid.column.empty();
    for (const auto name : required_report_columns()) {
        known_column = known_column || invalid.column == name;
    }
    check(known_column, "invalid rows name a column of the report, never a value");
}

// name{label="value",...} value, with the value escapes of the text format.
bool is_sample_line(std::string_view line) {
    const auto brace = line.find('{');
    if (brace == std::string_view::npos || brace == 0) {
        return false;
    }
    std::size_t i = brace + 1;
    while (i < line.size() && line[i] != '}') {
        const auto equals = line.find("=\"", i);
        if (equals == std::string_view::npos || equals == i) {
            return false;
        }
        for (i = equals + 2; i < line.size() && line[i] != '"'; ++i) {
            if (line[i] == '\\') {
                ++i;
                if (i >= line.size() || (line[i] != '\\' && line[i] != '"' && line[i] != 'n')) {
                    return false;
                }
            }
        }
        if (i >= line.size()) {
            return false;
        }
        ++i;
        if (i < line.size() && line[i] == ',') {
            ++i;
        }
    }
    return i + 2 < line.size() && line[i + 1] == ' ' && line.find(' ', i + 2) == std::string::npos;
}

void check_page(const std::string& page) {
    check(fuzz::is_utf8(page), "the page is valid UTF-8");
    std::string_view rest(page);
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        check(end != std::string_view::npos, "the page ends with a line feed");
        const auto line = rest.substr(0, end);
        check(line.starts_with("# HELP ") || line.starts_with("# TYPE ") || is_sample_line(line),
              "each line of the page is a comment or a sample");
        rest.remove_prefix(end + 1);
    }
}

void check_aggregate(const ParsedReport& report) {
    const DayAggregate day = aggregate_day(report.rows);
    std::int64_t sessions = 0;
    for (std::size_t i = 0; i < day.agents.size(); ++i) {
        check(i == 0 || day.agents[i - 1].agent_id < day.agents[i].agent_id,
              "agents are sorted and unique");
        sessions += day.agents[i].sessions;
    }
    check(static_cast<std::size_t>(sessions) + day.duplicate_sessions == report.rows.size(),
          "each row is a session or a duplicate");

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->account_id = "15300002";
    snapshot->agents = day.agents;
    check_page(serialize_families(agent_metric_families({snapshot}, true)));
}

}  // namespace
}  // namespace engagevoice

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace engagevoice;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto report = parse_report(body, report_zone());
    if (!report) {
        fuzz::check(report.error().kind == PollError::Kind::Parse, "a bad report is a parse error");
        fuzz::check(!report.error().message.empty(), "a parse error says why");
        return 0;
    }

    fuzz::check(report->rows.size() + report->invalid.size() == count_data_records(body),
                "every record is a row or an invalid row");
    for (const auto& row : report->rows) {
        check_row(row);
    }
    for (const auto& invalid : report->invalid) {
        check_invalid(invalid);
    }
    check_aggregate(*report);
    return 0;
}
