// Everything the exporter builds from one configuration: per account a token source, a report
// source, a poller and its snapshot store, plus the page of their agents.
//
// A Runtime is built whole or not at all, started once, stopped once, and never changed; a
// reload builds a new one beside it. Scrapes read it from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engagevoice/agent_metrics.hpp"
#include "engagevoice/clock.hpp"
#include "engagevoice/config.hpp"
#include "engagevoice/exporter_metrics.hpp"
#include "engagevoice/logging.hpp"
#include "engagevoice/poller.hpp"
#include "engagevoice/report_source.hpp"
#include "engagevoice/snapshot.hpp"
#include "engagevoice/token_source.hpp"
#include "engagevoice/web_routes.hpp"

namespace engagevoice {

class SignInLimiter;

// One account's parts, kept together so its poller outlives nothing it uses.
struct Account {
    AccountConfig config;
    SnapshotStore store;
    std::shared_ptr<TokenSource> tokens;
    std::unique_ptr<ReportSource> source;
    std::unique_ptr<Poller> poller;
};

// What building needs from outside; all must outlive the runtime.
struct RuntimeContext {
    ExporterMetrics& metrics;
    const Clock& clock;
    Logger log;
    // The sign-in limiter of each account id, shared by the runtimes of successive reloads.
    std::map<std::string, std::shared_ptr<SignInLimiter>>& limiters;
};

class Runtime {
public:
    // Builds every account of `config`; starts nothing. Throws ConfigError when an account
    // cannot be built (a CA file that does not load, an auth URL that does not parse).
    Runtime(Config config, RuntimeContext context);
    // Stops the pollers if they still run, waiting for a poll in flight.
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // Gives each account the last snapshot and the poll status (last success, agents, last
    // error) of the account with the same id in `previous`, so a reload blanks neither /metrics
    // nor the landing page until the first new poll. An account whose settings did not change
    // keeps its schedule; see Poller::continue_from. Call before start().
    void continue_from(const Runtime& previous);

    void start();
    // Asks every poller to stop and returns at once.
    void request_stop();
    // Waits until `deadline` for the pollers to end. False while a poll is still running.
    bool wait_stopped(std::chrono::steady_clock::time_point deadline);

    const Config& config() const { return config_; }
    std::set<std::string> account_ids() const;
    // The per-agent part of /metrics.
    const AgentPage& agent_page() const { return *agent_page_; }
    // True once every account finished its first poll.
    bool ready() const;
    std::vector<AccountSummary> summaries() const;

private:
    Config config_;
    std::vector<std::unique_ptr<Account>> accounts_;
    std::unique_ptr<AgentPage> agent_page_;
};

// What a start would build for each account, built and dropped, without any request: CA files
// must load, and static tokens must make headers. Throws ConfigError naming the key.
void check_accounts(const Config& config, const Logger& log);

}  // namespace engagevoice
