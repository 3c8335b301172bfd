// The Agent Session Report: one typed row per login session.
//
// parse_report turns a report body (CSV, columns found by header name) into SessionRows. A body
// that is not this report fails as a whole; a row with a value that does not parse is left out
// and described in ParsedReport::invalid, so the other rows are still served.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/result.hpp"

namespace date {
class time_zone;
}

namespace engagevoice {

using SysSeconds = std::chrono::sys_seconds;

// The columns that add up over a day: call counts, and times in hundredths of a minute exactly
// as written in the report.
struct SessionFigures {
    std::int64_t presented = 0;
    std::int64_t accepted = 0;
    std::int64_t manual_no_connect = 0;
    std::int64_t rna = 0;
    std::int64_t disp_xfers = 0;
    std::int64_t calls_placed_on_hold = 0;
    std::int64_t monitoring_sessions = 0;

    std::int64_t talk_min100 = 0;
    std::int64_t login_min100 = 0;
    std::int64_t off_hook_min100 = 0;
    std::int64_t rounded_off_hook_min100 = 0;
    std::int64_t work_min100 = 0;
    std::int64_t break_min100 = 0;
    std::int64_t away_min100 = 0;
    std::int64_t lunch_min100 = 0;
    std::int64_t training_min100 = 0;
    std::int64_t pending_disp_min100 = 0;
    std::int64_t hold_min100 = 0;
    std::int64_t ring_min100 = 0;
    std::int64_t engaged_min100 = 0;
    std::int64_t rna_min100 = 0;
    std::int64_t available_min100 = 0;

    SessionFigures& operator+=(const SessionFigures& other);
};

// One login session. Minute columns are kept in hundredths of a minute and percentages in
// hundredths of a percent, exactly as written in the report.
struct SessionRow {
    std::string agent_id;
    std::string last_name;
    std::string first_name;
    std::string username;
    std::string dial_group;
    std::string external_agent_id;
    std::string team;
    std::string login_session_id;

    SysSeconds login;
    std::optional<SysSeconds> logout;  // empty while the session is open

    SessionFigures figures;

    std::int64_t login_utilization_pct100 = 0;
    std::int64_t off_hook_utilization_pct100 = 0;
};

// A row left out of the report, and why.
struct InvalidRow {
    // The 1-based data row (the header is row 0) and the physical line it starts on.
    std::size_t row = 0;
    std::size_t line = 0;
    // The column whose value did not parse, by its header name; empty when the row has the
    // wrong number of fields.
    std::string column;
    // What was wrong, e.g. "not a decimal number of minutes". Never the value itself, which may
    // hold a name or a phone number.
    std::string reason;
};

struct ParsedReport {
    std::vector<SessionRow> rows;
    std::vector<InvalidRow> invalid;
};

// Parses a report body. Times are read as local times in `zone`. Fails with Kind::Parse when
// the body is empty, looks like HTML or JSON, is not valid CSV anywhere (the message names the
// line), lacks a needed column (the message names it, e.g.
// "report is missing column \"Login Time (min)\""), or was cut short: its last row has fewer
// fields than the header and no line end ("report ends in the middle of row 12 (line 13): the
// body was cut short"). A cut at a line end or inside a row's last field cannot be told from a
// whole report. A header without rows is a success.
// A row is left out, into `invalid`, when its field count differs from the header's, when
// Agent ID or Login DTS is empty, or when a count, minutes, percentage or time does not parse.
// Text cells are trimmed of surrounding spaces; an empty number cell reads as zero; an empty
// Logout DTS is an open session. Rows keep the report's order, duplicates included. Never throws.
Result<ParsedReport> parse_report(std::string_view body, const date::time_zone& zone);

// Reads a report time such as "4/27/20 12:02 PM" (month/day/two-digit year of 20xx, 12-hour
// clock, no seconds) as a local time in `zone`. A four-digit year, seconds and a 24-hour clock
// without AM/PM are read too. nullopt when it does not parse. An ambiguous local time
// (the repeated hour when DST ends) is taken as the earlier instant; a time in the skipped hour
// is moved forward by the gap.
std::optional<SysSeconds> parse_report_time(std::string_view text, const date::time_zone& zone);

// The header names of the columns parse_report needs.
const std::vector<std::string_view>& required_report_columns();

}  // namespace engagevoice
