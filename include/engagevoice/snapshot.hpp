// What one account's latest successful poll found, shared between the poller and scrapes.
//
// A Snapshot never changes once built. The poller publishes a whole new one; a scrape takes the
// current one and sees either the old or the new state, never a mix.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engagevoice/day_aggregator.hpp"

namespace engagevoice {

struct Snapshot {
    std::string account_id;
    std::string business_day;  // "YYYY-MM-DD"
    std::vector<AgentDay> agents;
    // When the poll that built it started.
    std::chrono::system_clock::time_point taken_at;
    // When its business day ends: after that its values are yesterday's, not today's.
    std::chrono::system_clock::time_point business_day_end =
        std::chrono::system_clock::time_point::max();
};

class SnapshotStore {
public:
    // Replaces the current snapshot. Thread-safe.
    void publish(std::shared_ptr<const Snapshot> snapshot);
    // The current snapshot, or null before the first successful poll. Thread-safe.
    std::shared_ptr<const Snapshot> current() const;

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Snapshot> current_;
};

}  // namespace engagevoice
