// The exporter's own metrics: poll health per account, API requests, report size, build info.
//
// ExporterMetrics owns a prometheus-cpp registry. Each account gets an AccountMetrics handle
// whose methods its poller calls; the handle is cheap and thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "engagevoice/result.hpp"

namespace engagevoice {

class ExporterMetrics;

// How a sign-in or a token refresh ended, the `result` label of the auth counters: "success",
// "refused" (the upstream turned the credentials down), "rate_limited" (by the upstream or by the
// exporter's own limit) or "error" (no usable answer).
enum class SignInResult { Success, Refused, RateLimited, Error };

inline constexpr SignInResult kAllSignInResults[] = {
    SignInResult::Success, SignInResult::Refused, SignInResult::RateLimited, SignInResult::Error};

std::string_view sign_in_result_label(SignInResult result);

class AccountMetrics {
public:
    // A finished poll, successful or not, and how long it took.
    void poll_finished(std::chrono::nanoseconds duration);
    // Sets engagevoice_up to 1 and the last success time.
    void poll_succeeded(std::chrono::system_clock::time_point when, std::size_t rows,
                        std::size_t invalid_rows, std::size_t bytes);
    // Sets engagevoice_up to 0 and counts the reason.
    void poll_failed(PollError::Kind kind);
    // One request to the upstream API. `code` is the HTTP status, or 0 when none came back
    // (served as code="error").
    void api_request(const std::string& endpoint, int code);

    // A full sign-in (the JWT exchange or the Engage login) or a refresh of the access token.
    void sign_in(SignInResult result);
    void token_refresh(SignInResult result);
    // Sets engagevoice_auth_token_expiry_timestamp_seconds; the series exists from the first
    // token on, so an account that never signed in has none rather than a time in 1970.
    void token_expiry(std::chrono::system_clock::time_point when);

private:
    friend class ExporterMetrics;
    AccountMetrics(ExporterMetrics& owner, std::string account_id);

    ExporterMetrics* owner_;
    std::string account_id_;
    prometheus::Gauge* up_;
    prometheus::Gauge* last_success_;
    prometheus::Gauge* poll_duration_;
    prometheus::Counter* polls_;
    prometheus::Gauge* report_rows_;
    prometheus::Gauge* report_rows_invalid_;
    prometheus::Gauge* report_bytes_;
    std::map<PollError::Kind, prometheus::Counter*> errors_;
};

class ExporterMetrics {
public:
    ExporterMetrics();

    // The handle for an account, created with every label combination it can have, so a
    // reason shows 0 before it first happens. The sign-in counters are created only for
    // accounts that sign in (`signs_in`): a static token has none.
    AccountMetrics account(const std::string& account_id, bool signs_in = false);

    // The configuration was loaded (at start, and later on each reload): sets
    // engagevoice_config_last_reload_successful and its timestamp. A failed reload sets the
    // first to 0 and keeps the timestamp of the last success.
    void config_loaded(std::chrono::system_clock::time_point when);
    void config_load_failed();

    // Removes every series of an account that a reload dropped, so it does not linger with its
    // last values. No handle of that account may be used afterwards.
    void remove_account(const std::string& account_id);

    std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

private:
    friend class AccountMetrics;

    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Gauge>& up_;
    prometheus::Family<prometheus::Gauge>& last_success_;
    prometheus::Family<prometheus::Gauge>& poll_duration_;
    prometheus::Family<prometheus::Counter>& polls_;
    prometheus::Family<prometheus::Counter>& poll_errors_;
    prometheus::Family<prometheus::Counter>& api_requests_;
    prometheus::Family<prometheus::Gauge>& report_rows_;
    prometheus::Family<prometheus::Gauge>& report_rows_invalid_;
    prometheus::Family<prometheus::Gauge>& report_bytes_;
    prometheus::Family<prometheus::Gauge>& build_info_;
    prometheus::Family<prometheus::Gauge>& token_expiry_;
    prometheus::Family<prometheus::Counter>& sign_ins_;
    prometheus::Family<prometheus::Counter>& token_refreshes_;
    prometheus::Gauge& reload_successful_;
    prometheus::Gauge& reload_success_time_;

    // The (endpoint, code) pairs of engagevoice_api_requests_total seen per account, the one
    // family whose label values are not known in advance.
    std::mutex api_series_mutex_;
    std::map<std::string, std::set<std::pair<std::string, int>>> api_series_;
};

}  // namespace engagevoice
