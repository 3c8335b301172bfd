#include "engagevoice/service.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "loopback_server.hpp"
#include "mock_api.hpp"

namespace ev = engagevoice;
namespace fs = std::filesystem;

namespace {

const std::string kToken = "service-test-token";

// The mock of the upstream on loopback, and a configuration directory beside it.
struct Fixture {
    Fixture() {
        fs::create_directories(dir);
        std::ofstream(dir / "token") << kToken << "\n";
    }
    ~Fixture() { fs::remove_all(dir); }

    // A configuration polling the mock for each of `accounts`.
    void write_config(const std::vector<std::string>& accounts, const std::string& extra = "",
                      const std::string& token_file = "token") {
        std::ofstream out(dir / "config.yml", std::ios::trunc);
        out << "poll:\n  interval: 1h\n  timeout: 10s\n  max_staleness: 2h\n" << extra
            << "accounts:\n";
        for (const auto& id : accounts) {
            out << "  - account_id: \"" << id << "\"\n"
                << "    api_url: " << server.url("/voice/api/v1") << "\n"
                << "    timezone: US/Eastern\n"
                << "    auth:\n      mode: api_token\n      token_file: " << token_file << "\n";
        }
    }

    std::string page(ev::WebRoutes& routes) {
        ev::ServerRequest request;
        request.method = "GET";
        request.target = "/metrics";
        return routes.handle(request).body;
    }

