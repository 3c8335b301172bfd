#include "contact_centre.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <string_view>

#include <date/tz.h>
#include <nlohmann/json.hpp>

namespace engagevoice {

namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::string_view kNoTeam = "[No Team Name]";

// ---------------------------------------------------------------------------------------------
// Randomness. A hand-written generator rather than <random> distributions, whose output is not
// specified by the standard: the same seed must give the same report on every platform.

std::uint64_t splitmix(std::uint64_t value) {
    value += 0x9E3779B97F4A7C15ULL;
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
    value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
    return value ^ (value >> 31);
}

// Purposes of a stream, so that the roster, a day's plan and a session draw independent numbers.
enum class Stream : std::uint64_t { Roster = 1, Plan = 2, Session = 3 };

class Rng {
public:
    Rng(std::uint64_t seed, Stream stream, std::initializer_list<std::uint64_t> keys)
        : state_(splitmix(seed ^ splitmix(static_cast<std::uint64_t>(stream)))) {
        for (auto key : keys) {
            state_ = splitmix(state_ ^ splitmix(key));
        }
    }

    std::uint64_t next() {
        state_ += 0x9E3779B97F4A7C15ULL;
        return splitmix(state_);
    }

    // A whole number from lo to hi, both included.
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        return lo + static_cast<std::int64_t>(next() % span);
    }

    bool chance(int percent) { return between(1, 100) <= percent; }

    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& items) {
        return items[static_cast<std::size_t>(between(0, N - 1))];
    }

private:
    std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// The roster.

struct NamePart {
    std::string_view text;
    std::string_view slug;  // ASCII, for the username
};

constexpr std::array<NamePart, 20> kFirstNames = {{
    {"Ana", "ana"},     {"Pat", "pat"},     {"Chidi", "chidi"}, {"Linh", "linh"},
    {"Jonas", "jonas"}, {"Maria", "maria"}, {"Wei", "wei"},     {"Fatima", "fatima"},
    {"Liam", "liam"},   {"Sofia", "sofia"}, {"Noah", "noah"},   {"Priya", "priya"},
    {"Mateo", "mateo"}, {"Aisha", "aisha"}, {"Kenji", "kenji"}, {"Olga", "olga"},
    {"Diego", "diego"}, {"Grace", "grace"}, {"Omar", "omar"},   {"Hannah", "hannah"},
}};

constexpr std::array<NamePart, 20> kLastNames = {{
    {"Rivera", "rivera"},   {"Okafor", "okafor"}, {"Nguyen", "nguyen"}, {"Schmidt", "schmidt"},
    {"Johnson", "johnson"}, {"Kim", "kim"},       {"Patel", "patel"},   {"Garcia", "garcia"},
    {"Brown", "brown"},     {"Silva", "silva"},   {"Cohen", "cohen"},   {"Novak", "novak"},
    {"Haddad", "haddad"},   {"Tanaka", "tanaka"}, {"Walker", "walker"}, {"Rossi", "rossi"},
    {"Murphy", "murphy"},   {"Larsen", "larsen"}, {"Mensah", "mensah"}, {"Dubois", "dubois"},
}};

// Names that a CSV writer must quote or that are not ASCII.
struct SpecialName {
    NamePart first;
    NamePart last;
};

constexpr std::array<SpecialName, 8> kSpecialNames = {{
    {{"Pat", "pat"}, {"O'Neil, Jr.", "oneil"}},
    {{"Zoë \"Z\"", "zoe"}, {"Ångström", "angstrom"}},
    {{"José", "jose"}, {"García-Núñez", "garcia"}},
    {{"Mary \"Mo\"", "mary"}, {"Smith, III", "smith"}},
    {{"Đức", "duc"}, {"Nguyễn", "nguyen"}},
    {{"Björn", "bjorn"}, {"Øster", "oster"}},
    {{"Renée", "renee"}, {"D'Souza", "dsouza"}},
    {{"Siobhán", "siobhan"}, {"Ó Briain, \"Shiv\"", "obriain"}},
}};

constexpr std::array<std::string_view, 5> kTeams = {
    "Inbound East", "Inbound West", "Outbound Sales", "Retention", "Billing Support",
};

constexpr std::array<std::string_view, 5> kDialGroups = {
    "Sales Inbound", "Support", "Renewals", "Collections", "Outbound Campaign",
};

std::string two_digits(std::int64_t value) {
    std::string text(2, '0');
    text[0] = static_cast<char>('0' + value / 10 % 10);
    text[1] = static_cast<char>('0' + value % 10);
    return text;
}

