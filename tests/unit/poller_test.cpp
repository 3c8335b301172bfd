#include "engagevoice/poller.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <fstream>
#include <sstream>

#include "engagevoice/exposition.hpp"
#include "expected_page.hpp"
#include "fake_clock.hpp"

namespace engagevoice {
namespace {

using namespace std::chrono_literals;

// 2026-11-16 15:00 US/Eastern.
const std::chrono::system_clock::time_point kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 16} + 20h;

// Answers fetches from a queue; the last answer repeats.
class FakeSource final : public ReportSource {
public:
    Result<FetchedReport> fetch(const BusinessDay& day,
                                std::chrono::steady_clock::time_point) override {
        std::lock_guard lock(mutex_);
        days_.push_back(day);
        Result<FetchedReport> answer = answers_.front();
        if (answers_.size() > 1) {
            answers_.pop_front();
        }
        return answer;
    }

    void answer(Result<FetchedReport> answer) { answers_.push_back(std::move(answer)); }
    std::size_t calls() const {
        std::lock_guard lock(mutex_);
        return days_.size();
    }
    BusinessDay last_day() const {
        std::lock_guard lock(mutex_);
        return days_.back();
    }

private:
    mutable std::mutex mutex_;
    std::deque<Result<FetchedReport>> answers_;
    std::vector<BusinessDay> days_;
};

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(ENGAGEVOICE_FIXTURES_DIR) + "/reports/" + name,
                     std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

AccountConfig account() {
    AccountConfig config;
    config.account_id = "15300002";
    config.timezone = "US/Eastern";
    return config;
}

// The value of one of the exporter's own series, or -1 when it is not on the page.
double value_of(ExporterMetrics& metrics, const std::string& name,
                const std::map<std::string, std::string>& labels) {
    const auto page = serialize_metrics({metrics.registry().get()});
    for (const auto& sample : testing::parse_page(page)) {
        if (sample.name == name && sample.labels == labels) {
            return sample.value;
        }
    }
    return -1;
}

struct Fixture {
    testing::FakeClock clock{kNow};
    FakeSource source;
    SnapshotStore store;
    ExporterMetrics metrics;
    std::ostringstream log_text;
    Logger log{log_text, LogLevel::Debug, LogFormat::Logfmt};
    Poller poller{account(), PollConfig{}, source,
                  store,     metrics.account("15300002"),
                  clock,     log};
};

const std::map<std::string, std::string> kAccount{{"account_id", "15300002"}};

}  // namespace

TEST_CASE("poller publishes a snapshot of the report's agents", "[poller]") {
    Fixture f;
    f.source.answer(FetchedReport{fixture("busy_day.csv"), ""});

    const PollOutcome outcome = f.poller.poll_once();

    REQUIRE(outcome.ok);
    auto snapshot = f.store.current();
    REQUIRE(snapshot);
    CHECK(snapshot->account_id == "15300002");
    CHECK(snapshot->business_day == "2026-11-16");
    CHECK(snapshot->agents.size() == 6);
    CHECK(value_of(f.metrics, "engagevoice_up", kAccount) == 1);
    CHECK(value_of(f.metrics, "engagevoice_polls_total", kAccount) == 1);
    CHECK(value_of(f.metrics, "engagevoice_report_rows", kAccount) == 10);
    CHECK(f.poller.status().finished_first_poll);
}

TEST_CASE("poller asks for the business day in the account's zone", "[poller]") {
    Fixture f;
    f.source.answer(FetchedReport{fixture("header_only.csv"), ""});

    REQUIRE(f.poller.poll_once().ok);

    const BusinessDay day = f.source.last_day();
    CHECK(day.start_local == "2026-11-16 00:00:00");
    CHECK(day.end_local == "2026-11-16 15:00:00");
}

TEST_CASE("poller keeps the last snapshot when a poll fails", "[poller]") {
    Fixture f;
    f.source.answer(FetchedReport{fixture("busy_day.csv"), ""});
    f.source.answer(make_error(PollError::Kind::Timeout, "deadline passed"));
    REQUIRE(f.poller.poll_once().ok);
    auto before = f.store.current();

    const PollOutcome outcome = f.poller.poll_once();

    CHECK_FALSE(outcome.ok);
    CHECK(f.store.current() == before);
    CHECK(value_of(f.metrics, "engagevoice_up", kAccount) == 0);
    CHECK(value_of(f.metrics, "engagevoice_poll_errors_total",
                   {{"account_id", "15300002"}, {"reason", "timeout"}}) == 1);
    CHECK(value_of(f.metrics, "engagevoice_poll_errors_total",
                   {{"account_id", "15300002"}, {"reason", "auth"}}) == 0);
    CHECK(f.poller.status().last_error == "timeout: deadline passed");
}

