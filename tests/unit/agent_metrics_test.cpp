#include "engagevoice/agent_metrics.hpp"

#include <catch2/catch.hpp>

#include "engagevoice/exposition.hpp"
#include "expected_page.hpp"
#include "fake_clock.hpp"

namespace engagevoice {
namespace {

using namespace std::chrono_literals;

// Any fixed moment will do; these tests only move the clock relative to it.
testing::FakeClock some_clock() {
    return testing::FakeClock(std::chrono::system_clock::time_point(std::chrono::hours(500000)));
}

std::shared_ptr<const Snapshot> snapshot_at(std::chrono::system_clock::time_point taken_at) {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->account_id = "42";
    snapshot->taken_at = taken_at;
    snapshot->business_day_end = taken_at + 12h;
    AgentDay agent;
    agent.agent_id = "7";
    agent.team = "Blue \"B\" Team";
    agent.first_name = "Zoë";
    agent.figures.talk_min100 = 4545;
    agent.sessions = 1;
    agent.first_login = SysSeconds(1588003320s);
    snapshot->agents.push_back(agent);
    return snapshot;
}

}  // namespace

TEST_CASE("agent metrics convert minutes to seconds and label by account, agent and team",
          "[metrics]") {
    auto clock = some_clock();
    const auto page =
        serialize_families(agent_metric_families({snapshot_at(clock.now())}, true));
    const auto samples = testing::parse_page(page);

    const std::map<std::string, std::string> labels{
        {"account_id", "42"}, {"agent_id", "7"}, {"team", "Blue \"B\" Team"}};
    bool found_talk = false;
    for (const auto& sample : samples) {
        if (sample.name == "engagevoice_agent_talk_seconds") {
            CHECK(sample.labels == labels);
            CHECK(sample.value == Approx(2727.0));
            found_talk = true;
        }
        CHECK(sample.name != "engagevoice_agent_last_logout_timestamp_seconds");
    }
    CHECK(found_talk);
    CHECK_THAT(page, Catch::Contains("first_name=\"Zoë\""));
}

TEST_CASE("every agent metric's help names its report column and when it is refreshed",
          "[metrics]") {
    for (const auto& family : agent_metric_families({}, true)) {
        CAPTURE(family.name);
        CHECK_THAT(family.help, Catch::Contains("column"));
        CHECK_THAT(family.help, Catch::Contains("not at scrape time"));
        CHECK(family.type == prometheus::MetricType::Gauge);
    }
}

TEST_CASE("agent page drops snapshots older than the staleness limit", "[metrics]") {
    auto clock = some_clock();
    std::shared_ptr<const Snapshot> snapshot = snapshot_at(clock.now());
    AgentPage page([&] { return std::vector{snapshot}; }, clock, 15min, true);

    CHECK_THAT(*page.text(), Catch::Contains("engagevoice_agent_talk_seconds{"));

    clock.now_ += 15min;
    CHECK_THAT(*page.text(), Catch::Contains("engagevoice_agent_talk_seconds{"));

    clock.now_ += 1s;
    CHECK(page.text()->empty());
}

TEST_CASE("agent page drops a snapshot once its business day has ended", "[metrics]") {
    auto clock = some_clock();
    std::shared_ptr<const Snapshot> snapshot = snapshot_at(clock.now() - 5min);
    AgentPage page([&] { return std::vector{snapshot}; }, clock, 1h, true);
    CHECK_FALSE(page.text()->empty());

    clock.now_ = snapshot->business_day_end;

    CHECK(page.text()->empty());
}

TEST_CASE("agent page serves nothing before the first poll", "[metrics]") {
    auto clock = some_clock();
    AgentPage page([] { return std::vector<std::shared_ptr<const Snapshot>>{nullptr}; }, clock,
                   15min, true);

    CHECK(page.text()->empty());
}

TEST_CASE("agent page reuses its text until a new snapshot is published", "[metrics]") {
    auto clock = some_clock();
    std::shared_ptr<const Snapshot> snapshot = snapshot_at(clock.now());
    AgentPage page([&] { return std::vector{snapshot}; }, clock, 15min, true);

    const auto first = page.text();
    CHECK(page.text() == first);

    auto next = std::make_shared<Snapshot>(*snapshot);
    next->agents[0].figures.talk_min100 = 100;
    snapshot = next;
    const auto second = page.text();

    CHECK(second != first);
    CHECK_THAT(*second, Catch::Contains("engagevoice_agent_talk_seconds{account_id=\"42\","
                                        "agent_id=\"7\",team=\"Blue \\\"B\\\" Team\"} 60"));
}

}  // namespace engagevoice
