#include "engagevoice/report_source.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "engagevoice/redact.hpp"
#include "engagevoice/report_request.hpp"

namespace engagevoice {
namespace {

char first_visible(std::string_view body) {
    // Skip a byte order mark and white space before looking at what the body is.
    if (body.substr(0, 3) == "\xEF\xBB\xBF") {
        body.remove_prefix(3);
    }
    for (char c : body) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
            return c;
        }
    }
    return '\0';
}

PollError status_error(const HttpResponse& response, const std::vector<std::string>& secrets) {
    const int status = response.status;

    PollError error;
    error.status = status;
    error.retry_after = parse_retry_after(response.header("Retry-After"));
    if (status == 401 || status == 403) {
        error.kind = PollError::Kind::Auth;
    } else if (status == 429) {
        error.kind = PollError::Kind::RateLimited;
    } else {
        error.kind = PollError::Kind::Http;
    }
    error.message = "report request answered " + std::to_string(status);
    if (status == 401) {
        error.message += ": the token was not accepted; check auth (a static token may be wrong "
                         "or expired; a signed-in session is started afresh at the next poll)";
    } else if (status == 403) {
        error.message += ": the user lacks the right to run reports for this account, or "
                         "account_id is not theirs";
    }
    error.body_excerpt = safe_excerpt(response.body, secrets);
    return error;
}

// Only the first line: the header of a report, or whatever a body that is no report starts
// with. The lines after a report's header hold names.
std::string first_line_excerpt(const std::string& body, const std::vector<std::string>& secrets) {
    constexpr std::size_t kMaxLine = 512;
    const std::size_t end = std::min(body.find_first_of("\r\n"), kMaxLine);
    return safe_excerpt(body.substr(0, end), secrets);
}

PollError not_csv(const char* what, const HttpResponse& response,
                  const std::vector<std::string>& secrets) {
    PollError error = make_error(PollError::Kind::Parse, what, response.status);
    error.body_excerpt = safe_excerpt(response.body, secrets);
    return error;
}

}  // namespace

bool token_expired(const HttpResponse& response) {
    if (response.status != 401) {
        return false;
    }
    const char first = first_visible(response.body);
    if (first == '{' || first == '[' || first == '<') {
        return false;
    }
    std::string lower = response.body.substr(0, 200);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower.find("expired") != std::string::npos;
}

Result<FetchedReport> check_report_response(HttpResponse response,
                                            const std::vector<std::string>& secrets) {
    if (response.status < 200 || response.status > 299) {
        return status_error(response, secrets);
    }

    const char first = first_visible(response.body);
    if (first == '<') {
        return not_csv("report body is HTML, not CSV", response, secrets);
    }
    if (first == '{' || first == '[') {
        return not_csv("report body is JSON, not CSV", response, secrets);
    }
    if (first == '\0') {
        return make_error(PollError::Kind::Parse, "report body is empty", response.status);
    }
    std::string excerpt = first_line_excerpt(response.body, secrets);
    return FetchedReport{std::move(response.body), std::move(excerpt)};
}

EngageReportSource::EngageReportSource(const AccountConfig& account,
                                       std::unique_ptr<HttpsClient> client,
                                       std::shared_ptr<TokenSource> tokens,
                                       ApiRequestObserver observer)
    : account_(account),
      client_(std::move(client)),
      tokens_(std::move(tokens)),
      observer_(std::move(observer)) {
    std::string error;
    auto url = parse_url(account.api_url, &error);
    if (!url) {
        throw std::invalid_argument("api_url: " + error);
    }
    report_url_ = *url;
    while (!report_url_.path.empty() && report_url_.path.back() == '/') {
        report_url_.path.pop_back();
    }
    report_url_.path += report_path(account.account_id);
}

Result<HttpResponse> EngageReportSource::post_report(
    const BusinessDay& day, std::chrono::steady_clock::time_point deadline) {
    auto auth = tokens_->headers(deadline);
    if (!auth) {
        return auth.error();
    }

    HttpRequest request;
    request.method = "POST";
    request.url = report_url_;
    sent_auth_ = *auth;
    request.headers = std::move(*auth);
    request.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    request.headers.emplace_back("Accept", "text/csv, */*");
    request.body = report_request_body(
        day, account_.timezone, ReportFilters{account_.agent_group_ids, account_.agent_teams});

    auto response = client_->send(request, deadline);
    observer_("report", response ? response->status : 0);
    return response;
}

Result<FetchedReport> EngageReportSource::fetch(const BusinessDay& day,
                                                std::chrono::steady_clock::time_point deadline) {
    auto response = post_report(day, deadline);
    // An expired token is refreshed and the request tried once more; never in a loop. Any
    // other 401 or 403 is a credential or permission problem that a new token will not mend.
    if (response && token_expired(*response) && tokens_->invalidate()) {
        response = post_report(day, deadline);
    }
    if (!response) {
        return response.error();
    }
    // A token the upstream no longer knows (revoked, or its sessions were lost) is not kept
    // until its expiry: the next poll signs in afresh. A 403 is about rights, not the token.
    if (response->status == 401) {
        tokens_->rejected();
    }
    // The upstream may echo any of the account's secrets, not only the ones this request sent.
    std::vector<std::string> secrets = header_secrets(sent_auth_);
    auto known = tokens_->secrets();
    secrets.insert(secrets.end(), std::make_move_iterator(known.begin()),
                   std::make_move_iterator(known.end()));
    return check_report_response(std::move(*response), secrets);
}

}  // namespace engagevoice