// Every optional field is left empty for a fixed share of the roster, whatever the seed, so
// that even a small centre has them.
CentreAgent make_agent(std::uint64_t seed, std::size_t index) {
    Rng rng(seed, Stream::Roster, {index});
    NamePart first = rng.pick(kFirstNames);
    NamePart last = rng.pick(kLastNames);
    if (index % 7 == 1) {
        const auto& special = kSpecialNames[index / 7 % kSpecialNames.size()];
        first = special.first;
        last = special.last;
    }

    CentreAgent agent;
    agent.agent_id = std::to_string(3000001 + index);
    agent.first_name = first.text;
    agent.last_name = last.text;
    agent.username = std::string(first.slug) + "." + std::string(last.slug) +
                     std::to_string(index + 1) + "@example.com";
    agent.team = index % 9 == 4 ? kNoTeam : rng.pick(kTeams);
    agent.dial_group = index % 6 == 2 ? "" : rng.pick(kDialGroups);
    agent.external_agent_id = index % 4 == 3 ? "" : "E-" + std::to_string(100 + index);
    // 555-0100 to 555-0199 are reserved for fiction.
    agent.phone = index % 5 == 0 ? "" : "617555" + two_digits(1) + two_digits(index % 100);
    return agent;
}

// The team of a later session for the few agents who move team during the day.
std::string alternate_team(const std::string& team) {
    for (std::size_t i = 0; i < kTeams.size(); ++i) {
        if (kTeams[i] == team) {
            return std::string(kTeams[(i + 1) % kTeams.size()]);
        }
    }
    return std::string(kTeams[0]);
}

// ---------------------------------------------------------------------------------------------
// A day's plan: when each agent logs in and for how long. Offsets are seconds after the start of
// the business day, so days of 23 and 25 hours need no special case.

struct PlannedSession {
    std::int64_t offset = 0;
    std::int64_t length = 0;
    bool moved_team = false;
};

std::int64_t session_count(Rng& rng) {
    auto roll = rng.between(1, 100);
    if (roll <= 55) {
        return 1;
    }
    return roll <= 85 ? 2 : 3;
}

std::int64_t session_length(Rng& rng, std::int64_t count) {
    if (rng.chance(5)) {
        return rng.between(60, 3 * kMinute);  // a quick re-login
    }
    if (count == 1) {
        return rng.between(2 * kHour, 9 * kHour);
    }
    return rng.between(40 * kMinute, 5 * kHour);
}

std::vector<PlannedSession> plan_shifts(Rng& rng, std::size_t index) {
    if (index % 25 == 7) {
        // A shift of over 1,000 minutes, so that the report writes thousands separators.
        auto offset = rng.between(5 * kMinute, kHour);
        return {{offset, rng.between(1000 * kMinute, 1100 * kMinute), false}};
    }

    std::vector<PlannedSession> plan;
    auto count = session_count(rng);
    auto offset = rng.chance(70) ? rng.between(6 * kHour, 10 * kHour) : rng.between(0, 15 * kHour);
    for (std::int64_t k = 0; k < count; ++k) {
        auto length = session_length(rng, count);
        plan.push_back({offset, length, k > 0 && index % 23 == 11});
        offset += length + rng.between(5 * kMinute, 75 * kMinute);
    }
    return plan;
}

// Keeps every session inside the business day, cutting or dropping what would run over.
std::vector<PlannedSession> plan_day(std::uint64_t seed, std::int64_t day_number, std::size_t index,
                                     std::int64_t day_length) {
    Rng rng(seed, Stream::Plan, {static_cast<std::uint64_t>(day_number), index});
    if (rng.chance(6)) {
        return {};  // a day off
    }

    auto plan = plan_shifts(rng, index);
    auto last_end = day_length - kMinute;
    std::erase_if(plan, [&](const PlannedSession& s) { return s.offset + 2 * kMinute > last_end; });
    for (auto& session : plan) {
        session.length = std::min(session.length, last_end - session.offset);
    }
    return plan;
}

// ---------------------------------------------------------------------------------------------
// One session, second by second: a run of call cycles with breaks and other away states at
// planned offsets. Every draw depends only on earlier draws, never on the moment the walk
// stops, which is what makes a session grow with the clock without changing its past.

enum class State { Available, Ring, Talk, Hold, Wrap, RingNoAnswer, Break, Away, Lunch, Training };
constexpr std::size_t kStateCount = 10;