    // Waits (generously) for every account's first poll.
    void wait_ready(const ev::WebRoutesOptions& options) {
        for (int i = 0; i < 200 && !options.ready(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        REQUIRE(options.ready());
    }

    fs::path dir = fs::temp_directory_path() / ("engagevoice_service_" + std::to_string(::getpid()));
    ev::MockApi api{[] {
        ev::MockApiOptions options;
        options.account_id = "15300002";
        options.agents = 20;
        options.api_token = kToken;
        return options;
    }()};
    ev::testing::LoopbackServer server{
        [this](const ev::ServerRequest& request) { return api.handle(request); }};
    ev::SystemClock clock;
    std::ostringstream log_text;
    ev::Logger log{log_text, ev::LogLevel::Debug, ev::LogFormat::Logfmt};
};

// A service started on the fixture's configuration, after its first polls.
struct Running {
    explicit Running(Fixture& f)
        : service((f.dir / "config.yml").string(), f.clock, f.log) {
        service.start();
        options = service.routes("/metrics");
        routes = std::make_unique<ev::WebRoutes>(options);
        f.wait_ready(options);
    }

    ev::ExporterService service;
    ev::WebRoutesOptions options;
    std::unique_ptr<ev::WebRoutes> routes;
};

}  // namespace

TEST_CASE("a refused reload keeps the running configuration and says why", "[service]") {
    Fixture f;
    f.write_config({"15300002"});
    Running running(f);
    REQUIRE_THAT(f.page(*running.routes), Catch::Contains("engagevoice_up{account_id=\"15300002\"} 1"));

    f.write_config({"15300002"}, "metrics:\n  agent_infos: true\n");
    const auto error = running.service.reload();

    REQUIRE(error);
    CHECK_THAT(*error, Catch::Contains("config.yml: metrics.agent_infos: unknown key"));
    const std::string page = f.page(*running.routes);
    CHECK_THAT(page, Catch::Contains("engagevoice_config_last_reload_successful 0"));
    CHECK_THAT(page, Catch::Contains("engagevoice_up{account_id=\"15300002\"} 1"));
    CHECK_THAT(page, Catch::Contains("engagevoice_agent_login_seconds{account_id=\"15300002\""));
    CHECK_THAT(f.log_text.str(), Catch::Contains("reload failed; the running configuration stays"));
}

TEST_CASE("a reload swaps the accounts and drops the series of removed ones", "[service]") {
    Fixture f;
    f.write_config({"15300002"});
    Running running(f);

    // The mock serves one account: the other gets 404s, which is all this test needs.
    f.write_config({"15300099"});
    REQUIRE_FALSE(running.service.reload());
    f.wait_ready(running.options);

    const std::string page = f.page(*running.routes);
    CHECK_THAT(page, Catch::Contains("engagevoice_config_last_reload_successful 1"));
    CHECK_THAT(page, Catch::Contains("engagevoice_up{account_id=\"15300099\"} 0"));
    CHECK_THAT(page, !Catch::Contains("account_id=\"15300002\""));
    const auto accounts = running.options.accounts();
    REQUIRE(accounts.size() == 1);
    CHECK(accounts[0].account_id == "15300099");
}

TEST_CASE("a reload that keeps an account keeps serving its agents", "[service]") {
    Fixture f;
    f.write_config({"15300002"});
    Running running(f);

    f.write_config({"15300002", "15300077"});
    REQUIRE_FALSE(running.service.reload());

    // Before and after the new pollers' first polls alike, the kept account's agents are
    // there: its last snapshot moved to the new runtime.
    CHECK_THAT(f.page(*running.routes), Catch::Contains("engagevoice_agent_login_seconds{account_id=\"15300002\""));
    f.wait_ready(running.options);
    CHECK(running.options.accounts().size() == 2);
    CHECK(running.service.stop(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}

TEST_CASE("a reload keeps an account's last success on the landing page while polls fail",
          "[service]") {
    Fixture f;
    f.write_config({"15300002"});
    Running running(f);
    const ev::AccountSummary before = running.options.accounts().at(0);
    REQUIRE(before.last_success);
    REQUIRE(before.agents > 0);

    std::ofstream(f.dir / "other_token") << "a-token-the-mock-refuses\n";
    f.write_config({"15300002"}, "", "other_token");
    REQUIRE_FALSE(running.service.reload());
    ev::AccountSummary after = running.options.accounts().at(0);
    for (int i = 0; i < 200 && after.last_error.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        after = running.options.accounts().at(0);
    }

    CHECK_THAT(after.last_error, Catch::StartsWith("auth"));
    CHECK_FALSE(after.last_poll_ok);
    CHECK(after.last_success == before.last_success);
    CHECK(after.agents == before.agents);
    CHECK(running.service.stop(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}

namespace {

void plan_fault(Fixture& f, const std::string& fault) {
    ev::ServerRequest request;
    request.method = "POST";
    request.target = "/mock/faults";
    request.body = fault;
    REQUIRE(f.api.handle(request).status == 200);
}

std::uint64_t report_requests(const Fixture& f) { return f.api.stats().report_requests; }

}  // namespace

TEST_CASE("a reload that leaves an account as it was keeps its poll schedule", "[service]") {
    Fixture f;
    f.write_config({"15300002"});
    Running running(f);
    REQUIRE(report_requests(f) == 1);

    // Only the metrics settings change: the account's next poll stays an hour away.
    f.write_config({"15300002"}, "metrics:\n  agent_info: false\n");
    for (int i = 0; i < 3; ++i) {
        REQUIRE_FALSE(running.service.reload());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));

    CHECK(report_requests(f) == 1);
    CHECK(running.options.accounts().at(0).last_poll_ok);
    CHECK(running.service.stop(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}

TEST_CASE("a reload that changes an account polls at once, but not before a Retry-After",
          "[service]") {
    Fixture f;
    plan_fault(f, R"({"kind":"rate_limited","retry_after":120,"count":1})");
    f.write_config({"15300002"});
    Running running(f);
    REQUIRE_THAT(running.options.accounts().at(0).last_error, Catch::StartsWith("rate_limited"));
    REQUIRE(report_requests(f) == 1);

    // A changed account (another time zone) would poll at once, but the upstream asked for
    // two minutes' rest.
    f.write_config({"15300002"}, "");
    {
        std::ifstream in(f.dir / "config.yml");
        std::stringstream text;
        text << in.rdbuf();
        std::string changed = text.str();
        changed.replace(changed.find("US/Eastern"), 10, "US/Central");
        std::ofstream(f.dir / "config.yml", std::ios::trunc) << changed;
    }
    REQUIRE_FALSE(running.service.reload());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(report_requests(f) == 1);
    CHECK(running.service.stop(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}

TEST_CASE("a reload that changes an account without a Retry-After polls at once", "[service]") {
    Fixture f;
    f.write_config({"15300002"});
    Running running(f);
    REQUIRE(report_requests(f) == 1);

    std::ofstream(f.dir / "same_token") << kToken << "\n";
    f.write_config({"15300002"}, "", "same_token");
    REQUIRE_FALSE(running.service.reload());
    for (int i = 0; i < 200 && report_requests(f) < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(report_requests(f) == 2);
    CHECK(running.service.stop(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}
