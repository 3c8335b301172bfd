#include "engagevoice/report.hpp"

#include <array>
#include <exception>
#include <unordered_map>
#include <variant>

#include <date/date.h>
#include <date/tz.h>

#include "detail/local_time.hpp"
#include "detail/text.hpp"
#include "engagevoice/csv_reader.hpp"
#include "engagevoice/decimal.hpp"

namespace engagevoice {

namespace {

enum class ColumnKind { Id, Text, Count, Minutes, Percent, Login, Logout };

struct ColumnSpec {
    std::string_view name;
    ColumnKind kind;
    std::string SessionRow::*text = nullptr;
    std::int64_t SessionRow::*number = nullptr;
    std::int64_t SessionFigures::*figure = nullptr;
};

// The columns a SessionRow is built from, in the report's order. Phone is left out on purpose,
// and so are the averages and %-columns, which PromQL derives from the sums.
const std::array<ColumnSpec, 34> kColumns = {{
    {"Agent ID", ColumnKind::Id, &SessionRow::agent_id},
    {"Last Name", ColumnKind::Text, &SessionRow::last_name},
    {"First Name", ColumnKind::Text, &SessionRow::first_name},
    {"Username", ColumnKind::Text, &SessionRow::username},
    {"Login DTS", ColumnKind::Login},
    {"Logout DTS", ColumnKind::Logout},
    {"Dial Group", ColumnKind::Text, &SessionRow::dial_group},
    {"Presented", ColumnKind::Count, nullptr, nullptr, &SessionFigures::presented},
    {"Accepted", ColumnKind::Count, nullptr, nullptr, &SessionFigures::accepted},
    {"Manual No Connect", ColumnKind::Count, nullptr, nullptr, &SessionFigures::manual_no_connect},
    {"RNA", ColumnKind::Count, nullptr, nullptr, &SessionFigures::rna},
    {"Disp Xfers", ColumnKind::Count, nullptr, nullptr, &SessionFigures::disp_xfers},
    {"Talk Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::talk_min100},
    {"Login Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::login_min100},
    {"Login Utilization", ColumnKind::Percent, nullptr, &SessionRow::login_utilization_pct100},
    {"Off Hook Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::off_hook_min100},
    {"Rounded OH Time (min)", ColumnKind::Minutes, nullptr, nullptr,
     &SessionFigures::rounded_off_hook_min100},
    {"Off Hook Utilization", ColumnKind::Percent, nullptr,
     &SessionRow::off_hook_utilization_pct100},
    {"Work Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::work_min100},
    {"Break Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::break_min100},
    {"Away Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::away_min100},
    {"Lunch Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::lunch_min100},
    {"Training Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::training_min100},
    {"Pending Disp Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::pending_disp_min100},
    {"External Agent ID", ColumnKind::Text, &SessionRow::external_agent_id},
    {"Calls Placed On Hold", ColumnKind::Count, nullptr, nullptr, &SessionFigures::calls_placed_on_hold},
    {"Time On Hold (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::hold_min100},
    {"Ring Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::ring_min100},
    // The report spells this one without a space.
    {"EngagedTime (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::engaged_min100},
    {"RNA Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::rna_min100},
    {"Available Time (min)", ColumnKind::Minutes, nullptr, nullptr, &SessionFigures::available_min100},
    {"Team", ColumnKind::Text, &SessionRow::team},
    {"Login Session ID", ColumnKind::Text, &SessionRow::login_session_id},
    {"Monitoring Sessions", ColumnKind::Count, nullptr, nullptr, &SessionFigures::monitoring_sessions},
}};

using ColumnIndex = std::array<std::size_t, kColumns.size()>;

PollError parse_error(std::string message) {
    return make_error(PollError::Kind::Parse, std::move(message));
}

// Takes `min_digits` to `max_digits` leading digits off `text`.
std::optional<int> take_number(std::string_view& text, std::size_t min_digits,
                               std::size_t max_digits) {
    std::size_t count = 0;
    int value = 0;
    while (count < text.size() && count <= max_digits && text[count] >= '0' &&
           text[count] <= '9') {
        value = value * 10 + (text[count] - '0');
        ++count;
    }
    if (count < min_digits || count > max_digits) {
        return std::nullopt;
    }
    text.remove_prefix(count);
    return value;
}

bool take_char(std::string_view& text, char c) {
    if (text.empty() || text.front() != c) {
        return false;
    }
    text.remove_prefix(1);
    return true;
}

// "4/27/20": month, day and a two-digit year of this century; a four-digit year is read too.
std::optional<date::year_month_day> take_date(std::string_view& text) {
    const auto month = take_number(text, 1, 2);
    if (!month || !take_char(text, '/')) {
        return std::nullopt;
    }
    const auto day = take_number(text, 1, 2);
    if (!day || !take_char(text, '/')) {
        return std::nullopt;
    }
    const auto digits_before = text.size();
    auto year = take_number(text, 2, 4);
    if (!year || digits_before - text.size() == 3) {
        return std::nullopt;
    }
    if (digits_before - text.size() == 2) {
        *year += 2000;
    }
    const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                   date::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return ymd;
}

// "AM" or "PM" in any case: 0 or 12 hours to add to the 12-hour clock; -1 when neither.
int take_meridiem(std::string_view& text) {
    if (text.size() != 2 || (text[1] != 'M' && text[1] != 'm')) {
        return -1;
    }
    const char first = text[0];
    text.remove_prefix(2);
    if (first == 'A' || first == 'a') {
        return 0;
    }
    return first == 'P' || first == 'p' ? 12 : -1;
}

// "12:02 PM" or "12:02:09 PM" as time since midnight. 12 AM is midnight and 12 PM noon. A
// 24-hour clock without AM or PM is read too, should the report ever switch to one.
std::optional<std::chrono::seconds> take_clock(std::string_view& text) {
    const auto hour = take_number(text, 1, 2);
    if (!hour || !take_char(text, ':')) {
        return std::nullopt;
    }
    const auto minute = take_number(text, 2, 2);
    std::optional<int> second = 0;
    if (minute && take_char(text, ':')) {
        second = take_number(text, 2, 2);
    }
    if (!minute || !second || *minute > 59 || *second > 59) {
        return std::nullopt;
    }
    text = detail::trim_blanks(text);
    int hour24 = *hour;
    if (!text.empty()) {
        const int offset = take_meridiem(text);
        if (offset < 0 || *hour < 1 || *hour > 12) {
            return std::nullopt;
        }
        hour24 = *hour % 12 + offset;
    }
    if (hour24 > 23) {
        return std::nullopt;
    }
    return std::chrono::hours{hour24} + std::chrono::minutes{*minute} +
           std::chrono::seconds{*second};
}

std::optional<date::local_seconds> parse_local_time(std::string_view text) {
    text = detail::trim_blanks(text);
    const auto ymd = take_date(text);
    if (!ymd || text.empty() || (text.front() != ' ' && text.front() != '\t')) {
        return std::nullopt;
    }
    text = detail::trim_blanks(text);
    const auto clock = take_clock(text);
    if (!clock) {
        return std::nullopt;
    }
    return date::local_days{*ymd} + *clock;
}

// Reads a number column. An empty cell is zero: the report leaves cells empty for "none" in
// other columns, and dropping the whole session over it would lose its other values.
const char* read_number(std::optional<std::int64_t> (*parse)(std::string_view),
                        std::string_view value, std::int64_t& out, const char* reason) {
    if (value.empty()) {
        out = 0;
        return nullptr;
    }
    const auto parsed = parse(value);
    if (!parsed) {
        return reason;
    }
    out = *parsed;
    return nullptr;
}

const char* read_time(std::string_view value, const date::time_zone& zone,
                      std::optional<SysSeconds>& out) {
    if (value.empty()) {
        out.reset();
        return nullptr;
    }
    out = parse_report_time(value, zone);
    return out ? nullptr : "not a report time";
}

// Reads one cell into `row`. Returns why it could not, or nullptr. The reason never quotes the
// value, which may be a name or a phone number.
const char* read_column(const ColumnSpec& column, std::string_view value,
                        const date::time_zone& zone, SessionRow& row) {
    value = detail::trim_blanks(value);
    switch (column.kind) {
        case ColumnKind::Id:
            if (value.empty()) {
                return "is empty";
            }
            row.*column.text = detail::valid_utf8(value);
            return nullptr;
        case ColumnKind::Text:
            row.*column.text = detail::valid_utf8(value);
            return nullptr;
        case ColumnKind::Count:
            return read_number(parse_count, value, row.figures.*column.figure, "not a whole number");
        case ColumnKind::Minutes:
            return read_number(parse_hundredths, value, row.figures.*column.figure,
                               "not a decimal number of minutes");
        case ColumnKind::Percent:
            return read_number(parse_percent_hundredths, value, row.*column.number,
                               "not a percentage");
        case ColumnKind::Login: {
            std::optional<SysSeconds> login;
            const char* reason = value.empty() ? "is empty" : read_time(value, zone, login);
            row.login = login.value_or(SysSeconds{});
            return reason;
        }
        case ColumnKind::Logout:
            return read_time(value, zone, row.logout);
    }
    return "unknown column kind";
}

// The row's fields as a SessionRow, or the first cell that is wrong. `row` and `line` of the
// InvalidRow are left to the caller.
std::variant<SessionRow, InvalidRow> read_row(const CsvRecord& record, std::size_t width,
                                              const ColumnIndex& index,
                                              const date::time_zone& zone) {
    if (record.fields.size() != width) {
        return InvalidRow{0, 0, "", "has " + std::to_string(record.fields.size()) +
                                        " fields where the header has " + std::to_string(width)};
    }
    SessionRow row;
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
        const char* reason = read_column(kColumns[i], record.fields[index[i]], zone, row);
        if (reason != nullptr) {
            return InvalidRow{0, 0, std::string(kColumns[i].name), reason};
        }
    }
    return row;
}

// The last row read, to tell a body cut short from a row that is merely short.
struct LastRow {
    std::size_t row = 0;  // 0 when the report has no rows
    std::size_t line = 0;
    std::size_t fields = 0;
};

LastRow read_rows(CsvReader& reader, std::size_t width, const ColumnIndex& index,
                  const date::time_zone& zone, ParsedReport& report) {
    LastRow last;
    while (auto record = reader.next()) {
        last = LastRow{last.row + 1, record->line, record->fields.size()};
        const std::size_t row_number = last.row;
        auto row = read_row(*record, width, index, zone);
        if (auto* invalid = std::get_if<InvalidRow>(&row)) {
            invalid->row = row_number;
            invalid->line = record->line;
            report.invalid.push_back(std::move(*invalid));
        } else {
            report.rows.push_back(std::move(std::get<SessionRow>(row)));
        }
    }
    return last;
}

// A body that stops in the middle of a row, where the upstream's stream broke off although its
// HTTP framing ended cleanly: its last row has fewer fields than the header and no line end.
// Left out like any short row, it would make a partial report pass for a whole one. A cut at a
// line end, or inside the last field, leaves nothing to see.
bool cut_short(std::string_view body, const LastRow& last, std::size_t width) {
    body = detail::trim_blanks(body);
    const bool line_ended = !body.empty() && (body.back() == '\n' || body.back() == '\r');
    return last.row > 0 && last.fields < width && !line_ended;
}

// Where each needed column sits, by trimmed header name; the first of two equal names wins.
Result<ColumnIndex> find_columns(const std::vector<std::string>& header) {
    std::unordered_map<std::string_view, std::size_t> positions;
    for (std::size_t i = 0; i < header.size(); ++i) {
        positions.emplace(detail::trim_blanks(header[i]), i);
    }

    ColumnIndex index{};
    std::vector<std::string_view> missing;
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
        const auto found = positions.find(kColumns[i].name);
        if (found == positions.end()) {
            missing.push_back(kColumns[i].name);
        } else {
            index[i] = found->second;
        }
    }
    if (missing.empty()) {
        return index;
    }
    // Listing all 34 names would bury the point: this is not the report at all.
    if (missing.size() == kColumns.size()) {
        return parse_error("report has none of the needed columns: its first line is not the "
                           "report's header");
    }
    std::string message =
        missing.size() == 1 ? "report is missing column " : "report is missing columns ";
    for (std::size_t i = 0; i < missing.size(); ++i) {
        message += i == 0 ? "\"" : ", \"";
        message += missing[i];
        message += '"';
    }
    return parse_error(std::move(message));
}

// A proxy or an API error answers with HTML or JSON, often with status 200 from a gateway.
// Saying so beats a confusing complaint about missing columns.
std::optional<PollError> refuse_non_csv(std::string_view body) {
    std::size_t line = 1;
    std::size_t pos = body.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    for (; pos < body.size(); ++pos) {
        const char c = body[pos];
        if (c == '\n' || (c == '\r' && (pos + 1 == body.size() || body[pos + 1] != '\n'))) {
            ++line;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
    }
    if (pos == body.size()) {
        return parse_error("report body is empty");
    }
    const char first = body[pos];
    if (first == '<' || first == '{' || first == '[') {
        return parse_error("report is not CSV: line " + std::to_string(line) + " looks like " +
                           (first == '<' ? "HTML" : "JSON"));
    }
    return std::nullopt;
}

Result<ParsedReport> read_report(std::string_view body, const date::time_zone& zone) {
    if (auto refused = refuse_non_csv(body)) {
        return *refused;
    }

    CsvReader reader(body);
    const auto header = reader.next();
    if (!header) {
        return parse_error(reader.error().empty() ? "report body is empty"
                                                  : "report is not valid CSV: " + reader.error());
    }
    const auto index = find_columns(header->fields);
    if (!index) {
        return index.error();
    }

    ParsedReport report;
    const LastRow last = read_rows(reader, header->fields.size(), *index, zone, report);
    if (!reader.error().empty()) {
        return parse_error("report is not valid CSV: " + reader.error());
    }
    if (cut_short(body, last, header->fields.size())) {
        return parse_error("report ends in the middle of row " + std::to_string(last.row) +
                           " (line " + std::to_string(last.line) + "): the body was cut short");
    }
    return report;
}

}  // namespace

SessionFigures& SessionFigures::operator+=(const SessionFigures& other) {
    presented += other.presented;
    accepted += other.accepted;
    manual_no_connect += other.manual_no_connect;
    rna += other.rna;
    disp_xfers += other.disp_xfers;
    calls_placed_on_hold += other.calls_placed_on_hold;
    monitoring_sessions += other.monitoring_sessions;
    talk_min100 += other.talk_min100;
    login_min100 += other.login_min100;
    off_hook_min100 += other.off_hook_min100;
    rounded_off_hook_min100 += other.rounded_off_hook_min100;
    work_min100 += other.work_min100;
    break_min100 += other.break_min100;
    away_min100 += other.away_min100;
    lunch_min100 += other.lunch_min100;
    training_min100 += other.training_min100;
    pending_disp_min100 += other.pending_disp_min100;
    hold_min100 += other.hold_min100;
    ring_min100 += other.ring_min100;
    engaged_min100 += other.engaged_min100;
    rna_min100 += other.rna_min100;
    available_min100 += other.available_min100;
    return *this;
}

Result<ParsedReport> parse_report(std::string_view body, const date::time_zone& zone) {
    // The poll path must not throw; what could is running out of memory or the zone's data
    // failing to load on first use.
    try {
        return read_report(body, zone);
    } catch (const std::exception& error) {
        return parse_error(std::string("report could not be read: ") + error.what());
    }
}

std::optional<SysSeconds> parse_report_time(std::string_view text, const date::time_zone& zone) {
    const auto local = parse_local_time(text);
    if (!local) {
        return std::nullopt;
    }
    try {
        return detail::local_to_sys(*local, zone);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

const std::vector<std::string_view>& required_report_columns() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> result;
        for (const auto& column : kColumns) {
            result.push_back(column.name);
        }
        return result;
    }();
    return names;
}

}  // namespace engagevoice
