#include "engagevoice/exporter_metrics.hpp"

#include "engagevoice/version.hpp"

namespace engagevoice {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

constexpr const char* kRefreshed = " Set by the poller, not at scrape time.";

std::string help(const char* text) {
    return std::string(text) + kRefreshed;
}

std::string code_label(int code) {
    return code > 0 ? std::to_string(code) : "error";
}

prometheus::Labels result_labels(const std::string& account_id, SignInResult result) {
    return {{"account_id", account_id}, {"result", std::string(sign_in_result_label(result))}};
}

}  // namespace

std::string_view sign_in_result_label(SignInResult result) {
    switch (result) {
        case SignInResult::Success:
            return "success";
        case SignInResult::Refused:
            return "refused";
        case SignInResult::RateLimited:
            return "rate_limited";
        case SignInResult::Error:
            break;
    }
    return "error";
}

ExporterMetrics::ExporterMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      up_(BuildGauge()
              .Name("engagevoice_up")
              .Help(help("1 if the account's last poll of the report succeeded, else 0."))
              .Register(*registry_)),
      last_success_(BuildGauge()
                        .Name("engagevoice_last_poll_success_timestamp_seconds")
                        .Help(help("Unix time of the account's last successful poll."))
                        .Register(*registry_)),
      poll_duration_(BuildGauge()
                         .Name("engagevoice_poll_duration_seconds")
                         .Help(help("How long the account's last poll took, in seconds."))
                         .Register(*registry_)),
      polls_(BuildCounter()
                 .Name("engagevoice_polls_total")
                 .Help("Polls of the report finished for the account, successful or not; "
                       "a poll is counted when it ends, as its errors are.")
                 .Register(*registry_)),
      poll_errors_(BuildCounter()
                       .Name("engagevoice_poll_errors_total")
                       .Help("Failed polls of the report, by reason: auth, network, timeout, "
                             "http, rate_limited, parse.")
                       .Register(*registry_)),
      api_requests_(BuildCounter()
                        .Name("engagevoice_api_requests_total")
                        .Help("Requests to the Engage Voice API, by endpoint and HTTP status "
                              "code (\"error\" when no response came back).")
                        .Register(*registry_)),
      report_rows_(BuildGauge()
                       .Name("engagevoice_report_rows")
                       .Help(help("Data rows in the account's last report received, "
                                  "valid or not."))
                       .Register(*registry_)),
      report_rows_invalid_(BuildGauge()
                               .Name("engagevoice_report_rows_invalid")
                               .Help(help("Rows of the account's last report that were left "
                                          "out because a value did not parse."))
                               .Register(*registry_)),
      report_bytes_(BuildGauge()
                        .Name("engagevoice_report_bytes")
                        .Help(help("Size of the account's last report body, in bytes."))
                        .Register(*registry_)),
      build_info_(BuildGauge()
                      .Name("engagevoice_exporter_build_info")
                      .Help("A metric with a constant value 1, labelled by the version, revision "
                            "and compiler of the exporter.")
                      .Register(*registry_)),
      token_expiry_(BuildGauge()
                        .Name("engagevoice_auth_token_expiry_timestamp_seconds")
                        .Help("Unix time at which the account's current Engage access token "
                              "expires. Only for accounts that sign in.")
                        .Register(*registry_)),
      sign_ins_(BuildCounter()
                    .Name("engagevoice_auth_sign_ins_total")
                    .Help("Full sign-ins to Engage Voice (JWT exchange or Engage login), by "
                          "result: success, refused, rate_limited, error.")
                    .Register(*registry_)),
      token_refreshes_(BuildCounter()
                           .Name("engagevoice_auth_token_refreshes_total")
                           .Help("Refreshes of the Engage access token, by result: success, "
                                 "refused, rate_limited, error.")
                           .Register(*registry_)),
      reload_successful_(BuildGauge()
                             .Name("engagevoice_config_last_reload_successful")
                             .Help("1 if the last load of the configuration file succeeded, "
                                   "else 0.")
                             .Register(*registry_)
                             .Add({})),
      reload_success_time_(BuildGauge()
                               .Name("engagevoice_config_last_reload_success_timestamp_seconds")
                               .Help("Unix time of the last successful load of the "
                                     "configuration file.")
                               .Register(*registry_)
                               .Add({})) {
    const BuildInfo& info = build_info();
    build_info_
        .Add({{"version", info.version},
              {"revision", info.revision},
              {"compiler", info.compiler}})
        .Set(1);
}

void ExporterMetrics::config_loaded(std::chrono::system_clock::time_point when) {
    reload_successful_.Set(1);
    reload_success_time_.Set(std::chrono::duration<double>(when.time_since_epoch()).count());
}

