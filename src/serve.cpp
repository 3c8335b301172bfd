#include "engagevoice/serve.hpp"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "engagevoice/config.hpp"
#include "engagevoice/http_server.hpp"
#include "engagevoice/logging.hpp"
#include "engagevoice/runtime.hpp"
#include "engagevoice/service.hpp"
#include "engagevoice/version.hpp"
#include "engagevoice/web_routes.hpp"

namespace engagevoice {
namespace {

// How long a stop waits for polls in flight to finish. With the server's own stop, the process
// is gone well within 5 seconds of SIGTERM.
constexpr std::chrono::seconds kStopGrace{3};

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

// Serves SIGHUP as a reload (of the configuration, and of the web configuration at once rather
// than at its next check) until SIGTERM or SIGINT arrives.
void wait_for_stop(const sigset_t& signals, ExporterService& service, HttpServer& server,
                   const Logger& log) {
    for (;;) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0) {
            continue;
        }
        if (signal == SIGHUP) {
            log.info("reloading the configuration", {{"signal", "SIGHUP"}});
            (void)service.reload();
            try {
                server.reload_web_config();
            } catch (const std::exception& e) {
                // Worded as the file watcher words it, so one search finds both.
                log.error("cannot reload the web configuration; keeping the running one",
                          {{"err", e.what()}});
            }
            continue;
        }
        log.info("stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
        return;
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
    SystemClock clock;
    ExporterService service(flags.config_file, clock, log);
    WebRoutes routes(service.routes(flags.telemetry_path));

    HttpServerOptions options;
    options.listen_addresses = listen_addresses(flags);
    options.web_config_file = flags.web_config_file;
    options.log = log;
    HttpServer server(options,
                      [&routes](const ServerRequest& request) { return routes.handle(request); });
    // The server, which loads the web configuration, exists before the first poll, so a bad
    // web configuration stops the exporter before it calls the upstream.
    service.start();
    server.start();
    for (const std::string& address : server.bound_addresses()) {
        log.info("listening", {{"address", address}});
    }

    wait_for_stop(signals, service, server, log);
    server.stop();
    if (!service.stop(std::chrono::steady_clock::now() + kStopGrace)) {
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
        check_accounts(config, make_logger(flags));
        if (!flags.web_config_file.empty()) {
            check_web_config(flags.web_config_file);
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
