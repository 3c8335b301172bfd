// Benchmarks of the poll's CPU work on a simulated 2,000-agent report: reading the CSV, typing
// the rows, aggregating the day and writing the metrics page. Each figure is meant to be read as
// a ratio against BM_ScanBytes, which only looks at every byte of the same body once, measured
// in the same run.
#include <benchmark/benchmark.h>
#include <date/tz.h>

#include <algorithm>

#include "contact_centre.hpp"
#include "engagevoice/agent_metrics.hpp"
#include "engagevoice/csv_reader.hpp"
#include "engagevoice/day_aggregator.hpp"
#include "engagevoice/exposition.hpp"
#include "engagevoice/report.hpp"

namespace engagevoice {
namespace {

constexpr int kAgents = 2000;

// A full business day of a 2,000-agent centre, the day the benchmarks all read.
const std::string& report_body() {
    static const std::string body = [] {
        ContactCentre centre(ContactCentreOptions{7, kAgents, "US/Eastern", {}, false});
        const auto day = date::local_days{date::year{2026} / 11 / 16};
        const auto now = centre.business_day_start(day) + std::chrono::hours(20);
        return centre.report_csv(centre.sessions(day, now));
    }();
    return body;
}

const date::time_zone& zone() {
    return *date::locate_zone("US/Eastern");
}

void set_bytes(benchmark::State& state) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(report_body().size()));
}

// The baseline: count line ends, touching each byte once.
void BM_ScanBytes(benchmark::State& state) {
    const std::string& body = report_body();
    for (auto _ : state) {
        benchmark::DoNotOptimize(std::count(body.begin(), body.end(), '\n'));
    }
    set_bytes(state);
}
BENCHMARK(BM_ScanBytes);

void BM_CsvReader(benchmark::State& state) {
    for (auto _ : state) {
        CsvReader reader(report_body());
        std::size_t fields = 0;
        while (auto record = reader.next()) {
            fields += record->fields.size();
        }
        benchmark::DoNotOptimize(fields);
    }
    set_bytes(state);
}
BENCHMARK(BM_CsvReader);

void BM_ParseReport(benchmark::State& state) {
    for (auto _ : state) {
        auto parsed = parse_report(report_body(), zone());
        benchmark::DoNotOptimize(parsed);
    }
    set_bytes(state);
}
BENCHMARK(BM_ParseReport);

void BM_ParseAndAggregate(benchmark::State& state) {
    for (auto _ : state) {
        auto parsed = parse_report(report_body(), zone());
        auto day = aggregate_day(parsed->rows);
        benchmark::DoNotOptimize(day);
    }
    set_bytes(state);
}
BENCHMARK(BM_ParseAndAggregate);

std::shared_ptr<const Snapshot> snapshot() {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->account_id = "15300002";
    snapshot->agents = aggregate_day(parse_report(report_body(), zone())->rows).agents;
    snapshot->taken_at = std::chrono::system_clock::now();
    return snapshot;
}

// Building the per-agent page for 2,000 agents: once per poll.
void BM_MetricsPage(benchmark::State& state) {
    const auto snapshot = engagevoice::snapshot();
    for (auto _ : state) {
        auto page = serialize_families(agent_metric_families({snapshot}, true));
        benchmark::DoNotOptimize(page);
    }
    set_bytes(state);
}
BENCHMARK(BM_MetricsPage);

// What a scrape costs once the page of the current snapshot is built: the cached text, copied
// into a response body.
void BM_CachedScrape(benchmark::State& state) {
    const auto snapshot = engagevoice::snapshot();
    SystemClock clock;
    AgentPage page([&] { return std::vector{snapshot}; }, clock, std::chrono::minutes(15), true);
    for (auto _ : state) {
        std::string body = "engagevoice_up 1\n" + *page.text();
        benchmark::DoNotOptimize(body);
    }
    set_bytes(state);
}
BENCHMARK(BM_CachedScrape);

}  // namespace
}  // namespace engagevoice

BENCHMARK_MAIN();
