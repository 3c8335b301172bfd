// The per-agent metrics: snapshots in, Prometheus metric families out.
//
// One function builds the families for a set of snapshots, used both by /metrics (through
// AgentCollector) and by the `render` command, so both print the same page for the same data.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "engagevoice/clock.hpp"
#include "engagevoice/snapshot.hpp"

namespace engagevoice {

// Families for every per-agent metric of the design, one series per agent and account, sorted.
// With `agent_info` false, engagevoice_agent_info (the one metric with names) is left out.
std::vector<prometheus::MetricFamily> agent_metric_families(
    const std::vector<std::shared_ptr<const Snapshot>>& snapshots, bool agent_info);

// A collectable over live snapshots. A snapshot older than `max_staleness`, or one whose business
// day has ended, is not served: an account whose polls keep failing loses its per-agent series
// rather than showing old values as today's.
class AgentCollector final : public prometheus::Collectable {
public:
    using SnapshotSource = std::function<std::vector<std::shared_ptr<const Snapshot>>()>;

    AgentCollector(SnapshotSource source, const Clock& clock, std::chrono::seconds max_staleness,
                   bool agent_info);

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    SnapshotSource source_;
    const Clock& clock_;
    std::chrono::seconds max_staleness_;
    bool agent_info_;
};

}  // namespace engagevoice
