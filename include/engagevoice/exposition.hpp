// Writing metric families in the Prometheus text format.
#pragma once

#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace engagevoice {

// Collects from every collectable and writes one page, families in the order given. HELP text
// is escaped as the format requires; families without samples are left out.
std::string serialize_metrics(const std::vector<const prometheus::Collectable*>& collectables);
std::string serialize_families(std::vector<prometheus::MetricFamily> families);

}  // namespace engagevoice