struct Tally {
    std::array<std::int64_t, kStateCount> seconds{};
    std::int64_t presented = 0;
    std::int64_t accepted = 0;
    std::int64_t rna = 0;
    std::int64_t manual_no_connect = 0;
    std::int64_t disp_xfers = 0;
    std::int64_t placed_on_hold = 0;
    std::int64_t monitoring = 0;

    std::int64_t in(State state) const { return seconds[static_cast<std::size_t>(state)]; }
};

struct Aux {
    std::int64_t offset = 0;
    std::int64_t length = 0;
    State state = State::Break;
};

class SessionWalk {
public:
    SessionWalk(Rng& rng, std::int64_t limit) : rng_(rng), limit_(limit) {}

    Tally run(std::int64_t planned);

private:
    void spend(State state, std::int64_t from, std::int64_t to);
    bool happened(std::int64_t at) const { return at < limit_; }
    std::vector<Aux> plan_aux(std::int64_t planned);
    void plan_monitoring(std::int64_t planned);
    std::int64_t call_cycle(std::int64_t t, std::int64_t due);
    std::int64_t answered_call(std::int64_t t, std::int64_t ring);

    Rng& rng_;
    std::int64_t limit_;
    Tally tally_;
};

std::vector<Aux> SessionWalk::plan_aux(std::int64_t planned) {
    std::vector<Aux> aux;
    if (planned > 90 * kMinute) {
        aux.push_back({rng_.between(planned * 30 / 100, planned * 45 / 100),
                       rng_.between(10 * kMinute, 15 * kMinute), State::Break});
    }
    if (planned > 4 * kHour) {
        aux.push_back({rng_.between(planned * 50 / 100, planned * 60 / 100),
                       rng_.between(30 * kMinute, 45 * kMinute), State::Lunch});
    }
    if (planned > 10 * kHour) {
        aux.push_back({planned * 75 / 100, rng_.between(10 * kMinute, 15 * kMinute), State::Break});
    }
    if (rng_.chance(20)) {
        aux.push_back(
            {rng_.between(0, planned), rng_.between(2 * kMinute, 6 * kMinute), State::Away});
    }
    if (rng_.chance(8)) {
        aux.push_back(
            {rng_.between(0, planned), rng_.between(15 * kMinute, 45 * kMinute), State::Training});
    }
    std::sort(aux.begin(), aux.end(),
              [](const Aux& a, const Aux& b) { return a.offset < b.offset; });
    return aux;
}

void SessionWalk::plan_monitoring(std::int64_t planned) {
    if (!rng_.chance(10)) {
        return;
    }
    auto count = rng_.chance(20) ? 2 : 1;
    for (int i = 0; i < count; ++i) {
        if (happened(rng_.between(0, planned))) {
            ++tally_.monitoring;
        }
    }
}

void SessionWalk::spend(State state, std::int64_t from, std::int64_t to) {
    auto end = std::min(to, limit_);
    if (from < end) {
        tally_.seconds[static_cast<std::size_t>(state)] += end - from;
    }
}

Tally SessionWalk::run(std::int64_t planned) {
    auto aux = plan_aux(planned);
    plan_monitoring(planned);

    std::int64_t t = 0;
    std::size_t next = 0;
    while (t < limit_) {
        // An away state starts at its planned time, or when the call then running ends.
        if (next < aux.size() && aux[next].offset <= t) {
            spend(aux[next].state, t, t + aux[next].length);
            t += aux[next].length;
            ++next;
            continue;
        }
        auto due = next < aux.size() ? aux[next].offset : std::numeric_limits<std::int64_t>::max();
        t = call_cycle(t, due);
    }
    return tally_;
}

// Waiting, then one call offered (or a manual dial that does not connect). Returns the end.
std::int64_t SessionWalk::call_cycle(std::int64_t t, std::int64_t due) {
    auto wait = rng_.between(15, 360);
    if (t + wait >= due) {
        spend(State::Available, t, due);
        return due;
    }
    spend(State::Available, t, t + wait);
    t += wait;

    if (rng_.chance(4)) {
        auto dialing = rng_.between(15, 45);
        tally_.manual_no_connect += happened(t) ? 1 : 0;
        spend(State::Available, t, t + dialing);
        return t + dialing;
    }

    // Counts are taken when the call is offered, so that RNA = presented - accepted at any moment.
    auto ring = rng_.between(3, 25);
    tally_.presented += happened(t) ? 1 : 0;
    if (rng_.chance(92)) {
        return answered_call(t, ring);
    }
    auto unanswered = ring + rng_.between(8, 12);
    tally_.rna += happened(t) ? 1 : 0;
    spend(State::RingNoAnswer, t, t + unanswered);
    return t + unanswered;
}

