#include "engagevoice/snapshot.hpp"

#include <utility>

namespace engagevoice {

void SnapshotStore::publish(std::shared_ptr<const Snapshot> snapshot) {
    // The old snapshot is released outside the lock: freeing thousands of agents should not
    // hold up a scrape that is waiting for the pointer.
    std::shared_ptr<const Snapshot> old;
    {
        std::lock_guard lock(mutex_);
        old = std::exchange(current_, std::move(snapshot));
    }
}

std::shared_ptr<const Snapshot> SnapshotStore::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

}  // namespace engagevoice
