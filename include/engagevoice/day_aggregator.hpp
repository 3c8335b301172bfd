// From login sessions to one AgentDay per agent.
//
// Sums each agent's sessions of the day exactly (in hundredths of a minute), counts a session
// id once, weights the two utilizations by their denominators, and takes the names and team of
// the agent's latest session.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engagevoice/report.hpp"

namespace engagevoice {

struct AgentDay {
    std::string agent_id;
    // From the session with the latest login.
    std::string team;
    std::string username;
    std::string first_name;
    std::string last_name;
    std::string external_agent_id;
    std::string dial_group;

    std::int64_t sessions = 0;
    bool logged_in = false;
    SysSeconds first_login;
    std::optional<SysSeconds> last_logout;  // the latest closed session's logout

    // Sums over the day's sessions.
    SessionFigures figures;

    // Ratios from 0 to 1.
    double login_utilization = 0;
    double off_hook_utilization = 0;
};

struct DayAggregate {
    std::vector<AgentDay> agents;  // sorted by agent_id
    std::size_t duplicate_sessions = 0;
};

// Aggregates the sessions of one business day. Rows with a session id seen before are counted
// once (the first is kept); rows without a session id are all kept.
DayAggregate aggregate_day(const std::vector<SessionRow>& rows);

}  // namespace engagevoice