std::int64_t SessionWalk::answered_call(std::int64_t t, std::int64_t ring) {
    auto talk = rng_.between(30, 720);
    auto hold = rng_.chance(25) ? rng_.between(20, 180) : 0;
    auto wrap = rng_.between(5, 90);
    auto transferred = rng_.chance(6);
    if (happened(t)) {
        ++tally_.accepted;
        tally_.placed_on_hold += hold > 0 ? 1 : 0;
        tally_.disp_xfers += transferred ? 1 : 0;
    }

    spend(State::Ring, t, t + ring);
    t += ring;
    spend(State::Talk, t, t + talk / 2);
    t += talk / 2;
    spend(State::Hold, t, t + hold);
    t += hold;
    spend(State::Talk, t, t + talk - talk / 2);
    t += talk - talk / 2;
    spend(State::Wrap, t, t + wrap);
    return t + wrap;
}

// ---------------------------------------------------------------------------------------------
// From seconds to the report's numbers. Each column is rounded on its own from seconds, as the
// real report does, so sums of columns agree only to a few hundredths.

std::int64_t min100(std::int64_t secs) { return (secs * 100 + 30) / 60; }

std::int64_t pct100(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? (part * 10000 + whole / 2) / whole : 0;
}

std::int64_t avg_min100(std::int64_t secs, std::int64_t count) {
    return count > 0 ? (secs * 100 + 30 * count) / (60 * count) : 0;
}

void fill_counts(CentreSession& session, const Tally& tally) {
    session.presented = tally.presented;
    session.accepted = tally.accepted;
    session.manual_no_connect = tally.manual_no_connect;
    session.rna = tally.rna;
    session.disp_xfers = tally.disp_xfers;
    session.calls_placed_on_hold = tally.placed_on_hold;
    session.monitoring_sessions = tally.monitoring;
    session.calls_xfered_pct100 = pct100(tally.disp_xfers, tally.accepted);
}

// Available time includes wrap-up and unanswered ringing, engaged time is ring, talk and hold:
// with the away states they add up to the login time, as in the documented sample row.
void fill_minutes(CentreSession& session, const Tally& tally, std::int64_t login,
                  std::int64_t connect_delay) {
    auto talk = tally.in(State::Talk);
    auto off_hook = std::max<std::int64_t>(0, login - connect_delay);
    auto away_states = tally.in(State::Break) + tally.in(State::Away) + tally.in(State::Lunch) +
                       tally.in(State::Training);

    session.talk_min100 = min100(talk);
    session.avg_talk_min100 = avg_min100(talk, tally.accepted);
    session.login_min100 = min100(login);
    session.off_hook_min100 = min100(off_hook);
    session.rounded_off_hook_min100 = (off_hook + kMinute - 1) / kMinute * 100;
    session.work_min100 = min100(login - away_states);
    session.break_min100 = min100(tally.in(State::Break));
    session.away_min100 = min100(tally.in(State::Away));
    session.lunch_min100 = min100(tally.in(State::Lunch));
    session.training_min100 = min100(tally.in(State::Training));
    session.pending_disp_min100 = min100(tally.in(State::Wrap));
    session.avg_pending_disp_min100 = avg_min100(tally.in(State::Wrap), tally.accepted);
    session.hold_min100 = min100(tally.in(State::Hold));
    session.ring_min100 = min100(tally.in(State::Ring));
    session.engaged_min100 = min100(tally.in(State::Ring) + talk + tally.in(State::Hold));
    session.rna_min100 = min100(tally.in(State::RingNoAnswer));
    session.available_min100 =
        min100(tally.in(State::Available) + tally.in(State::Wrap) + tally.in(State::RingNoAnswer));
    session.login_utilization_pct100 = pct100(talk, login);
    session.off_hook_utilization_pct100 = pct100(talk, off_hook);
    session.off_hook_to_login_pct100 = pct100(off_hook, login);
}

// The instant a reader gets back from the printed minute: the earlier one of a repeated hour.
sys_seconds printed_minute(sys_seconds time, const date::time_zone& zone) {
    auto local = date::floor<minutes>(zone.to_local(time));
    auto info = zone.get_info(local);
    return sys_seconds(std::chrono::duration_cast<seconds>(local.time_since_epoch()) -
                       info.first.offset);
}

