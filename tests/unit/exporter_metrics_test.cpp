#include "engagevoice/exporter_metrics.hpp"

#include <catch2/catch.hpp>

#include "engagevoice/exposition.hpp"
#include "expected_page.hpp"

namespace engagevoice {
namespace {

double value_of(const std::vector<testing::Sample>& page, const std::string& name,
                const std::map<std::string, std::string>& labels) {
    for (const auto& sample : page) {
        if (sample.name == name && sample.labels == labels) {
            return sample.value;
        }
    }
    return -1;
}

std::vector<testing::Sample> scrape(ExporterMetrics& metrics) {
    return testing::parse_page(serialize_metrics({metrics.registry().get()}));
}

}  // namespace

TEST_CASE("exporter metrics show every error reason at zero before it happens", "[metrics]") {
    ExporterMetrics metrics;
    (void)metrics.account("1");

    const auto page = scrape(metrics);
    for (const char* reason : {"auth", "network", "timeout", "http", "rate_limited", "parse"}) {
        CAPTURE(reason);
        CHECK(value_of(page, "engagevoice_poll_errors_total",
                       {{"account_id", "1"}, {"reason", reason}}) == 0);
    }
    CHECK(value_of(page, "engagevoice_up", {{"account_id", "1"}}) == 0);
}

TEST_CASE("exporter metrics record a poll's success and its report size", "[metrics]") {
    ExporterMetrics metrics;
    AccountMetrics account = metrics.account("1");

    account.poll_succeeded(std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)),
                           12, 2, 4096);
    account.poll_finished(std::chrono::milliseconds(1500));

    const auto page = scrape(metrics);
    const std::map<std::string, std::string> labels{{"account_id", "1"}};
    CHECK(value_of(page, "engagevoice_up", labels) == 1);
    CHECK(value_of(page, "engagevoice_last_poll_success_timestamp_seconds", labels) ==
          1700000000);
    CHECK(value_of(page, "engagevoice_report_rows", labels) == 12);
    CHECK(value_of(page, "engagevoice_report_rows_invalid", labels) == 2);
    CHECK(value_of(page, "engagevoice_report_bytes", labels) == 4096);
    CHECK(value_of(page, "engagevoice_poll_duration_seconds", labels) == Approx(1.5));
    CHECK(value_of(page, "engagevoice_polls_total", labels) == 1);
}

TEST_CASE("exporter metrics count API requests by endpoint and status", "[metrics]") {
    ExporterMetrics metrics;
    AccountMetrics account = metrics.account("1");

    account.api_request("report", 200);
    account.api_request("report", 200);
    account.api_request("report", 0);

    const auto page = scrape(metrics);
    CHECK(value_of(page, "engagevoice_api_requests_total",
                   {{"account_id", "1"}, {"endpoint", "report"}, {"code", "200"}}) == 2);
    CHECK(value_of(page, "engagevoice_api_requests_total",
                   {{"account_id", "1"}, {"endpoint", "report"}, {"code", "error"}}) == 1);
}

TEST_CASE("exporter metrics carry build info", "[metrics]") {
    ExporterMetrics metrics;
    bool found = false;
    for (const auto& sample : scrape(metrics)) {
        if (sample.name == "engagevoice_exporter_build_info") {
            found = true;
            CHECK(sample.value == 1);
            CHECK(sample.labels.count("version") == 1);
            CHECK(sample.labels.count("revision") == 1);
        }
    }
    CHECK(found);
}

TEST_CASE("exporter metrics record configuration loads", "[metrics]") {
    ExporterMetrics metrics;
    metrics.config_loaded(std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)));

    auto page = scrape(metrics);
    CHECK(value_of(page, "engagevoice_config_last_reload_successful", {}) == 1);
    CHECK(value_of(page, "engagevoice_config_last_reload_success_timestamp_seconds", {}) ==
          1700000000);

    metrics.config_load_failed();

    page = scrape(metrics);
    CHECK(value_of(page, "engagevoice_config_last_reload_successful", {}) == 0);
    CHECK(value_of(page, "engagevoice_config_last_reload_success_timestamp_seconds", {}) ==
          1700000000);
}

TEST_CASE("exporter metrics create sign-in counters only for accounts that sign in",
          "[metrics]") {
    ExporterMetrics metrics;
    (void)metrics.account("static");
    AccountMetrics session = metrics.account("session", true);
    session.sign_in(SignInResult::Success);
    session.token_refresh(SignInResult::Refused);

    const auto page = scrape(metrics);
    CHECK(value_of(page, "engagevoice_auth_sign_ins_total",
                   {{"account_id", "session"}, {"result", "success"}}) == 1);
    CHECK(value_of(page, "engagevoice_auth_sign_ins_total",
                   {{"account_id", "session"}, {"result", "rate_limited"}}) == 0);
    CHECK(value_of(page, "engagevoice_auth_token_refreshes_total",
                   {{"account_id", "session"}, {"result", "refused"}}) == 1);
    CHECK(value_of(page, "engagevoice_auth_sign_ins_total",
                   {{"account_id", "static"}, {"result", "success"}}) == -1);
    // No token yet: no expiry series rather than a time in 1970.
    CHECK(value_of(page, "engagevoice_auth_token_expiry_timestamp_seconds",
                   {{"account_id", "session"}}) == -1);
}

TEST_CASE("exporter metrics remove every series of a dropped account", "[metrics]") {
    ExporterMetrics metrics;
    AccountMetrics gone = metrics.account("gone", true);
    gone.api_request("report", 200);
    gone.api_request("exchange", 0);
    gone.token_expiry(std::chrono::system_clock::from_time_t(1'790'000'000));
    AccountMetrics kept = metrics.account("kept");
    kept.api_request("report", 503);

    metrics.remove_account("gone");

    const auto text = serialize_metrics({metrics.registry().get()});
    CHECK(text.find("account_id=\"gone\"") == std::string::npos);
    CHECK(text.find("engagevoice_api_requests_total{account_id=\"kept\",code=\"503\","
                    "endpoint=\"report\"} 1") != std::string::npos);
    CHECK(text.find("engagevoice_up{account_id=\"kept\"} 0") != std::string::npos);
}

}  // namespace engagevoice
