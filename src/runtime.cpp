#include "engagevoice/runtime.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <utility>

#include "engagevoice/https_client.hpp"
#include "engagevoice/proxy.hpp"
#include "engagevoice/session_token_source.hpp"
#include "engagevoice/version.hpp"

namespace engagevoice {
namespace {

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
                                         AccountMetrics metrics, const Logger& log,
                                         std::shared_ptr<SignInLimiter> limiter) {
    return make_token_source(
        account, TokenSourceContext{clock, metrics, log, client_options(account), limiter}, file,
        account_key(index, "auth"));
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

std::shared_ptr<SignInLimiter> limiter_for(RuntimeContext& context, const std::string& id) {
    auto& limiter = context.limiters[id];
    if (!limiter) {
        limiter = std::make_shared<SignInLimiter>(kSignInsPerWindow, kSignInWindow);
    }
    return limiter;
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

}  // namespace

Runtime::Runtime(Config config, RuntimeContext context) : config_(std::move(config)) {
    for (std::size_t i = 0; i < config_.accounts.size(); ++i) {
        auto account = std::make_unique<Account>();
        account->config = config_.accounts[i];
        const std::string& id = account->config.account_id;
        const AccountMetrics metrics = context.metrics.account(id, signs_in(account->config.auth.mode));
        account->tokens = make_tokens(account->config, config_.file, i, context.clock, metrics,
                                      context.log, limiter_for(context, id));
        account->source =
            make_report_source(account->config, config_.file, i, account->tokens, metrics);
        account->poller =
            std::make_unique<Poller>(account->config, config_.poll, *account->source,
                                     account->store, metrics, context.clock, context.log);
        accounts_.push_back(std::move(account));
    }
    agent_page_ = std::make_unique<AgentPage>(
        [this] {
            std::vector<std::shared_ptr<const Snapshot>> snapshots;
            for (const auto& account : accounts_) {
                snapshots.push_back(account->store.current());
            }
            return snapshots;
        },
        context.clock, config_.poll.max_staleness, config_.metrics.agent_info);
}

Runtime::~Runtime() {
    // The page's source reads the accounts: it goes first.
    agent_page_.reset();
    accounts_.clear();
}

void Runtime::continue_from(const Runtime& previous) {
    for (auto& account : accounts_) {
        for (const auto& old : previous.accounts_) {
            if (old->config.account_id == account->config.account_id) {
                if (auto snapshot = old->store.current()) {
                    account->store.publish(std::move(snapshot));
                }
                const bool same_settings =
                    old->config == account->config && previous.config_.poll == config_.poll;
                account->poller->continue_from(old->poller->status(), same_settings);
            }
        }
    }
}

void Runtime::start() {
    for (auto& account : accounts_) {
        account->poller->start();
    }
}

void Runtime::request_stop() {
    for (auto& account : accounts_) {
        account->poller->request_stop();
    }
}

bool Runtime::wait_stopped(std::chrono::steady_clock::time_point deadline) {
    bool stopped = true;
    for (auto& account : accounts_) {
        stopped = account->poller->wait_stopped(deadline) && stopped;
    }
    return stopped;
}

std::set<std::string> Runtime::account_ids() const {
    std::set<std::string> ids;
    for (const auto& account : accounts_) {
        ids.insert(account->config.account_id);
    }
    return ids;
}

bool Runtime::ready() const {
    return std::all_of(accounts_.begin(), accounts_.end(), [](const auto& account) {
        return account->poller->status().finished_first_poll;
    });
}

std::vector<AccountSummary> Runtime::summaries() const {
    const auto served = agent_page_->fresh_snapshots();
    std::vector<AccountSummary> summaries;
    for (const auto& account : accounts_) {
        summaries.push_back(summarize(*account, served));
    }
    return summaries;
}

void check_accounts(const Config& config, const Logger& log) {
    for (std::size_t i = 0; i < config.accounts.size(); ++i) {
        const AccountConfig& account = config.accounts[i];
        ExporterMetrics metrics;
        SystemClock clock;
        const AccountMetrics account_metrics = metrics.account(account.account_id);
        auto tokens =
            make_tokens(account, config.file, i, clock, account_metrics, log, nullptr);
        (void)make_report_source(account, config.file, i, tokens, account_metrics);
        // Accounts that sign in are not signed in: load_config read their secrets, and a check
        // makes no request.
        if (signs_in(account.auth.mode)) {
            continue;
        }
        auto headers = tokens->headers(std::chrono::steady_clock::now() + std::chrono::seconds(5));
        if (!headers) {
            const bool from_file = account.auth.token.source() == Secret::Source::File;
            throw ConfigError(config.file,
                              account_key(i, from_file ? "auth.token_file" : "auth.token"),
                              headers.error().message);
        }
    }
}

}  // namespace engagevoice
