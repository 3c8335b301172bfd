#include "engagevoice/day_aggregator.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace engagevoice {
namespace {

// Running sums for one agent. The utilization numerators are products of whole hundredths,
// summed in doubles: exact up to 2^53, far beyond any real day, and no overflow on absurd input.
struct Accumulator {
    AgentDay day;
    SysSeconds latest_login = SysSeconds::min();
    double login_weighted = 0;
    double off_hook_weighted = 0;
    std::int64_t login_pct_sum = 0;
    std::int64_t off_hook_pct_sum = 0;
};

void take_identity(AgentDay& day, const SessionRow& row) {
    day.team = row.team;
    day.username = row.username;
    day.first_name = row.first_name;
    day.last_name = row.last_name;
    day.external_agent_id = row.external_agent_id;
    day.dial_group = row.dial_group;
}

void add_session_times(Accumulator& acc, const SessionRow& row) {
    AgentDay& day = acc.day;
    if (day.sessions == 0 || row.login < day.first_login) {
        day.first_login = row.login;
    }
    if (!row.logout) {
        day.logged_in = true;
    } else if (!day.last_logout || *row.logout > *day.last_logout) {
        day.last_logout = row.logout;
    }

    // The latest session names the agent's team; on a tie the later row wins.
    if (row.login >= acc.latest_login) {
        acc.latest_login = row.login;
        take_identity(day, row);
    }
}

void add_session(Accumulator& acc, const SessionRow& row) {
    add_session_times(acc, row);
    acc.day.figures += row.figures;

    acc.login_weighted += static_cast<double>(row.login_utilization_pct100) *
                          static_cast<double>(row.figures.login_min100);
    acc.off_hook_weighted += static_cast<double>(row.off_hook_utilization_pct100) *
                             static_cast<double>(row.figures.off_hook_min100);
    acc.login_pct_sum += row.login_utilization_pct100;
    acc.off_hook_pct_sum += row.off_hook_utilization_pct100;
    acc.day.sessions += 1;
}

// The report's utilizations are per session and computed from seconds, so the day's value is
// their mean weighted by each session's denominator. With no weight at all (every session 0
// minutes long) the plain mean is the best the report allows.
double weighted_ratio(double weighted, std::int64_t weight, std::int64_t pct_sum,
                      std::int64_t sessions) {
    if (weight > 0) {
        return weighted / (static_cast<double>(weight) * 10000.0);
    }
    return static_cast<double>(pct_sum) / (static_cast<double>(sessions) * 10000.0);
}

AgentDay finish(Accumulator& acc) {
    AgentDay& day = acc.day;
    day.login_utilization =
        weighted_ratio(acc.login_weighted, day.figures.login_min100, acc.login_pct_sum, day.sessions);
    day.off_hook_utilization = weighted_ratio(acc.off_hook_weighted, day.figures.off_hook_min100,
                                              acc.off_hook_pct_sum, day.sessions);
    return std::move(day);
}

}  // namespace

DayAggregate aggregate_day(const std::vector<SessionRow>& rows) {
    DayAggregate result;
    std::map<std::string, Accumulator> by_agent;
    std::unordered_set<std::string> seen_sessions;

    for (const SessionRow& row : rows) {
        if (!row.login_session_id.empty() &&
            !seen_sessions.insert(row.login_session_id).second) {
            ++result.duplicate_sessions;
            continue;
        }
        Accumulator& acc = by_agent[row.agent_id];
        acc.day.agent_id = row.agent_id;
        add_session(acc, row);
    }

    result.agents.reserve(by_agent.size());
    for (auto& [agent_id, acc] : by_agent) {
        result.agents.push_back(finish(acc));
    }
    return result;
}

}  // namespace engagevoice