std::string session_id(std::int64_t day_number, std::size_t index, std::size_t k) {
    return std::to_string((day_number * 100000 + static_cast<std::int64_t>(index)) * 10 +
                          static_cast<std::int64_t>(k));
}

struct SessionKey {
    std::uint64_t seed = 0;
    std::int64_t day_number = 0;
    std::size_t agent = 0;
    std::size_t index = 0;  // the agent's n-th session of the day
};

// One session planned to last `length` seconds from `login`, as it stands at `now`.
CentreSession simulate_session(const SessionKey& key, std::int64_t length, sys_seconds login,
                               sys_seconds now, const date::time_zone& zone) {
    CentreSession session;
    session.agent = key.agent;
    session.login_session_id = session_id(key.day_number, key.agent, key.index);
    session.login = login;
    session.login_minute = printed_minute(login, zone);

    auto limit = std::min<std::int64_t>(length, (now - login).count());
    if (limit == length) {
        session.logout = login + seconds(length);
        session.logout_minute = printed_minute(*session.logout, zone);
    }

    Rng rng(key.seed, Stream::Session,
            {static_cast<std::uint64_t>(key.day_number), key.agent, key.index});
    auto connect_delay = rng.between(1, 6);
    auto tally = SessionWalk(rng, limit).run(length);
    fill_counts(session, tally);
    fill_minutes(session, tally, limit, connect_delay);
    return session;
}

// ---------------------------------------------------------------------------------------------
// CSV.

constexpr std::array<std::string_view, 39> kColumns = {
    "Agent ID",
    "Last Name",
    "First Name",
    "Username",
    "Phone",
    "Login DTS",
    "Logout DTS",
    "Dial Group",
    "Presented",
    "Accepted",
    "Manual No Connect",
    "RNA",
    "Disp Xfers",
    "%Calls Xfered",
    "Talk Time (min)",
    "Avg Talk Time (min)",
    "Login Time (min)",
    "Login Utilization",
    "Off Hook Time (min)",
    "Rounded OH Time (min)",
    "Off Hook Utilization",
    "Off Hook to Login %",
    "Work Time (min)",
    "Break Time (min)",
    "Away Time (min)",
    "Lunch Time (min)",
    "Training Time (min)",
    "Pending Disp Time (min)",
    "Avg Pending Disp Time",
    "External Agent ID",
    "Calls Placed On Hold",
    "Time On Hold (min)",
    "Ring Time (min)",
    "EngagedTime (min)",
    "RNA Time (min)",
    "Available Time (min)",
    "Team",
    "Login Session ID",
    "Monitoring Sessions",
};

bool needs_quotes(std::string_view value) {
    return value.find_first_of(",\"\r\n") != std::string_view::npos;
}

class RowWriter {
public:
    explicit RowWriter(std::string& out) : out_(out) {}

    void text(std::string_view value) {
        separate();
        if (!needs_quotes(value)) {
            out_ += value;
            return;
        }
        out_ += '"';
        for (char c : value) {
            out_ += c;
            if (c == '"') {
                out_ += '"';
            }
        }
        out_ += '"';
    }

    void count(std::int64_t value) {
        separate();
        char buffer[24];
        auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
        out_.append(buffer, result.ptr);
    }

    // Minutes with a leading zero below one are written "0.42", others ".42", as both occur.
    void minutes(std::int64_t value, bool leading_zero = false) {
        text(format_minutes(value, leading_zero));
    }

    void percent(std::int64_t value) { text(format_percent(value)); }

    void end() { out_ += "\r\n"; }

private:
    void separate() {
        if (!first_) {
            out_ += ',';
        }
        first_ = false;
    }

    std::string& out_;
    bool first_ = true;
};

void write_row(std::string& out, const CentreAgent& agent, const CentreSession& s,
               const date::time_zone& zone) {
    RowWriter row(out);
    row.text(agent.agent_id);
    row.text(agent.last_name);
    row.text(agent.first_name);
    row.text(agent.username);
    row.text(agent.phone);
    row.text(format_report_time(s.login, zone));
    row.text(s.logout ? format_report_time(*s.logout, zone) : "");
    row.text(agent.dial_group);
    row.count(s.presented);
    row.count(s.accepted);
    row.count(s.manual_no_connect);
    row.count(s.rna);
    row.count(s.disp_xfers);
    row.percent(s.calls_xfered_pct100);
    row.minutes(s.talk_min100);
    row.minutes(s.avg_talk_min100);
    row.minutes(s.login_min100, true);
    row.percent(s.login_utilization_pct100);
    row.minutes(s.off_hook_min100, true);
    row.minutes(s.rounded_off_hook_min100, true);
    row.percent(s.off_hook_utilization_pct100);
    row.percent(s.off_hook_to_login_pct100);
    row.minutes(s.work_min100);
    row.minutes(s.break_min100);
    row.minutes(s.away_min100);
    row.minutes(s.lunch_min100);
    row.minutes(s.training_min100);
    row.minutes(s.pending_disp_min100);
    row.minutes(s.avg_pending_disp_min100, true);
    row.text(agent.external_agent_id);
    row.count(s.calls_placed_on_hold);
    row.minutes(s.hold_min100);
    row.minutes(s.ring_min100);
    row.minutes(s.engaged_min100);
    row.minutes(s.rna_min100);
    row.minutes(s.available_min100);
    row.text(s.team);
    row.text(s.login_session_id);
    row.count(s.monitoring_sessions);
    row.end();
}

