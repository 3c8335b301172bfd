#include "engagevoice/day_aggregator.hpp"

#include <catch2/catch.hpp>

namespace engagevoice {
namespace {

SysSeconds at(long seconds) {
    return SysSeconds(std::chrono::seconds(seconds));
}

SessionRow session(std::string agent, std::string session_id, long login, long logout) {
    SessionRow row;
    row.agent_id = std::move(agent);
    row.login_session_id = std::move(session_id);
    row.login = at(login);
    if (logout > 0) {
        row.logout = at(logout);
    }
    row.team = "Team A";
    return row;
}

}  // namespace

TEST_CASE("day aggregator sums every column of an agent's sessions exactly", "[aggregate]") {
    SessionRow first = session("1", "s1", 1000, 2000);
    first.figures.talk_min100 = 12202;  // 122.02
    first.figures.login_min100 = 23878;
    first.figures.presented = 44;
    first.figures.monitoring_sessions = 1;
    SessionRow second = session("1", "s2", 3000, 0);
    second.figures.talk_min100 = 15170;
    second.figures.login_min100 = 28432;
    second.figures.presented = 53;

    const auto result = aggregate_day({first, second});

    REQUIRE(result.agents.size() == 1);
    const AgentDay& day = result.agents[0];
    CHECK(day.figures.talk_min100 == 27372);
    CHECK(day.figures.login_min100 == 52310);
    CHECK(day.figures.presented == 97);
    CHECK(day.figures.monitoring_sessions == 1);
    CHECK(day.sessions == 2);
}

TEST_CASE("day aggregator counts a repeated session id once", "[aggregate]") {
    SessionRow row = session("7", "900000105", 1000, 2000);
    row.figures.login_min100 = 5995;

    const auto result = aggregate_day({row, row});

    REQUIRE(result.agents.size() == 1);
    CHECK(result.agents[0].sessions == 1);
    CHECK(result.agents[0].figures.login_min100 == 5995);
    CHECK(result.duplicate_sessions == 1);
}

TEST_CASE("day aggregator keeps rows without a session id", "[aggregate]") {
    const auto result = aggregate_day({session("7", "", 1000, 2000), session("7", "", 3000, 4000)});

    REQUIRE(result.agents.size() == 1);
    CHECK(result.agents[0].sessions == 2);
}

TEST_CASE("day aggregator marks an agent with an open session as logged in", "[aggregate]") {
    SECTION("an open session after a closed one") {
        const auto day = aggregate_day({session("1", "a", 1000, 2000), session("1", "b", 3000, 0)})
                             .agents[0];
        CHECK(day.logged_in);
        REQUIRE(day.last_logout);
        CHECK(*day.last_logout == at(2000));
    }
    SECTION("only closed sessions") {
        const auto day = aggregate_day({session("1", "a", 1000, 2000), session("1", "b", 3000, 4000)})
                             .agents[0];
        CHECK_FALSE(day.logged_in);
        CHECK(*day.last_logout == at(4000));
    }
    SECTION("only an open session has no last logout") {
        const auto day = aggregate_day({session("1", "a", 1000, 0)}).agents[0];
        CHECK(day.logged_in);
        CHECK_FALSE(day.last_logout);
    }
}

TEST_CASE("day aggregator takes the first login whatever the row order", "[aggregate]") {
    const auto day =
        aggregate_day({session("1", "b", 5000, 6000), session("1", "a", 1000, 2000)}).agents[0];

    CHECK(day.first_login == at(1000));
    CHECK(*day.last_logout == at(6000));
}

TEST_CASE("day aggregator names the team and names of the latest session", "[aggregate]") {
    SessionRow late = session("1", "b", 5000, 6000);
    late.team = "Evening";
    late.dial_group = "Renewals";
    late.username = "new.name@example.com";
    SessionRow early = session("1", "a", 1000, 2000);
    early.team = "Morning";
    early.dial_group = "Sales";

    const auto day = aggregate_day({late, early}).agents[0];

    CHECK(day.team == "Evening");
    CHECK(day.dial_group == "Renewals");
    CHECK(day.username == "new.name@example.com");
}

TEST_CASE("day aggregator weights utilizations by their denominators", "[aggregate]") {
    SessionRow a = session("1", "a", 1000, 2000);
    a.figures.login_min100 = 23878;
    a.login_utilization_pct100 = 5110;  // 51.10%
    a.figures.off_hook_min100 = 23875;
    a.off_hook_utilization_pct100 = 5111;
    SessionRow b = session("1", "b", 3000, 0);
    b.figures.login_min100 = 28432;
    b.login_utilization_pct100 = 5336;
    b.figures.off_hook_min100 = 28428;
    b.off_hook_utilization_pct100 = 5336;

    const auto day = aggregate_day({a, b}).agents[0];

    CHECK(day.login_utilization == Approx(0.5232837545402409).epsilon(1e-12));
    CHECK(day.off_hook_utilization == Approx(0.5233293176299638).epsilon(1e-12));
}

TEST_CASE("day aggregator averages utilizations of sessions with no time", "[aggregate]") {
    SessionRow a = session("1", "a", 1000, 2000);
    a.login_utilization_pct100 = 2000;
    SessionRow b = session("1", "b", 3000, 4000);
    b.login_utilization_pct100 = 4000;

    const auto day = aggregate_day({a, b}).agents[0];

    CHECK(day.login_utilization == Approx(0.3));
    CHECK(day.off_hook_utilization == 0.0);
}

TEST_CASE("day aggregator returns agents sorted by id and nothing for no rows", "[aggregate]") {
    CHECK(aggregate_day({}).agents.empty());

    const auto result = aggregate_day(
        {session("30", "x", 1, 2), session("10", "y", 1, 2), session("20", "z", 1, 2)});
    REQUIRE(result.agents.size() == 3);
    CHECK(result.agents[0].agent_id == "10");
    CHECK(result.agents[1].agent_id == "20");
    CHECK(result.agents[2].agent_id == "30");
}

}  // namespace engagevoice
