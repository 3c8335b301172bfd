// The per-agent metrics: snapshots in, Prometheus metric families out.
//
// One function builds the families for a set of snapshots, used both by /metrics (through
// AgentPage) and by the `render` command, so both print the same page for the same data.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "engagevoice/clock.hpp"
#include "engagevoice/snapshot.hpp"

namespace engagevoice {

// Families for every per-agent metric of the design, one series per agent and account, sorted.
// With `agent_info` false, engagevoice_agent_info (the one metric with names) is left out.
std::vector<prometheus::MetricFamily> agent_metric_families(
    const std::vector<std::shared_ptr<const Snapshot>>& snapshots, bool agent_info);

// The per-agent part of the metrics page, over live snapshots.
//
// A snapshot older than `max_staleness`, or one whose business day has ended, is not served: an
// account whose polls keep failing loses its per-agent series rather than showing old values as
// today's. Snapshots never change, so the text is built once for each set of snapshots and reused
// by every scrape until a poll publishes a new one.
class AgentPage {
public:
    using SnapshotSource = std::function<std::vector<std::shared_ptr<const Snapshot>>()>;

    AgentPage(SnapshotSource source, const Clock& clock, std::chrono::seconds max_staleness,
              bool agent_info);

    // The families of the fresh snapshots in the text format. Thread-safe.
    std::shared_ptr<const std::string> text() const;

    // The fresh snapshots themselves.
    std::vector<std::shared_ptr<const Snapshot>> fresh_snapshots() const;

private:
    SnapshotSource source_;
    const Clock& clock_;
    std::chrono::seconds max_staleness_;
    bool agent_info_;

    mutable std::mutex mutex_;
    mutable std::vector<std::shared_ptr<const Snapshot>> cached_for_;
    mutable std::shared_ptr<const std::string> cached_text_;
};

}  // namespace engagevoice