// ---------------------------------------------------------------------------------------------
// The expected values: one agent's sessions summed the way DESIGN.md asks the exporter to.

struct AgentSum {
    std::size_t agent = 0;
    const CentreSession* latest = nullptr;
    std::int64_t sessions = 0;
    bool logged_in = false;
    sys_seconds first_login = sys_seconds::max();
    std::optional<sys_seconds> last_logout;

    std::array<std::int64_t, 7> counts{};
    std::array<std::int64_t, 15> minutes{};

    std::int64_t login_weighted = 0;
    std::int64_t login_weights = 0;
    std::int64_t login_pct_sum = 0;
    std::int64_t off_hook_weighted = 0;
    std::int64_t off_hook_weights = 0;
    std::int64_t off_hook_pct_sum = 0;
};

constexpr std::array<std::string_view, 7> kCountMetrics = {
    "engagevoice_agent_calls_presented",
    "engagevoice_agent_calls_accepted",
    "engagevoice_agent_manual_calls_not_connected",
    "engagevoice_agent_calls_ring_no_answer",
    "engagevoice_agent_calls_transferred",
    "engagevoice_agent_calls_placed_on_hold",
    "engagevoice_agent_monitoring_sessions",
};

std::array<std::int64_t, 7> count_values(const CentreSession& s) {
    return {s.presented,          s.accepted,
            s.manual_no_connect,  s.rna,
            s.disp_xfers,         s.calls_placed_on_hold,
            s.monitoring_sessions};
}

constexpr std::array<std::string_view, 15> kMinuteMetrics = {
    "engagevoice_agent_talk_seconds",      "engagevoice_agent_login_seconds",
    "engagevoice_agent_off_hook_seconds",  "engagevoice_agent_off_hook_rounded_seconds",
    "engagevoice_agent_work_seconds",      "engagevoice_agent_break_seconds",
    "engagevoice_agent_away_seconds",      "engagevoice_agent_lunch_seconds",
    "engagevoice_agent_training_seconds",  "engagevoice_agent_pending_disposition_seconds",
    "engagevoice_agent_hold_seconds",      "engagevoice_agent_ring_seconds",
    "engagevoice_agent_engaged_seconds",   "engagevoice_agent_ring_no_answer_seconds",
    "engagevoice_agent_available_seconds",
};

std::array<std::int64_t, 15> minute_values(const CentreSession& s) {
    return {s.talk_min100,     s.login_min100,        s.off_hook_min100, s.rounded_off_hook_min100,
            s.work_min100,     s.break_min100,        s.away_min100,     s.lunch_min100,
            s.training_min100, s.pending_disp_min100, s.hold_min100,     s.ring_min100,
            s.engaged_min100,  s.rna_min100,          s.available_min100};
}

void add_session(AgentSum& sum, const CentreSession& s) {
    ++sum.sessions;
    if (sum.latest == nullptr || s.login >= sum.latest->login) {
        sum.latest = &s;
    }
    sum.logged_in = sum.logged_in || !s.logout;
    sum.first_login = std::min(sum.first_login, s.login_minute);
    if (s.logout_minute) {
        sum.last_logout = std::max(sum.last_logout.value_or(*s.logout_minute), *s.logout_minute);
    }

    auto counts = count_values(s);
    auto minute_list = minute_values(s);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        sum.counts[i] += counts[i];
    }
    for (std::size_t i = 0; i < minute_list.size(); ++i) {
        sum.minutes[i] += minute_list[i];
    }

    sum.login_weighted += s.login_utilization_pct100 * s.login_min100;
    sum.login_weights += s.login_min100;
    sum.login_pct_sum += s.login_utilization_pct100;
    sum.off_hook_weighted += s.off_hook_utilization_pct100 * s.off_hook_min100;
    sum.off_hook_weights += s.off_hook_min100;
    sum.off_hook_pct_sum += s.off_hook_utilization_pct100;
}

