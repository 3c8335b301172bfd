// The standard process_* metrics, read from /proc/self on each scrape.
#pragma once

#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace engagevoice {

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_start_time_seconds, process_open_fds, process_max_fds. A value that cannot be read
// is left out rather than reported as zero.
class ProcessCollector final : public prometheus::Collectable {
public:
    // `proc_root` is "/proc/self" except in tests.
    explicit ProcessCollector(std::string proc_root = "/proc/self");

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::string proc_root_;
};

}  // namespace engagevoice
