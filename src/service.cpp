#include "engagevoice/service.hpp"

#include <exception>
#include <utility>

#include "engagevoice/config.hpp"
#include "engagevoice/exposition.hpp"

namespace engagevoice {
namespace {

// How long a reload waits for the old pollers' polls in flight before it lets them finish on
// their own.
constexpr std::chrono::seconds kReloadStopGrace{3};

}  // namespace

ExporterService::ExporterService(std::string config_file, const Clock& clock, Logger log)
    : config_file_(std::move(config_file)), clock_(clock), log_(std::move(log)) {}

ExporterService::~ExporterService() {
    std::lock_guard lock(reload_mutex_);
    std::lock_guard current_lock(current_mutex_);
    current_.reset();
    retired_.clear();
}

std::shared_ptr<Runtime> ExporterService::current() const {
    std::lock_guard lock(current_mutex_);
    return current_;
}

std::shared_ptr<Runtime> ExporterService::build(const Config& config) {
    return std::make_shared<Runtime>(config, RuntimeContext{metrics_, clock_, log_, limiters_});
}

void ExporterService::start() {
    std::lock_guard lock(reload_mutex_);
    const Config config = load_config(config_file_);
    log_.info("configuration loaded", {{"path", config.file}, {"accounts", config.accounts.size()}});
    auto runtime = build(config);
    metrics_.config_loaded(clock_.now());
    {
        std::lock_guard current_lock(current_mutex_);
        current_ = runtime;
    }
    runtime->start();
}

std::optional<std::string> ExporterService::reload() {
    std::lock_guard lock(reload_mutex_);
    const std::shared_ptr<Runtime> old = current();
    std::shared_ptr<Runtime> next;
    try {
        next = build(load_config(config_file_));
    } catch (const std::exception& e) {
        metrics_.config_load_failed();
        log_.error("reload failed; the running configuration stays", {{"err", e.what()}});
        return std::string(e.what());
    }

    // The old pollers stop before the new ones start, so an account is never polled twice at
    // once; scrapes keep reading the old runtime meanwhile.
    old->request_stop();
    // A poll that outlasts the grace is left to end on its own; reap_retired() collects it.
    (void)old->wait_stopped(std::chrono::steady_clock::now() + kReloadStopGrace);
    next->continue_from(*old);
    {
        std::lock_guard current_lock(current_mutex_);
        current_ = next;
    }
    next->start();

    std::set<std::string> dropped;
    const auto kept = next->account_ids();
    for (const auto& id : old->account_ids()) {
        if (kept.count(id) == 0) {
            dropped.insert(id);
        }
    }
    retire(old, std::move(dropped));
    reap_retired();
    metrics_.config_loaded(clock_.now());
    log_.info("configuration reloaded",
              {{"path", next->config().file}, {"accounts", next->config().accounts.size()}});
    return std::nullopt;
}

void ExporterService::retire(std::shared_ptr<Runtime> old, std::set<std::string> dropped) {
    retired_.push_back(Retired{std::move(old), std::move(dropped)});
}

void ExporterService::reap_retired() {
    const auto kept = current()->account_ids();
    for (auto it = retired_.begin(); it != retired_.end();) {
        if (!it->runtime->wait_stopped(std::chrono::steady_clock::now())) {
            ++it;
            continue;
        }
        // Its pollers are done, so no handle of a dropped account is used any more. An account
        // that a later reload brought back keeps its series.
        for (const auto& id : it->dropped_accounts) {
            if (kept.count(id) == 0) {
                metrics_.remove_account(id);
            }
        }
        it = retired_.erase(it);
    }
}

bool ExporterService::stop(std::chrono::steady_clock::time_point deadline) {
    std::lock_guard lock(reload_mutex_);
    bool stopped = true;
    std::vector<std::shared_ptr<Runtime>> runtimes{current()};
    for (const auto& retired : retired_) {
        runtimes.push_back(retired.runtime);
    }
    for (const auto& runtime : runtimes) {
        if (runtime) {
            runtime->request_stop();
        }
    }
    for (const auto& runtime : runtimes) {
        if (runtime) {
            stopped = runtime->wait_stopped(deadline) && stopped;
        }
    }
    return stopped;
}

WebRoutesOptions ExporterService::routes(const std::string& telemetry_path) {
    WebRoutesOptions options;
    options.telemetry_path = telemetry_path;
    options.render_metrics = [this] {
        const auto runtime = current();
        std::string page = serialize_metrics({metrics_.registry().get(), &process_});
        return runtime ? page + *runtime->agent_page().text() : page;
    };
    options.ready = [this] {
        const auto runtime = current();
        return runtime && runtime->ready();
    };
    options.accounts = [this] {
        const auto runtime = current();
        return runtime ? runtime->summaries() : std::vector<AccountSummary>{};
    };
    options.reload = [this] { return reload(); };
    return options;
}

}  // namespace engagevoice