std::vector<AgentSum> sum_by_agent(const std::vector<CentreSession>& sessions) {
    std::vector<AgentSum> sums;
    for (const auto& session : sessions) {
        auto it = std::find_if(sums.rbegin(), sums.rend(),
                               [&](const AgentSum& s) { return s.agent == session.agent; });
        if (it == sums.rend()) {
            sums.push_back({});
            sums.back().agent = session.agent;
            add_session(sums.back(), session);
        } else {
            add_session(*it, session);
        }
    }
    std::sort(sums.begin(), sums.end(),
              [](const AgentSum& a, const AgentSum& b) { return a.agent < b.agent; });
    return sums;
}

// A ratio from 0 to 1: the weighted mean of the sessions' percentages, or their plain mean when
// no session has any weight.
double utilization(std::int64_t weighted, std::int64_t weights, std::int64_t pct_sum,
                   std::int64_t sessions) {
    if (weights > 0) {
        return static_cast<double>(weighted) / static_cast<double>(weights) / 10000.0;
    }
    return sessions > 0 ? static_cast<double>(pct_sum) / static_cast<double>(sessions) / 10000.0
                        : 0.0;
}

double seconds_of(std::int64_t hundredths) { return static_cast<double>(hundredths * 60) / 100.0; }

double epoch_seconds(sys_seconds time) {
    return static_cast<double>(time.time_since_epoch().count());
}

nlohmann::json agent_metrics(const AgentSum& sum) {
    nlohmann::json metrics = nlohmann::json::object();
    for (std::size_t i = 0; i < kCountMetrics.size(); ++i) {
        metrics[std::string(kCountMetrics[i])] = static_cast<double>(sum.counts[i]);
    }
    for (std::size_t i = 0; i < kMinuteMetrics.size(); ++i) {
        metrics[std::string(kMinuteMetrics[i])] = seconds_of(sum.minutes[i]);
    }
    metrics["engagevoice_agent_login_utilization_ratio"] =
        utilization(sum.login_weighted, sum.login_weights, sum.login_pct_sum, sum.sessions);
    metrics["engagevoice_agent_off_hook_utilization_ratio"] = utilization(
        sum.off_hook_weighted, sum.off_hook_weights, sum.off_hook_pct_sum, sum.sessions);
    metrics["engagevoice_agent_sessions"] = static_cast<double>(sum.sessions);
    metrics["engagevoice_agent_logged_in"] = sum.logged_in ? 1.0 : 0.0;
    metrics["engagevoice_agent_first_login_timestamp_seconds"] = epoch_seconds(sum.first_login);
    if (sum.last_logout) {
        metrics["engagevoice_agent_last_logout_timestamp_seconds"] =
            epoch_seconds(*sum.last_logout);
    }
    return metrics;
}

nlohmann::json agent_entry(const AgentSum& sum, const CentreAgent& agent,
                           const std::string& account_id) {
    const auto& team = sum.latest->team;
    nlohmann::json entry;
    entry["labels"] = {{"account_id", account_id}, {"agent_id", agent.agent_id}, {"team", team}};
    entry["info"] = {
        {"dial_group", agent.dial_group},
        {"external_agent_id", agent.external_agent_id},
        {"first_name", agent.first_name},
        {"last_name", agent.last_name},
        {"team", team},
        {"username", agent.username},
    };
    entry["metrics"] = agent_metrics(sum);
    return entry;
}

}  // namespace

// -------------------------------------------------------------------------------------------------

ContactCentre::ContactCentre(ContactCentreOptions options) : options_(std::move(options)) {
    if (options_.agents < 0 || options_.agents > kMaxCentreAgents) {
        throw std::invalid_argument("agent count must be from 0 to " +
                                    std::to_string(kMaxCentreAgents));
    }
    if (options_.day_start < minutes(0) || options_.day_start >= minutes(24 * 60)) {
        throw std::invalid_argument("day start must be from 00:00 to 23:59");
    }
    try {
        zone_ = date::locate_zone(options_.timezone);
    } catch (const std::exception&) {
        throw std::invalid_argument("unknown time zone \"" + options_.timezone + "\"");
    }

    agents_.reserve(static_cast<std::size_t>(options_.agents));
    for (std::size_t i = 0; i < static_cast<std::size_t>(options_.agents); ++i) {
        agents_.push_back(make_agent(options_.seed, i));
    }
}

