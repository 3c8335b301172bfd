// One account's poll loop: fetch, parse, aggregate, publish.
//
// A Poller runs on its own thread. Each poll builds a complete snapshot and swaps it into the
// account's SnapshotStore; a failed poll leaves the last one in place and is counted. Scrapes
// never wait for a poll.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "engagevoice/clock.hpp"
#include "engagevoice/config.hpp"
#include "engagevoice/exporter_metrics.hpp"
#include "engagevoice/logging.hpp"
#include "engagevoice/report_source.hpp"
#include "engagevoice/result.hpp"
#include "engagevoice/snapshot.hpp"

namespace date {
class time_zone;
}

namespace engagevoice {

// What the landing page shows of an account.
struct PollStatus {
    bool finished_first_poll = false;
    bool last_poll_ok = false;
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::optional<std::chrono::system_clock::time_point> last_attempt;
    std::string last_error;  // reason and message of the last failure, safe to show
    std::size_t agents = 0;
    std::size_t consecutive_failures = 0;
    // When the loop polls next, once it waits for its next poll.
    std::optional<std::chrono::steady_clock::time_point> next_poll;
    // Until when the upstream asked not to be called again (Retry-After of the last failure).
    std::optional<std::chrono::steady_clock::time_point> upstream_wait;
};

struct PollOutcome {
    bool ok = false;
    std::optional<PollError> error;
    std::size_t rows = 0;
    std::size_t invalid_rows = 0;
};

class Poller {
public:
    // Throws ConfigError when the account's time zone is unknown.
    Poller(AccountConfig account, PollConfig poll, ReportSource& source, SnapshotStore& store,
           AccountMetrics metrics, const Clock& clock, Logger log);
    ~Poller();
    Poller(const Poller&) = delete;
    Poller& operator=(const Poller&) = delete;

    // Runs one poll now on the calling thread. Never throws.
    PollOutcome poll_once();

    // Starts the loop: a poll at once, then one per interval with jitter, sooner retries with
    // backoff after a failure. stop() wakes it and joins, waiting for a poll in flight to end.
    void start();
    void stop();

    // Shutdown in two steps, so that a process can stop many pollers without waiting out a
    // poll in flight: request_stop() returns at once; wait_stopped() waits until `deadline`
    // for the loop to end and joins it. False means a poll is still running.
    void request_stop();
    bool wait_stopped(std::chrono::steady_clock::time_point deadline);

    PollStatus status() const;
    // Starts from the status of the poller this one replaces on a reload, so that the landing
    // page keeps the last success and the agent count it serves until the first new poll. With
    // `same_settings` (the account and poll settings did not change) the old schedule goes on:
    // the first poll comes when the old poller's next one would have, so that reloading cannot
    // poll more often. Otherwise the first poll comes at once with a fresh backoff, but never
    // before the upstream's Retry-After. Call before start().
    void continue_from(const PollStatus& previous, bool same_settings);
    const std::string& account_id() const { return account_.account_id; }

private:
    PollOutcome poll_guarded();
    PollOutcome record_success(const BusinessDay& day, std::size_t bytes, std::size_t rows,
                               std::size_t invalid_rows, std::size_t agents);
    PollOutcome record_failure(const PollError& error);
    std::chrono::milliseconds next_delay(const PollOutcome& outcome);
    void run();

    AccountConfig account_;
    PollConfig poll_;
    ReportSource& source_;
    SnapshotStore& store_;
    AccountMetrics metrics_;
    const Clock& clock_;
    Logger log_;
    const date::time_zone* zone_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool exited_ = false;
    std::condition_variable exited_cv_;
    PollStatus status_;
    // When the first poll may start; none: at once.
    std::optional<std::chrono::steady_clock::time_point> first_poll_;
    std::mt19937_64 random_;
    std::thread thread_;
};

}  // namespace engagevoice
