#include "engagevoice/agent_metrics.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "engagevoice/decimal.hpp"
#include "engagevoice/exposition.hpp"

namespace engagevoice {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// One per-agent metric: its name, the report column it comes from, what it means, and how to
// read it from an AgentDay (nullopt leaves the agent out, e.g. no logout yet).
struct AgentMetric {
    std::string_view name;
    std::string_view column;
    std::string_view meaning;
    std::optional<double> (*value)(const AgentDay&);
};

std::optional<double> minutes(std::int64_t min100) {
    return hundredth_minutes_to_seconds(min100);
}

std::optional<double> count(std::int64_t n) {
    return static_cast<double>(n);
}

std::optional<double> timestamp(SysSeconds t) {
    return static_cast<double>(t.time_since_epoch().count());
}

// clang-format off
const AgentMetric kAgentMetrics[] = {
    {"engagevoice_agent_login_seconds", "Login Time (min)", "Time logged in, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.login_min100); }},
    {"engagevoice_agent_talk_seconds", "Talk Time (min)", "Time talking, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.talk_min100); }},
    {"engagevoice_agent_hold_seconds", "Time On Hold (min)", "Time with calls on hold, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.hold_min100); }},
    {"engagevoice_agent_break_seconds", "Break Time (min)", "Time on break, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.break_min100); }},
    {"engagevoice_agent_away_seconds", "Away Time (min)", "Time away, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.away_min100); }},
    {"engagevoice_agent_lunch_seconds", "Lunch Time (min)", "Time at lunch, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.lunch_min100); }},
    {"engagevoice_agent_training_seconds", "Training Time (min)", "Time in training, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.training_min100); }},
    {"engagevoice_agent_available_seconds", "Available Time (min)",
     "Time available for calls, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.available_min100); }},
    {"engagevoice_agent_engaged_seconds", "EngagedTime (min)", "Time engaged, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.engaged_min100); }},
    {"engagevoice_agent_pending_disposition_seconds", "Pending Disp Time (min)",
     "Time waiting to disposition calls, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.pending_disp_min100); }},
    {"engagevoice_agent_work_seconds", "Work Time (min)", "Work time, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.work_min100); }},
    {"engagevoice_agent_off_hook_seconds", "Off Hook Time (min)", "Time off hook, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.off_hook_min100); }},
    {"engagevoice_agent_off_hook_rounded_seconds", "Rounded OH Time (min)",
     "Time off hook rounded up to whole minutes per session, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.rounded_off_hook_min100); }},
    {"engagevoice_agent_ring_seconds", "Ring Time (min)", "Time ringing, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.ring_min100); }},
    {"engagevoice_agent_ring_no_answer_seconds", "RNA Time (min)",
     "Time ringing without an answer, in seconds",
     [](const AgentDay& d) { return minutes(d.figures.rna_min100); }},
    {"engagevoice_agent_calls_presented", "Presented", "Calls presented",
     [](const AgentDay& d) { return count(d.figures.presented); }},
    {"engagevoice_agent_calls_accepted", "Accepted", "Calls accepted",
     [](const AgentDay& d) { return count(d.figures.accepted); }},
    {"engagevoice_agent_manual_calls_not_connected", "Manual No Connect",
     "Manual calls that did not connect",
     [](const AgentDay& d) { return count(d.figures.manual_no_connect); }},
    {"engagevoice_agent_calls_ring_no_answer", "RNA", "Calls that rang without an answer",
     [](const AgentDay& d) { return count(d.figures.rna); }},
    {"engagevoice_agent_calls_transferred", "Disp Xfers", "Calls transferred",
     [](const AgentDay& d) { return count(d.figures.disp_xfers); }},
    {"engagevoice_agent_calls_placed_on_hold", "Calls Placed On Hold", "Calls placed on hold",
     [](const AgentDay& d) { return count(d.figures.calls_placed_on_hold); }},
    {"engagevoice_agent_monitoring_sessions", "Monitoring Sessions", "Monitoring sessions",
     [](const AgentDay& d) { return count(d.figures.monitoring_sessions); }},
    {"engagevoice_agent_login_utilization_ratio", "Login Utilization",
     "Talk time over login time, 0 to 1, the sessions weighted by their login time",
     [](const AgentDay& d) -> std::optional<double> { return d.login_utilization; }},
    {"engagevoice_agent_off_hook_utilization_ratio", "Off Hook Utilization",
     "Talk time over off-hook time, 0 to 1, the sessions weighted by their off-hook time",
     [](const AgentDay& d) -> std::optional<double> { return d.off_hook_utilization; }},
    {"engagevoice_agent_sessions", "Login Session ID", "Login sessions, each session id counted once",
     [](const AgentDay& d) { return count(d.sessions); }},
    {"engagevoice_agent_logged_in", "Logout DTS",
     "1 while the agent has a session without a logout, else 0",
     [](const AgentDay& d) -> std::optional<double> { return d.logged_in ? 1.0 : 0.0; }},
    {"engagevoice_agent_first_login_timestamp_seconds", "Login DTS",
     "Earliest login as a Unix timestamp in seconds",
     [](const AgentDay& d) { return timestamp(d.first_login); }},
    {"engagevoice_agent_last_logout_timestamp_seconds", "Logout DTS",
     "Latest logout of a closed session as a Unix timestamp in seconds; absent until one closed",
     [](const AgentDay& d) -> std::optional<double> {
         return d.last_logout ? timestamp(*d.last_logout) : std::nullopt;
     }},
};
// clang-format on

// Sums say so; the ratios, the flag and the timestamps describe themselves.
bool is_sum(const AgentMetric& metric) {
    return metric.name != "engagevoice_agent_sessions" &&
           metric.name.find("utilization") == std::string_view::npos &&
           metric.name.find("logged_in") == std::string_view::npos &&
           metric.name.find("timestamp") == std::string_view::npos;
}

std::string help_text(const AgentMetric& metric) {
    std::string help(metric.meaning);
    help += is_sum(metric) ? ", summed over the agent's login sessions" : "";
    help += " (report column \"";
    help += metric.column;
    help += "\"). Covers the current business day; refreshed by the poller, not at scrape time.";
    return help;
}

ClientMetric gauge(std::vector<ClientMetric::Label> labels, double value) {
    ClientMetric metric;
    metric.label = std::move(labels);
    metric.gauge.value = value;
    return metric;
}

std::vector<ClientMetric::Label> agent_labels(const Snapshot& snapshot, const AgentDay& agent) {
    return {{"account_id", snapshot.account_id},
            {"agent_id", agent.agent_id},
            {"team", agent.team}};
}

std::vector<ClientMetric::Label> info_labels(const Snapshot& snapshot, const AgentDay& agent) {
    return {{"account_id", snapshot.account_id},
            {"agent_id", agent.agent_id},
            {"dial_group", agent.dial_group},
            {"external_agent_id", agent.external_agent_id},
            {"first_name", agent.first_name},
            {"last_name", agent.last_name},
            {"team", agent.team},
            {"username", agent.username}};
}

MetricFamily value_family(const AgentMetric& metric,
                          const std::vector<std::shared_ptr<const Snapshot>>& snapshots) {
    MetricFamily family{std::string(metric.name), help_text(metric), MetricType::Gauge, {}};
    for (const auto& snapshot : snapshots) {
        for (const AgentDay& agent : snapshot->agents) {
            if (auto value = metric.value(agent)) {
                family.metric.push_back(gauge(agent_labels(*snapshot, agent), *value));
            }
        }
    }
    return family;
}

MetricFamily info_family(const std::vector<std::shared_ptr<const Snapshot>>& snapshots) {
    MetricFamily family{"engagevoice_agent_info",
                        "Names of the agent from their latest login session of the current "
                        "business day (report columns \"Username\", \"First Name\", \"Last "
                        "Name\", \"External Agent ID\", \"Team\", \"Dial Group\"); always 1. "
                        "Refreshed by the poller, not at scrape time.",
                        MetricType::Gauge,
                        {}};
    for (const auto& snapshot : snapshots) {
        for (const AgentDay& agent : snapshot->agents) {
            family.metric.push_back(gauge(info_labels(*snapshot, agent), 1.0));
        }
    }
    return family;
}

}  // namespace

std::vector<MetricFamily> agent_metric_families(
    const std::vector<std::shared_ptr<const Snapshot>>& snapshots, bool agent_info) {
    std::vector<MetricFamily> families;
    families.reserve(std::size(kAgentMetrics) + 1);
    if (agent_info) {
        families.push_back(info_family(snapshots));
    }
    for (const AgentMetric& metric : kAgentMetrics) {
        families.push_back(value_family(metric, snapshots));
    }
    return families;
}

AgentPage::AgentPage(SnapshotSource source, const Clock& clock,
                     std::chrono::seconds max_staleness, bool agent_info)
    : source_(std::move(source)),
      clock_(clock),
      max_staleness_(max_staleness),
      agent_info_(agent_info) {}

std::vector<std::shared_ptr<const Snapshot>> AgentPage::fresh_snapshots() const {
    const auto now = clock_.now();
    std::vector<std::shared_ptr<const Snapshot>> fresh;
    for (auto& snapshot : source_()) {
        if (snapshot && now - snapshot->taken_at <= max_staleness_ &&
            now < snapshot->business_day_end) {
            fresh.push_back(std::move(snapshot));
        }
    }
    return fresh;
}

std::shared_ptr<const std::string> AgentPage::text() const {
    auto fresh = fresh_snapshots();

    // Scrapes that arrive while the text is built wait for it rather than build it again.
    std::lock_guard lock(mutex_);
    if (!cached_text_ || fresh != cached_for_) {
        cached_text_ = std::make_shared<const std::string>(
            serialize_families(agent_metric_families(fresh, agent_info_)));
        cached_for_ = std::move(fresh);
    }
    return cached_text_;
}

}  // namespace engagevoice
