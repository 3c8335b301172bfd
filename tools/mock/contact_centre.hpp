// A simulated contact centre that writes the Agent Session Report.
//
// Everything is a pure function of (seed, agent count, time zone, day start) and of the business
// day and the moment asked for: the same inputs give the same bytes. Sessions grow with the clock:
// a later moment in the same day keeps every closed session as it was and lengthens the open ones.
// Beside the CSV it computes, from its own numbers, the per-agent values the exporter must serve,
// in the format of tests/fixtures/reports/*.expected.json.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

namespace date {
class time_zone;
}

namespace engagevoice {

struct ContactCentreOptions {
    std::uint64_t seed = 1;
    int agents = 50;                      // 0 to kMaxCentreAgents
    std::string timezone = "US/Eastern";  // IANA name of the account's zone
    std::chrono::minutes day_start{0};    // business day boundary, minutes after local midnight
    bool utf8_bom = false;                // start the CSV body with a UTF-8 byte order mark
};

inline constexpr int kMaxCentreAgents = 100000;

// One agent of the roster. Names may hold commas, quotes and non-ASCII letters; the optional
// fields are empty for some agents.
struct CentreAgent {
    std::string agent_id;  // "3000001", "3000002", ...
    std::string first_name;
    std::string last_name;
    std::string username;
    std::string phone;
    std::string team;  // "[No Team Name]" for agents without one
    std::string dial_group;
    std::string external_agent_id;
};

// One login session, that is one report row, with its numbers as the report writes them:
// minutes in hundredths of a minute, percentages in hundredths of a percent.
struct CentreSession {
    std::size_t agent = 0;  // index into ContactCentre::agents()
    std::string team;       // the team in this session; most agents never change team
    std::string login_session_id;
    std::chrono::sys_seconds login;
    std::optional<std::chrono::sys_seconds> logout;  // empty while the session is open

    // The same moments as the report prints them (whole minutes), read back in the account's
    // zone the way a reader of the report must: the earlier instant of a repeated local hour.
    std::chrono::sys_seconds login_minute;
    std::optional<std::chrono::sys_seconds> logout_minute;

    std::int64_t presented = 0;
    std::int64_t accepted = 0;
    std::int64_t manual_no_connect = 0;
    std::int64_t rna = 0;
    std::int64_t disp_xfers = 0;
    std::int64_t calls_placed_on_hold = 0;
    std::int64_t monitoring_sessions = 0;

    std::int64_t talk_min100 = 0;
    std::int64_t avg_talk_min100 = 0;
    std::int64_t login_min100 = 0;
    std::int64_t off_hook_min100 = 0;
    std::int64_t rounded_off_hook_min100 = 0;
    std::int64_t work_min100 = 0;
    std::int64_t break_min100 = 0;
    std::int64_t away_min100 = 0;
    std::int64_t lunch_min100 = 0;
    std::int64_t training_min100 = 0;
    std::int64_t pending_disp_min100 = 0;
    std::int64_t avg_pending_disp_min100 = 0;
    std::int64_t hold_min100 = 0;
    std::int64_t ring_min100 = 0;
    std::int64_t engaged_min100 = 0;
    std::int64_t rna_min100 = 0;
    std::int64_t available_min100 = 0;

    std::int64_t calls_xfered_pct100 = 0;
    std::int64_t login_utilization_pct100 = 0;
    std::int64_t off_hook_utilization_pct100 = 0;
    std::int64_t off_hook_to_login_pct100 = 0;
};

class ContactCentre {
public:
    // Builds the roster. Throws std::invalid_argument for an unknown zone, an agent count out of
    // range or a day start outside 0 to 1439 minutes.
    explicit ContactCentre(ContactCentreOptions options);

    const std::vector<CentreAgent>& agents() const { return agents_; }
    const date::time_zone& zone() const { return *zone_; }
    const ContactCentreOptions& options() const { return options_; }

    // Where the business day named after local date `day` starts. A day start in a skipped DST
    // hour moves forward by the gap; in a repeated hour it is the earlier instant.
    std::chrono::sys_seconds business_day_start(date::local_days day) const;

    // The sessions of business day `day` that began before `now`, ordered by agent and login.
    // Sessions still running at `now` are open and counted up to `now`. When `teams` is not
    // empty, only sessions in one of those teams are kept. Thread-safe (const).
    std::vector<CentreSession> sessions(date::local_days day, std::chrono::sys_seconds now,
                                        const std::vector<std::string>& teams = {}) const;

    // The report body for these sessions: the 39 columns of the Agent Session Report with their
    // header line, RFC 4180 quoting, CRLF line ends.
    std::string report_csv(const std::vector<CentreSession>& sessions) const;

    // What the exporter must serve for these sessions, as JSON in the format of
    // tests/fixtures/reports/*.expected.json, computed from the sessions' numbers.
    std::string expected_json(const std::vector<CentreSession>& sessions,
                              const std::string& account_id) const;

private:
    ContactCentreOptions options_;
    const date::time_zone* zone_ = nullptr;
    std::vector<CentreAgent> agents_;
};

// The report's header line without its line end: the 39 column names, comma-separated.
const std::string& report_header_line();

// A report time, "4/27/20 12:02 PM": local time in `zone`, seconds dropped.
std::string format_report_time(std::chrono::sys_seconds time, const date::time_zone& zone);

// Hundredths of a minute as the report writes them: "45.45", "1,234.56" (thousands separated),
// and below one either "0.22" or ".22" depending on `leading_zero`.
std::string format_minutes(std::int64_t min100, bool leading_zero);

// Hundredths of a percent as "18.57%".
std::string format_percent(std::int64_t pct100);

// One CSV field, quoted when it holds a comma, a quote, CR or LF (quotes doubled).
std::string csv_field(const std::string& value);

}  // namespace engagevoice