void ExporterMetrics::config_load_failed() {
    reload_successful_.Set(0);
}

namespace {

template <class T>
void remove_series(prometheus::Family<T>& family, const prometheus::Labels& labels) {
    if (family.Has(labels)) {
        family.Remove(&family.Add(labels));
    }
}

}  // namespace

void ExporterMetrics::remove_account(const std::string& account_id) {
    const prometheus::Labels labels{{"account_id", account_id}};
    for (auto* family : {&up_, &last_success_, &poll_duration_, &report_rows_,
                         &report_rows_invalid_, &report_bytes_, &token_expiry_}) {
        remove_series(*family, labels);
    }
    remove_series(polls_, labels);
    for (PollError::Kind kind : kAllPollErrorKinds) {
        remove_series(poll_errors_,
                      {{"account_id", account_id}, {"reason", std::string(reason_label(kind))}});
    }
    for (SignInResult result : kAllSignInResults) {
        remove_series(sign_ins_, result_labels(account_id, result));
        remove_series(token_refreshes_, result_labels(account_id, result));
    }
    std::lock_guard lock(api_series_mutex_);
    for (const auto& [endpoint, code] : api_series_[account_id]) {
        remove_series(api_requests_, {{"account_id", account_id},
                                      {"endpoint", endpoint},
                                      {"code", code_label(code)}});
    }
    api_series_.erase(account_id);
}

AccountMetrics ExporterMetrics::account(const std::string& account_id, bool signs_in) {
    if (signs_in) {
        for (SignInResult result : kAllSignInResults) {
            sign_ins_.Add(result_labels(account_id, result));
            token_refreshes_.Add(result_labels(account_id, result));
        }
    }
    return AccountMetrics(*this, account_id);
}

AccountMetrics::AccountMetrics(ExporterMetrics& owner, std::string account_id)
    : owner_(&owner), account_id_(std::move(account_id)) {
    const prometheus::Labels labels{{"account_id", account_id_}};
    up_ = &owner.up_.Add(labels);
    last_success_ = &owner.last_success_.Add(labels);
    poll_duration_ = &owner.poll_duration_.Add(labels);
    polls_ = &owner.polls_.Add(labels);
    report_rows_ = &owner.report_rows_.Add(labels);
    report_rows_invalid_ = &owner.report_rows_invalid_.Add(labels);
    report_bytes_ = &owner.report_bytes_.Add(labels);
    for (PollError::Kind kind : kAllPollErrorKinds) {
        errors_[kind] = &owner.poll_errors_.Add(
            {{"account_id", account_id_}, {"reason", std::string(reason_label(kind))}});
    }
}

void AccountMetrics::poll_finished(std::chrono::nanoseconds duration) {
    polls_->Increment();
    poll_duration_->Set(std::chrono::duration<double>(duration).count());
}

void AccountMetrics::poll_succeeded(std::chrono::system_clock::time_point when, std::size_t rows,
                                    std::size_t invalid_rows, std::size_t bytes) {
    up_->Set(1);
    last_success_->Set(std::chrono::duration<double>(when.time_since_epoch()).count());
    report_rows_->Set(static_cast<double>(rows));
    report_rows_invalid_->Set(static_cast<double>(invalid_rows));
    report_bytes_->Set(static_cast<double>(bytes));
}

void AccountMetrics::poll_failed(PollError::Kind kind) {
    up_->Set(0);
    errors_.at(kind)->Increment();
}

void AccountMetrics::api_request(const std::string& endpoint, int code) {
    {
        std::lock_guard lock(owner_->api_series_mutex_);
        owner_->api_series_[account_id_].emplace(endpoint, code);
    }
    // Family::Add is thread-safe in prometheus-cpp, and returns the same series for the same
    // labels, so a new status code simply appears.
    owner_->api_requests_
        .Add({{"account_id", account_id_}, {"endpoint", endpoint}, {"code", code_label(code)}})
        .Increment();
}

void AccountMetrics::sign_in(SignInResult result) {
    owner_->sign_ins_.Add(result_labels(account_id_, result)).Increment();
}

void AccountMetrics::token_refresh(SignInResult result) {
    owner_->token_refreshes_.Add(result_labels(account_id_, result)).Increment();
}

void AccountMetrics::token_expiry(std::chrono::system_clock::time_point when) {
    owner_->token_expiry_.Add({{"account_id", account_id_}})
        .Set(std::chrono::duration<double>(when.time_since_epoch()).count());
}

}  // namespace engagevoice