sys_seconds ContactCentre::business_day_start(date::local_days day) const {
    // The offset in force before the local time works for all three cases: a unique time, the
    // earlier of a repeated hour, and a skipped time moved forward by the gap.
    auto local = date::local_seconds(day) + options_.day_start;
    auto info = zone_->get_info(local);
    return sys_seconds(local.time_since_epoch() - info.first.offset);
}

std::vector<CentreSession> ContactCentre::sessions(date::local_days day, sys_seconds now,
                                                   const std::vector<std::string>& teams) const {
    auto start = business_day_start(day);
    auto day_length = (business_day_start(day + date::days(1)) - start).count();
    auto day_number = static_cast<std::int64_t>(day.time_since_epoch().count());

    std::vector<CentreSession> result;
    for (std::size_t i = 0; i < agents_.size(); ++i) {
        auto plan = plan_day(options_.seed, day_number, i, day_length);
        for (std::size_t k = 0; k < plan.size(); ++k) {
            auto login = start + seconds(plan[k].offset);
            if (login >= now) {
                break;
            }
            auto team = plan[k].moved_team ? alternate_team(agents_[i].team) : agents_[i].team;
            if (!teams.empty() && std::find(teams.begin(), teams.end(), team) == teams.end()) {
                continue;
            }

            SessionKey key{options_.seed, day_number, i, k};
            auto session = simulate_session(key, plan[k].length, login, now, *zone_);
            session.team = std::move(team);
            result.push_back(std::move(session));
        }
    }
    return result;
}

std::string ContactCentre::report_csv(const std::vector<CentreSession>& sessions) const {
    std::string out;
    out.reserve(512 + sessions.size() * 360);
    if (options_.utf8_bom) {
        out += "\xEF\xBB\xBF";
    }
    out += report_header_line();
    out += "\r\n";
    for (const auto& session : sessions) {
        write_row(out, agents_.at(session.agent), session, *zone_);
    }
    return out;
}

std::string ContactCentre::expected_json(const std::vector<CentreSession>& sessions,
                                         const std::string& account_id) const {
    nlohmann::json agents = nlohmann::json::object();
    for (const auto& sum : sum_by_agent(sessions)) {
        const auto& agent = agents_.at(sum.agent);
        agents[agent.agent_id] = agent_entry(sum, agent, account_id);
    }

    nlohmann::json document;
    document["account_id"] = account_id;
    document["timezone"] = options_.timezone;
    document["agents"] = std::move(agents);
    document["note"] = "Simulated by engage_voice_mock: seed " + std::to_string(options_.seed) +
                       ", " + std::to_string(options_.agents) + " agents.";
    return document.dump(1) + "\n";
}

const std::string& report_header_line() {
    static const std::string line = [] {
        std::string text;
        for (auto column : kColumns) {
            text += text.empty() ? "" : ",";
            text += column;
        }
        return text;
    }();
    return line;
}

std::string format_report_time(sys_seconds time, const date::time_zone& zone) {
    auto local = date::floor<minutes>(zone.to_local(time));
    auto day = date::floor<date::days>(local);
    date::year_month_day ymd(day);
    date::hh_mm_ss<minutes> clock(local - day);

    auto hour = clock.hours().count();
    auto hour12 = hour % 12 == 0 ? 12 : hour % 12;
    return std::to_string(static_cast<unsigned>(ymd.month())) + "/" +
           std::to_string(static_cast<unsigned>(ymd.day())) + "/" +
           two_digits(static_cast<int>(ymd.year()) % 100) + " " + std::to_string(hour12) + ":" +
           two_digits(clock.minutes().count()) + (hour < 12 ? " AM" : " PM");
}

std::string format_minutes(std::int64_t min100, bool leading_zero) {
    auto whole = min100 / 100;
    std::string text;
    if (whole == 0) {
        text = leading_zero ? "0" : "";
    } else {
        auto digits = std::to_string(whole);
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i > 0 && (digits.size() - i) % 3 == 0) {
                text += ',';
            }
            text += digits[i];
        }
    }
    return text + "." + two_digits(min100 % 100);
}

std::string format_percent(std::int64_t pct100) {
    return std::to_string(pct100 / 100) + "." + two_digits(pct100 % 100) + "%";
}

std::string csv_field(const std::string& value) {
    std::string out;
    RowWriter(out).text(value);
    return out;
}

}  // namespace engagevoice
