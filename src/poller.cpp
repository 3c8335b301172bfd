#include "engagevoice/poller.hpp"

#include <algorithm>
#include <exception>

#include <date/tz.h>

#include "engagevoice/business_day.hpp"
#include "engagevoice/day_aggregator.hpp"
#include "engagevoice/report.hpp"

namespace engagevoice {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr std::chrono::seconds kMaxBackoff{300};

const date::time_zone& locate_zone(const AccountConfig& account) {
    try {
        return *date::locate_zone(account.timezone);
    } catch (const std::exception&) {
        throw ConfigError("", "timezone", "unknown time zone \"" + account.timezone + "\"");
    }
}

// Spreads polls of many exporters (and accounts) so they do not hit the API in step.
milliseconds jittered(milliseconds delay, std::mt19937_64& random, double spread) {
    std::uniform_real_distribution<double> factor(1.0 - spread, 1.0 + spread);
    return milliseconds(static_cast<milliseconds::rep>(delay.count() * factor(random)));
}

// How long the upstream asked to be left alone after `outcome` (its Retry-After), bounded like
// any other wait: a Retry-After longer than the backoff cap would otherwise stop polling for as
// long as the upstream says, however absurd.
std::optional<milliseconds> asked_wait(const PollOutcome& outcome) {
    if (!outcome.error || !outcome.error->retry_after) {
        return std::nullopt;
    }
    return std::min<milliseconds>(*outcome.error->retry_after, kMaxBackoff);
}

std::string describe(const PollError& error) {
    return std::string(reason_label(error.kind)) + ": " + error.message;
}

}  // namespace

Poller::Poller(AccountConfig account, PollConfig poll, ReportSource& source, SnapshotStore& store,
               AccountMetrics metrics, const Clock& clock, Logger log)
    : account_(std::move(account)),
      poll_(poll),
      source_(source),
      store_(store),
      metrics_(std::move(metrics)),
      clock_(clock),
      log_(std::move(log)),
      zone_(&locate_zone(account_)),
      random_(std::random_device{}()) {}

Poller::~Poller() {
    stop();
}

PollOutcome Poller::poll_once() {
    const auto started = steady_clock::now();
    PollOutcome outcome;
    try {
        outcome = poll_guarded();
    } catch (const std::exception& e) {
        // A surprise must not kill the loop: it becomes a counted failure like any other.
        outcome = record_failure(make_error(PollError::Kind::Parse,
                                            std::string("unexpected error: ") + e.what()));
    } catch (...) {
        outcome = record_failure(make_error(PollError::Kind::Parse, "unexpected error"));
    }
    const auto duration = steady_clock::now() - started;
    metrics_.poll_finished(duration);
    log_.debug("poll finished", {{"account_id", account_.account_id},
                                 {"ok", outcome.ok},
                                 {"duration_seconds", duration}});
    return outcome;
}

PollOutcome Poller::poll_guarded() {
    const auto deadline = steady_clock::now() + poll_.timeout;
    const auto now = std::chrono::floor<std::chrono::seconds>(clock_.now());
    const BusinessDay day = business_day_at(now, *zone_, account_.day_start);
    {
        std::lock_guard lock(mutex_);
        status_.last_attempt = clock_.now();
    }

    auto fetched = source_.fetch(day, deadline);
    if (!fetched) {
        return record_failure(fetched.error());
    }
    auto parsed = parse_report(fetched->body, *zone_);
    if (!parsed) {
        // The message says what is wrong; the excerpt shows what came instead (garbage, a
        // header without a needed column), so that an operator can tell the two apart.
        PollError error = parsed.error();
        error.body_excerpt = fetched->excerpt;
        return record_failure(error);
    }
    for (const InvalidRow& row : parsed->invalid) {
        log_.debug("report row left out", {{"account_id", account_.account_id},
                                           {"row", row.row},
                                           {"line", row.line},
                                           {"column", row.column},
                                           {"reason", row.reason}});
    }

    DayAggregate aggregate = aggregate_day(parsed->rows);
    if (aggregate.duplicate_sessions > 0) {
        log_.debug("repeated session rows counted once",
                   {{"account_id", account_.account_id}, {"rows", aggregate.duplicate_sessions}});
    }
    const std::size_t agents = aggregate.agents.size();
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->account_id = account_.account_id;
    snapshot->business_day = day.date;
    snapshot->agents = std::move(aggregate.agents);
    snapshot->taken_at = now;
    snapshot->business_day_end = day.next_start;
    store_.publish(std::move(snapshot));

    const std::size_t rows = parsed->rows.size() + parsed->invalid.size();
    return record_success(day, fetched->body.size(), rows, parsed->invalid.size(), agents);
}

