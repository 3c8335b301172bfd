#include "engagevoice/exposition.hpp"

#include <catch2/catch.hpp>

namespace engagevoice {

TEST_CASE("exposition escapes help text and label values", "[exposition]") {
    prometheus::ClientMetric metric;
    metric.label = {{"name", "a \"quoted\" \\ value\nnext"}};
    metric.gauge.value = 1.5;
    std::vector<prometheus::MetricFamily> families{
        {"x_seconds", "line one\nline two \\ end", prometheus::MetricType::Gauge, {metric}}};

    const std::string page = serialize_families(families);

    CHECK_THAT(page, Catch::Contains("# HELP x_seconds line one\\nline two \\\\ end\n"));
    CHECK_THAT(page, Catch::Contains("# TYPE x_seconds gauge\n"));
    CHECK_THAT(page, Catch::Contains("x_seconds{name=\"a \\\"quoted\\\" \\\\ value\\nnext\"} 1.5"));
}

TEST_CASE("exposition leaves out families without samples", "[exposition]") {
    std::vector<prometheus::MetricFamily> families{
        {"empty_seconds", "nothing here", prometheus::MetricType::Gauge, {}}};

    CHECK(serialize_families(families).empty());
}

}  // namespace engagevoice
