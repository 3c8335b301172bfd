// The running exporter: the current Runtime, swapped whole when the configuration is reloaded.
//
// A reload (SIGHUP or POST /-/reload) reads and checks the whole file with the same code as a
// start and builds every account before anything changes. A file with any error is refused and
// the running configuration goes on untouched; engagevoice_config_last_reload_successful says
// which happened. Thread-safe: scrapes read the current runtime while a reload swaps it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engagevoice/clock.hpp"
#include "engagevoice/exporter_metrics.hpp"
#include "engagevoice/logging.hpp"
#include "engagevoice/process_metrics.hpp"
#include "engagevoice/runtime.hpp"
#include "engagevoice/web_routes.hpp"

namespace engagevoice {

class ExporterService {
public:
    // `clock` must outlive the service.
    ExporterService(std::string config_file, const Clock& clock, Logger log);
    // Stops the pollers, waiting for polls in flight.
    ~ExporterService();
    ExporterService(const ExporterService&) = delete;
    ExporterService& operator=(const ExporterService&) = delete;

    // Loads the configuration and starts polling. Throws ConfigError for a bad file.
    void start();

    // Reloads the configuration: nullopt when the new one runs, else the reason it was refused
    // (naming the file and the key, never a secret). Reloads are serialised.
    std::optional<std::string> reload();

    // Stops every poller, waiting until `deadline`. False while a poll is still running.
    bool stop(std::chrono::steady_clock::time_point deadline);

    // The routes of the exporter's HTTP server, reading whatever runtime is current.
    WebRoutesOptions routes(const std::string& telemetry_path);

private:
    // A runtime replaced by a reload while one of its polls was still running; it is kept
    // alive until the poll ends, then its dropped accounts' series are removed.
    struct Retired {
        std::shared_ptr<Runtime> runtime;
        std::set<std::string> dropped_accounts;
    };

    std::shared_ptr<Runtime> current() const;
    std::shared_ptr<Runtime> build(const Config& config);
    void retire(std::shared_ptr<Runtime> old, std::set<std::string> dropped);
    void reap_retired();

    std::string config_file_;
    const Clock& clock_;
    Logger log_;
    ExporterMetrics metrics_;
    ProcessCollector process_;
    std::map<std::string, std::shared_ptr<SignInLimiter>> limiters_;

    std::mutex reload_mutex_;  // one start or reload at a time; guards limiters_ and retired_
    std::vector<Retired> retired_;
    mutable std::mutex current_mutex_;
    std::shared_ptr<Runtime> current_;
};

}  // namespace engagevoice