PollOutcome Poller::record_success(const BusinessDay& day, std::size_t bytes, std::size_t rows,
                                   std::size_t invalid_rows, std::size_t agents) {
    metrics_.poll_succeeded(clock_.now(), rows, invalid_rows, bytes);
    if (invalid_rows > 0) {
        log_.warn("report rows left out", {{"account_id", account_.account_id},
                                           {"rows", rows},
                                           {"invalid_rows", invalid_rows}});
    }

    std::size_t failures = 0;
    {
        std::lock_guard lock(mutex_);
        failures = std::exchange(status_.consecutive_failures, 0);
        status_.finished_first_poll = true;
        status_.last_poll_ok = true;
        status_.last_success = clock_.now();
        status_.last_error.clear();
        status_.agents = agents;
    }
    if (failures > 0) {
        log_.info("poll recovered", {{"account_id", account_.account_id},
                                     {"failed_polls", failures}});
    }
    log_.debug("report loaded", {{"account_id", account_.account_id},
                                 {"business_day", day.date},
                                 {"rows", rows},
                                 {"agents", agents},
                                 {"bytes", bytes}});
    return PollOutcome{true, std::nullopt, rows, invalid_rows};
}

PollOutcome Poller::record_failure(const PollError& error) {
    metrics_.poll_failed(error.kind);
    std::size_t failures = 0;
    bool news = false;
    {
        std::lock_guard lock(mutex_);
        failures = ++status_.consecutive_failures;
        status_.finished_first_poll = true;
        status_.last_poll_ok = false;
        const std::string described = describe(error);
        // The first failure in a row is news, and so is a different one within the run (a
        // missing secret file followed by a wrong password); plain repeats are not.
        news = failures == 1 || described != status_.last_error;
        status_.last_error = described;
    }

    const LogLevel level = news ? LogLevel::Warn : LogLevel::Debug;
    if (error.body_excerpt.empty()) {
        log_.log(level, "poll failed", {{"account_id", account_.account_id},
                                        {"reason", reason_label(error.kind)},
                                        {"err", error.message},
                                        {"failed_polls", failures}});
    } else {
        log_.log(level, "poll failed", {{"account_id", account_.account_id},
                                        {"reason", reason_label(error.kind)},
                                        {"err", error.message},
                                        {"body", error.body_excerpt},
                                        {"failed_polls", failures}});
    }
    PollOutcome outcome;
    outcome.error = error;
    return outcome;
}

std::chrono::milliseconds Poller::next_delay(const PollOutcome& outcome) {
    const milliseconds interval = poll_.interval;
    if (outcome.ok) {
        return jittered(interval, random_, 0.1);
    }

    // Exponential backoff from the minimum interval, capped, and never sooner than the
    // upstream asked for.
    std::size_t failures = 0;
    {
        std::lock_guard lock(mutex_);
        failures = status_.consecutive_failures;
    }
    const int doublings = static_cast<int>(std::min<std::size_t>(failures, 6)) - 1;
    milliseconds delay = std::chrono::duration_cast<milliseconds>(kMinPollInterval) *
                         (1 << std::max(doublings, 0));
    delay = std::min<milliseconds>(delay, std::max<milliseconds>(interval, kMaxBackoff));
    delay = jittered(delay, random_, 0.2);
    if (const auto asked = asked_wait(outcome)) {
        delay = std::max<milliseconds>(delay, *asked);
    }
    return delay;
}

void Poller::run() {
    std::unique_lock lock(mutex_);
    if (first_poll_) {
        wake_.wait_until(lock, *first_poll_, [this] { return stopping_; });
    }
    while (!stopping_) {
        lock.unlock();
        const PollOutcome outcome = poll_once();
        const milliseconds delay = next_delay(outcome);
        const auto now = steady_clock::now();
        lock.lock();
        status_.next_poll = now + delay;
        status_.upstream_wait.reset();
        if (const auto asked = asked_wait(outcome)) {
            status_.upstream_wait = now + *asked;
        }
        wake_.wait_until(lock, *status_.next_poll, [this] { return stopping_; });
    }
    exited_ = true;
    exited_cv_.notify_all();
}

void Poller::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) {
        return;
    }
    stopping_ = false;
    exited_ = false;
    thread_ = std::thread([this] { run(); });
}

void Poller::request_stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

bool Poller::wait_stopped(std::chrono::steady_clock::time_point deadline) {
    {
        std::unique_lock lock(mutex_);
        const auto ended = [this] { return exited_ || !thread_.joinable(); };
        if (!exited_cv_.wait_until(lock, deadline, ended)) {
            return false;
        }
    }
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
        thread_.join();
    }
    return true;
}

void Poller::stop() {
    request_stop();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
        thread_.join();
    }
}

PollStatus Poller::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void Poller::continue_from(const PollStatus& previous, bool same_settings) {
    std::lock_guard lock(mutex_);
    status_ = previous;
    if (same_settings) {
        first_poll_ = previous.next_poll;
        return;
    }
    status_.consecutive_failures = 0;
    first_poll_ = previous.upstream_wait;
}

}  // namespace engagevoice
