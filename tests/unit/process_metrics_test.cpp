#include "engagevoice/process_metrics.hpp"

#include <catch2/catch.hpp>
#include <ctime>
#include <map>

namespace engagevoice {

TEST_CASE("process collector reads this process from /proc", "[process]") {
    std::map<std::string, double> values;
    for (const auto& family : ProcessCollector().Collect()) {
        REQUIRE(family.metric.size() == 1);
        const auto& metric = family.metric[0];
        values[family.name] = family.type == prometheus::MetricType::Counter
                                  ? metric.counter.value
                                  : metric.gauge.value;
    }

    CHECK(values.at("process_resident_memory_bytes") > 1024 * 1024);
    CHECK(values.at("process_virtual_memory_bytes") >= values.at("process_resident_memory_bytes"));
    CHECK(values.at("process_open_fds") >= 3);
    CHECK(values.at("process_max_fds") >= values.at("process_open_fds"));
    CHECK(values.at("process_cpu_seconds_total") >= 0);
    const double now = static_cast<double>(std::time(nullptr));
    CHECK(values.at("process_start_time_seconds") <= now + 1);
    CHECK(values.at("process_start_time_seconds") > now - 24 * 3600);
}

TEST_CASE("process collector leaves out what it cannot read", "[process]") {
    for (const auto& family : ProcessCollector("/nonexistent/proc/self").Collect()) {
        CHECK(family.name == "process_max_fds");
    }
}

}  // namespace engagevoice
