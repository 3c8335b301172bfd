#include "engagevoice/serve.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <vector>

#include "engagevoice/agent_metrics.hpp"
#include "engagevoice/config.hpp"
#include "engagevoice/exporter_metrics.hpp"
#include "engagevoice/exposition.hpp"
#include "engagevoice/http_server.hpp"
#include "engagevoice/https_client.hpp"
#include "engagevoice/logging.hpp"
#include "engagevoice/poller.hpp"
#include "engagevoice/process_metrics.hpp"
#include "engagevoice/report_source.hpp"
#include "engagevoice/snapshot.hpp"
#include "engagevoice/token_source.hpp"
#include "engagevoice/version.hpp"
#include "engagevoice/web_routes.hpp"

namespace engagevoice {
namespace {

// How long a stop waits for polls in flight to finish.
constexpr std::chrono::seconds kStopGrace{3};

// Everything one account needs, kept together so its poller outlives nothing it uses.
struct Account {
    AccountConfig config;
    SnapshotStore store;
    std::shared_ptr<TokenSource> tokens;
    std::unique_ptr<ReportSource> source;
    std::unique_ptr<Poller> poller;
};

std::string account_key(std::size_t index, const char* key) {
    return "accounts[" + std::to_string(index) + "]." + key;
}

HttpsClientOptions client_options(const AccountConfig& account) {
    HttpsClientOptions options;
    options.ca_file = account.ca_file;
    options.user_agent = user_agent();
    options.allow_plain_http = account.api_url.rfind("http://", 0) == 0;
    options.proxy_url = account.proxy_url;
    options.proxy_environment =
        proxy_environment_from([](const char* name) { return std::getenv(name); });
    return options;
}

std::shared_ptr<TokenSource> make_tokens(const AccountConfig& account, const std::string& file,
                                         std::size_t index, const Clock& clock,
                                         AccountMetrics metrics, const Logger& log) {
    return make_token_source(account, TokenSourceContext{clock, metrics, log,
                                                         client_options(account)},
                             file, account_key(index, "auth"));
}

std::unique_ptr<ReportSource> make_report_source(const AccountConfig& account,
                                                 const std::string& file, std::size_t index,
                                                 std::shared_ptr<TokenSource> tokens,
                                                 AccountMetrics metrics) {
    std::unique_ptr<HttpsClient> client;
    try {
        client = std::make_unique<HttpsClient>(client_options(account));
    } catch (const std::exception& e) {
        throw ConfigError(file, account_key(index, "ca_file"), e.what());
    }
    return std::make_unique<EngageReportSource>(
        account, std::move(client), std::move(tokens),
        [metrics](const std::string& endpoint, int status) mutable {
            metrics.api_request(endpoint, status);
        });
}

std::vector<std::unique_ptr<Account>> make_accounts(const Config& config,
                                                    ExporterMetrics& metrics, const Clock& clock,
                                                    const Logger& log) {
    std::vector<std::unique_ptr<Account>> accounts;
    for (std::size_t i = 0; i < config.accounts.size(); ++i) {
        auto account = std::make_unique<Account>();
        account->config = config.accounts[i];
        const std::string& id = account->config.account_id;
        const AccountMetrics account_metrics =
            metrics.account(id, signs_in(account->config.auth.mode));
        account->tokens =
            make_tokens(account->config, config.file, i, clock, account_metrics, log);
        account->source = make_report_source(account->config, config.file, i,
                                             account->tokens, account_metrics);
        account->poller =
            std::make_unique<Poller>(account->config, config.poll, *account->source,
                                     account->store, account_metrics, clock, log);
        accounts.push_back(std::move(account));
    }
    return accounts;
}

// `served` are the snapshots whose agents /metrics serves now.
AccountSummary summarize(const Account& account,
                         const std::vector<std::shared_ptr<const Snapshot>>& served) {
    const PollStatus status = account.poller->status();
    AccountSummary summary;
    summary.account_id = account.config.account_id;
    summary.timezone = account.config.timezone;
    summary.finished_first_poll = status.finished_first_poll;
    summary.last_poll_ok = status.last_poll_ok;
    summary.last_success = status.last_success;
    summary.last_error = status.last_error;
    summary.agents = status.agents;
    summary.auth = account.tokens->status();
    const auto current = account.store.current();
    summary.stale = current && std::find(served.begin(), served.end(), current) == served.end();
    return summary;
}

WebRoutesOptions routes_for(const std::vector<std::unique_ptr<Account>>& accounts,
                            const std::string& telemetry_path,
                            std::vector<const prometheus::Collectable*> collectables,
                            const AgentPage& agent_page) {
    WebRoutesOptions options;
    options.telemetry_path = telemetry_path;
    options.render_metrics = [collectables, &agent_page] {
        return serialize_metrics(collectables) + *agent_page.text();
    };
    options.ready = [&accounts] {
        for (const auto& account : accounts) {
            if (!account->poller->status().finished_first_poll) {
                return false;
            }
        }
        return true;
    };
    options.accounts = [&accounts, &agent_page] {
        const auto served = agent_page.fresh_snapshots();
        std::vector<AccountSummary> summaries;
        for (const auto& account : accounts) {
            summaries.push_back(summarize(*account, served));
        }
        return summaries;
    };
    return options;
}

// Signals are taken by one thread with sigwait, so every thread started later must have them
// blocked; call this before any thread exists.
sigset_t block_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

void wait_for_stop(const sigset_t& signals, const Logger& log) {
    for (;;) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0) {
            continue;
        }
        if (signal == SIGHUP) {
            log.warn("reload requested but not supported yet; restart to apply a new config");
            continue;
        }
        log.info("stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
        return;
    }
}

// Asks every poller to stop and waits a little for them. False when a poll is still running.
bool stop_pollers(std::vector<std::unique_ptr<Account>>& accounts) {
    for (auto& account : accounts) {
        account->poller->request_stop();
    }
    const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    bool stopped = true;
    for (auto& account : accounts) {
        stopped = account->poller->wait_stopped(deadline) && stopped;
    }
    return stopped;
}

// What a start would build for an account, built and dropped: the CA file must load and a
// static token must make headers, or the check fails as the start would. Accounts that sign in
// are not signed in: their secrets were read by load_config, and a check makes no request.
void check_account(const Config& config, std::size_t index, const Logger& log) {
    const AccountConfig& account = config.accounts[index];
    ExporterMetrics metrics;
    SystemClock clock;
    const AccountMetrics account_metrics = metrics.account(account.account_id);
    auto tokens = make_tokens(account, config.file, index, clock, account_metrics, log);
    (void)make_report_source(account, config.file, index, tokens, account_metrics);
    if (signs_in(account.auth.mode)) {
        return;
    }
    auto headers = tokens->headers(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    if (!headers) {
        throw ConfigError(config.file, account_key(index, "auth"), headers.error().message);
    }
}

Logger make_logger(const ServeFlags& flags) {
    return Logger(parse_log_level(flags.log_level).value_or(LogLevel::Info),
                  parse_log_format(flags.log_format).value_or(LogFormat::Logfmt));
}

std::vector<std::string> listen_addresses(const ServeFlags& flags) {
    if (flags.listen_addresses.empty()) {
        return {":9847"};
    }
    return flags.listen_addresses;
}

int run(const ServeFlags& flags, const Logger& log, const sigset_t& signals) {
    const Config config = load_config(flags.config_file);
    log.info("configuration loaded", {{"path", config.file}, {"accounts", config.accounts.size()}});

    SystemClock clock;
    ExporterMetrics metrics;
    metrics.config_loaded(clock.now());
    auto accounts = make_accounts(config, metrics, clock, log);

    ProcessCollector process;
    AgentPage agent_page(
        [&accounts] {
            std::vector<std::shared_ptr<const Snapshot>> snapshots;
            for (const auto& account : accounts) {
                snapshots.push_back(account->store.current());
            }
            return snapshots;
        },
        clock, config.poll.max_staleness, config.metrics.agent_info);
    WebRoutes routes(routes_for(accounts, flags.telemetry_path,
                                {metrics.registry().get(), &process}, agent_page));

    HttpServer server(HttpServerOptions{listen_addresses(flags), std::nullopt, 2, 1024 * 1024},
                      [&routes](const ServerRequest& request) { return routes.handle(request); });
    server.start();
    for (const std::string& address : server.bound_addresses()) {
        log.info("listening", {{"address", address}});
    }
    for (auto& account : accounts) {
        account->poller->start();
    }

    wait_for_stop(signals, log);
    server.stop();
    if (!stop_pollers(accounts)) {
        // A poll stuck on a slow upstream must not hold the process past its grace period
        // (Kubernetes sends SIGKILL 30 s after SIGTERM): nothing is left to save, so leave now.
        log.warn("exiting with a poll still in flight");
        std::fflush(nullptr);
        std::_Exit(0);
    }
    log.info("stopped");
    return 0;
}

}  // namespace

int serve(const ServeFlags& flags) {
    const sigset_t signals = block_signals();
    const Logger log = make_logger(flags);
    const BuildInfo& info = build_info();
    log.info("starting engage_voice_exporter",
             {{"version", info.version}, {"revision", info.revision}});

    if (!flags.web_config_file.empty()) {
        log.error("--web.config.file is not supported yet", {{"path", flags.web_config_file}});
        return 1;
    }
    try {
        return run(flags, log, signals);
    } catch (const ConfigError& e) {
        log.error("invalid configuration", {{"err", e.what()}});
    } catch (const std::exception& e) {
        log.error("cannot start", {{"err", e.what()}});
    }
    return 1;
}

int check_config(const ServeFlags& flags) {
    try {
        const Config config = load_config(flags.config_file);
        const Logger log = make_logger(flags);
        for (std::size_t i = 0; i < config.accounts.size(); ++i) {
            check_account(config, i, log);
        }
        std::cout << config.file << ": configuration is valid (" << config.accounts.size()
                  << (config.accounts.size() == 1 ? " account)" : " accounts)") << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}

}  // namespace engagevoice