TEST_CASE("poller counts a body that is not the report as a parse failure", "[poller]") {
    Fixture f;
    f.source.answer(FetchedReport{fixture("missing_column.csv"), ""});

    const PollOutcome outcome = f.poller.poll_once();

    REQUIRE_FALSE(outcome.ok);
    CHECK_THAT(outcome.error->message, Catch::Contains("Login Time (min)"));
    CHECK(value_of(f.metrics, "engagevoice_poll_errors_total",
                   {{"account_id", "15300002"}, {"reason", "parse"}}) == 1);
    CHECK_FALSE(f.store.current());
    CHECK(f.poller.status().finished_first_poll);
}

TEST_CASE("poller logs an excerpt of a body that is not the report", "[poller]") {
    Fixture f;
    f.source.answer(FetchedReport{fixture("busy_day.csv"), ""});
    f.source.answer(FetchedReport{std::string("\x1f\x8b\x08\x00,,\x80", 7), "????,,?"});
    REQUIRE(f.poller.poll_once().ok);
    auto before = f.store.current();

    const PollOutcome outcome = f.poller.poll_once();

    REQUIRE_FALSE(outcome.ok);
    CHECK(outcome.error->kind == PollError::Kind::Parse);
    CHECK(outcome.error->body_excerpt == "????,,?");
    CHECK_THAT(f.log_text.str(), Catch::Contains("reason=parse"));
    CHECK_THAT(f.log_text.str(), Catch::Contains("body=????,,?"));
    CHECK(f.store.current() == before);
}

TEST_CASE("poller counts a report cut in the middle of a row as a parse failure", "[poller]") {
    Fixture f;
    const std::string whole = fixture("busy_day.csv");
    REQUIRE(whole.size() > 400);
    f.source.answer(FetchedReport{whole.substr(0, whole.size() - 100), "Agent ID"});

    const PollOutcome outcome = f.poller.poll_once();

    REQUIRE_FALSE(outcome.ok);
    CHECK_THAT(outcome.error->message, Catch::Contains("the body was cut short"));
    CHECK(value_of(f.metrics, "engagevoice_poll_errors_total",
                   {{"account_id", "15300002"}, {"reason", "parse"}}) == 1);
    CHECK_FALSE(f.store.current());
}

TEST_CASE("poller logs the first failure at warn, repeats at debug, recovery at info",
          "[poller]") {
    Fixture f;
    f.source.answer(make_error(PollError::Kind::Network, "connection refused"));
    f.source.answer(make_error(PollError::Kind::Network, "connection refused"));
    f.source.answer(FetchedReport{fixture("header_only.csv"), ""});

    (void)f.poller.poll_once();
    (void)f.poller.poll_once();
    (void)f.poller.poll_once();

    const std::string log = f.log_text.str();
    CHECK_THAT(log, Catch::Contains("level=warn msg=\"poll failed\""));
    CHECK_THAT(log, Catch::Contains("level=debug msg=\"poll failed\""));
    CHECK_THAT(log, Catch::Contains("level=info msg=\"poll recovered\""));
    CHECK(f.poller.status().consecutive_failures == 0);
}

TEST_CASE("poller runs on its own thread until stopped", "[poller]") {
    Fixture f;
    f.source.answer(FetchedReport{fixture("seed_sample.csv"), ""});

    f.poller.start();
    for (int i = 0; i < 500 && f.source.calls() == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    f.poller.stop();
    f.poller.stop();

    CHECK(f.source.calls() >= 1);
    CHECK(f.store.current());
}

namespace {

// A source whose fetch blocks until released, like an upstream that accepted and went quiet.
class BlockingSource final : public ReportSource {
public:
    Result<FetchedReport> fetch(const BusinessDay&, std::chrono::steady_clock::time_point) override {
        std::unique_lock lock(mutex_);
        entered_ = true;
        changed_.notify_all();
        changed_.wait(lock, [this] { return released_; });
        return make_error(PollError::Kind::Timeout, "released");
    }
    void wait_entered() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return entered_; });
    }
    void release() {
        std::lock_guard lock(mutex_);
        released_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool entered_ = false;
    bool released_ = false;
};

}  // namespace

TEST_CASE("poller stop can give up on a poll in flight and wait again", "[poller]") {
    testing::FakeClock clock{kNow};
    BlockingSource source;
    SnapshotStore store;
    ExporterMetrics metrics;
    std::ostringstream log_text;
    Poller poller(account(), PollConfig{}, source, store, metrics.account("15300002"), clock,
                  Logger(log_text, LogLevel::Debug, LogFormat::Logfmt));
    poller.start();
    source.wait_entered();

    poller.request_stop();
    CHECK_FALSE(poller.wait_stopped(std::chrono::steady_clock::now() + 50ms));

    source.release();
    CHECK(poller.wait_stopped(std::chrono::steady_clock::now() + 30s));
}

}  // namespace engagevoice
