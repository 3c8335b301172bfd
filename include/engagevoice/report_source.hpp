// Where a poll gets the day's report from.
//
// ReportSource is the one interface between the poller and the upstream, so a successor of the
// Agent Session Report can be added beside EngageReportSource without touching the poller.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engagevoice/api_observer.hpp"
#include "engagevoice/business_day.hpp"
#include "engagevoice/config.hpp"
#include "engagevoice/https_client.hpp"
#include "engagevoice/result.hpp"
#include "engagevoice/token_source.hpp"

namespace engagevoice {

struct FetchedReport {
    std::string body;
    // The body's first line, short and printable, with the request's credentials blanked out:
    // for the log, should the body prove not to be the report. Only the first line, because a
    // report's first line is its header and the lines after it hold names.
    std::string excerpt;
};

class ReportSource {
public:
    virtual ~ReportSource() = default;

    // Fetches the report for `day`, all before `deadline`. Never throws.
    virtual Result<FetchedReport> fetch(const BusinessDay& day,
                                        std::chrono::steady_clock::time_point deadline) = 0;
};

// The Agent Session Report over reportsStreaming, as UPSTREAM.md describes it.
class EngageReportSource final : public ReportSource {
public:
    EngageReportSource(const AccountConfig& account, std::unique_ptr<HttpsClient> client,
                       std::shared_ptr<TokenSource> tokens, ApiRequestObserver observer);

    Result<FetchedReport> fetch(const BusinessDay& day,
                                std::chrono::steady_clock::time_point deadline) override;

private:
    Result<HttpResponse> post_report(const BusinessDay& day,
                                     std::chrono::steady_clock::time_point deadline);

    AccountConfig account_;
    Url report_url_;
    HeaderList sent_auth_;  // the credentials of the last request, to blank out of excerpts
    std::unique_ptr<HttpsClient> client_;
    std::shared_ptr<TokenSource> tokens_;
    ApiRequestObserver observer_;
};

// True for the upstream's answer to an expired token: 401 with a plain-text body that says so
// ("Jwt is expired"). Refreshing the token may help then, and only then.
bool token_expired(const HttpResponse& response);

// Turns a report response into the report body or a PollError: 401 and 403 are Kind::Auth,
// 429 Kind::RateLimited (with Retry-After), other non-2xx Kind::Http, and a 2xx body that is
// HTML or JSON rather than CSV Kind::Parse. The start of such a body goes into body_excerpt,
// printable and short, with every one of `secrets` (the account's credentials and tokens, see
// header_secrets and TokenSource::secrets) replaced by "<secret>", in case the upstream or a
// proxy echoes them; a body passed through gets the same treatment of its first line in
// FetchedReport::excerpt. Retry-After is kept for every status (a 503 may send one too).
Result<FetchedReport> check_report_response(HttpResponse response,
                                            const std::vector<std::string>& secrets = {});

}  // namespace engagevoice
