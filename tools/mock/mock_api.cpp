#include "mock_api.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "mock_http.hpp"

namespace engagevoice {

namespace {

using nlohmann::json;
using std::chrono::sys_seconds;

constexpr std::string_view kReportName = "Agent_Session_Report_Raw";
constexpr auto kMaxReportAge = std::chrono::hours(24 * 90);
constexpr auto kClockSkew = std::chrono::minutes(1);

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    if (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    while (true) {
        auto slash = path.find('/');
        segments.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            return segments;
        }
        path.remove_prefix(slash + 1);
    }
}

bool is_capture(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

template <class Params>
bool match_path(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                Params& params) {
    if (pattern.size() != path.size()) {
        return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_capture(pattern[i]) && !path[i].empty()) {
            params[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
        } else if (pattern[i] != path[i]) {
            return false;
        }
    }
    return true;
}

ServerResponse bad_request(std::string_view developer) {
    return engage_error(400, "INVALID_REQUEST", "Invalid report request", developer);
}

// ---------------------------------------------------------------------------------------------
// The report request body.

struct ReportQuery {
    date::local_days day;
    sys_seconds start;
    sys_seconds end;
    std::vector<std::string> teams;
};

std::optional<int> digits_at(std::string_view text, std::size_t pos, std::size_t count) {
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// "YYYY-MM-DD HH:MM:SS" as a local time; nullopt for anything else.
std::optional<date::local_seconds> parse_timestamp(std::string_view text) {
    if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' ||
        text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    auto y = digits_at(text, 0, 4), mo = digits_at(text, 5, 2), d = digits_at(text, 8, 2);
    auto h = digits_at(text, 11, 2), mi = digits_at(text, 14, 2), s = digits_at(text, 17, 2);
    if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) {
        return std::nullopt;
    }
    auto ymd = date::year(*y) / date::month(static_cast<unsigned>(*mo)) /
               date::day(static_cast<unsigned>(*d));
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return date::local_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*mi) +
           std::chrono::seconds(*s);
}

// Reads a local time the way the business day is defined: the earlier instant of a repeated
// hour, and a skipped time moved forward by the gap.
sys_seconds to_sys(date::local_seconds local, const date::time_zone& zone) {
    return sys_seconds(local.time_since_epoch() - zone.get_info(local).first.offset);
}

// An error message naming the field, or "" when `object[key]` is the string `expected`.
std::string check_constant(const json& object, std::string_view prefix, const char* key,
                           std::string_view expected) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get<std::string>() != expected) {
        return std::string(prefix) + key + " must be \"" + std::string(expected) + "\"";
    }
    return "";
}

std::string check_constants(const json& body) {
    const json& criteria = body["reportCriteria"];
    for (auto error : {
             check_constant(body, "", "reportType", "CASPER_REPORT"),
             check_constant(body, "", "reportTypeName", kReportName),
             check_constant(criteria, "reportCriteria.", "criteriaType", "CASPER_CRITERIA"),
             check_constant(criteria, "reportCriteria.", "reportName", kReportName),
             check_constant(criteria, "reportCriteria.", "returnType", "CSV"),
         }) {
        if (!error.empty()) {
            return error;
        }
    }
    if (body.contains("delimiter")) {
        return check_constant(body, "", "delimiter", "COMMA");
    }
    return "";
}

std::string check_zone(const json& criteria, const ContactCentre& centre) {
    auto it = criteria.find("timezoneName");
    if (it == criteria.end() || !it->is_string()) {
        return "reportCriteria.timezoneName is missing";
    }
    try {
        date::locate_zone(it->get<std::string>());
    } catch (const std::exception&) {
        return "reportCriteria.timezoneName is not a known time zone";
    }
    // By name as configured: the system's zone database may hold a link such as US/Eastern as
    // a zone of its own, so another name of the same rules is refused.
    if (it->get<std::string>() != centre.options().timezone) {
        return "reportCriteria.timezoneName must be the account's time zone";
    }
    return "";
}

std::optional<date::local_seconds> read_timestamp(const json& criteria, const char* key) {
    auto it = criteria.find(key);
    if (it == criteria.end() || !it->is_string()) {
        return std::nullopt;
    }
    return parse_timestamp(it->get<std::string>());
}

std::string check_window(const ReportQuery& query, const ContactCentre& centre, sys_seconds now) {
    if (query.start > query.end) {
        return "reportCriteria.startTimestamp must not be after endTimestamp";
    }
    if (query.end > now + kClockSkew) {
        return "reportCriteria.endTimestamp must not be in the future";
    }
    if (query.start < now - kMaxReportAge) {
        return "reportCriteria.startTimestamp must be within the last 90 days";
    }
    if (query.start != centre.business_day_start(query.day)) {
        return "reportCriteria.startTimestamp must be the start of a business day";
    }
    return "";
}

std::string read_teams(const json& criteria, std::vector<std::string>& teams) {
    auto it = criteria.find("agentTeams");
    if (it == criteria.end() || it->is_null()) {
        return "";
    }
    if (!it->is_array() ||
        !std::all_of(it->begin(), it->end(), [](const json& team) { return team.is_string(); })) {
        return "reportCriteria.agentTeams must be a list of team names";
    }
    teams = it->get<std::vector<std::string>>();
    return "";
}

// The window and filters asked for, or the message of a 400.
std::string read_query(const json& body, const ContactCentre& centre, sys_seconds now,
                       ReportQuery& query) {
    if (!body.is_object() || !body.contains("reportCriteria") ||
        !body["reportCriteria"].is_object()) {
        return "reportCriteria is missing";
    }
    const json& criteria = body["reportCriteria"];
    for (const auto& error :
         {check_constants(body), check_zone(criteria, centre), read_teams(criteria, query.teams)}) {
        if (!error.empty()) {
            return error;
        }
    }

    auto start = read_timestamp(criteria, "startTimestamp");
    auto end = read_timestamp(criteria, "endTimestamp");
    if (!start || !end) {
        return std::string("reportCriteria.") + (start ? "endTimestamp" : "startTimestamp") +
               " must be \"YYYY-MM-DD HH:MM:SS\"";
    }
    query.day = date::floor<date::days>(*start);
    query.start = to_sys(*start, centre.zone());
    query.end = to_sys(*end, centre.zone());
    return check_window(query, centre, now);
}

ContactCentreOptions centre_options(const MockApiOptions& options) {
    ContactCentreOptions centre;
    centre.seed = options.seed;
    centre.agents = options.agents;
    centre.timezone = options.timezone;
    centre.day_start = options.day_start;
    centre.utf8_bom = options.utf8_bom;
    return centre;
}

// Writes beside the target and renames, so that a reader never sees half a file.
// Empty on success, else why the file could not be written.
std::string write_atomically(const std::filesystem::path& path, const std::string& content) {
    auto temporary = path;
    temporary += ".tmp";
    {
        errno = 0;
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) {
            return errno != 0 ? std::strerror(errno) : "cannot open the file";
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out.flush()) {
            return errno != 0 ? std::strerror(errno) : "cannot write the file";
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    return error ? error.message() : std::string{};
}

}  // namespace

MockApi::MockApi(MockApiOptions options, std::shared_ptr<const Clock> clock)
    : options_(std::move(options)),
      clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()),
      centre_(centre_options(options_)),
      auth_(options_.auth, options_.account_id, options_.dump_dir, clock_),
      connections_(options_.connections ? options_.connections
                                        : std::make_shared<SocketConnections>()) {
    if (options_.api_token.empty() && options_.bearer_token.empty() && !auth_.can_sign_in()) {
        throw std::invalid_argument(
            "an API token, a bearer token or the credentials of a sign-in flow are required");
    }
    for (const auto& fault : options_.faults) {
        if (options_.tls && fault.kind == FaultKind::Truncate &&
            fault.cut == TruncateCut::ContentLength) {
            throw std::invalid_argument("a content_length cut needs the mock on plain http");
        }
    }
    faults_.set(options_.faults);
    add_routes();
}

void MockApi::add_routes() {
    constexpr auto kReport = FaultTarget::Report;
    constexpr auto kAuth = FaultTarget::Auth;
    for (const char* prefix : {"/voice/api/v1", "/api/v1"}) {
        auto path = std::string(prefix) + "/admin/accounts/{account_id}/reportsStreaming";
        routes_.push_back({"POST", split_path(path), true, &MockApi::report, kReport});
    }
    routes_.push_back(
        {"POST", split_path("/restapi/oauth/token"), false, &MockApi::ringcentral_token, kAuth});
    routes_.push_back(
        {"POST", split_path("/api/auth/login/rc/accesstoken"), false, &MockApi::exchange, kAuth});
    routes_.push_back(
        {"POST", split_path("/api/auth/login/admin"), false, &MockApi::admin_login, kAuth});
    routes_.push_back(
        {"POST", split_path("/api/auth/token/refresh"), false, &MockApi::refresh, kAuth});
    // The mock's own endpoints: no token, no faults.
    constexpr std::nullopt_t kNone = std::nullopt;
    routes_.push_back({"GET", split_path("/mock/stats"), false, &MockApi::stats_page, kNone});
    routes_.push_back({"GET", split_path("/mock/faults"), false, &MockApi::faults_page, kNone});
    routes_.push_back({"POST", split_path("/mock/faults"), false, &MockApi::set_faults, kNone});
    routes_.push_back(
        {"DELETE", split_path("/mock/faults"), false, &MockApi::clear_faults, kNone});
}

ServerResponse MockApi::handle(const ServerRequest& request) const {
    try {
        return route(request);
    } catch (const std::exception& error) {
        return engage_error(500, "INTERNAL_ERROR", "Internal error", error.what());
    } catch (...) {
        return engage_error(500, "INTERNAL_ERROR", "Internal error", "unexpected failure");
    }
}

MockStats MockApi::stats() const {
    auto stats = auth_.stats();
    stats.report_requests = report_requests_;
    stats.report_unauthorized = report_unauthorized_;
    stats.expired_token_rejections = expired_token_rejections_;
    stats.faults_injected = faults_.injected();
    return stats;
}

void MockApi::end_delays() const {
    faults_.shut_down();
}

ServerResponse MockApi::route(const ServerRequest& request) const {
    auto path = split_path(request.path());
    std::string allowed;
    for (const auto& candidate : routes_) {
        PathParams params;
        if (!match_path(candidate.segments, path, params)) {
            continue;
        }
        if (candidate.method != request.method) {
            allowed += (allowed.empty() ? "" : ", ") + candidate.method;
            continue;
        }
        if (candidate.needs_token) {
            ++report_requests_;
            faults_.note_report_request(clock_->now());
        }
        if (candidate.fault_target) {
            if (auto fault = faults_.take(*candidate.fault_target)) {
                return inject(*fault, candidate, request, params);
            }
        }
        return answer(candidate, request, params, true);
    }

    if (allowed.empty()) {
        return engage_error(404, "NOT_FOUND", "Not found", "no such endpoint");
    }
    auto response = engage_error(405, "METHOD_NOT_ALLOWED", "Method not allowed",
                                 "this endpoint accepts " + allowed);
    response.headers.emplace_back("Allow", allowed);
    return response;
}

// The answer without a fault. With `dump` false a report stays out of the dump directory: the
// client will not get it whole.
ServerResponse MockApi::answer(const Route& route, const ServerRequest& request,
                               const PathParams& params, bool dump) const {
    if (!route.needs_token) {
        return (this->*route.handler)(request, params);
    }
    if (auto granted = access(request); granted != Access::Granted) {
        return refuse(granted);
    }
    return serve_report(request, params, dump);
}

ServerResponse MockApi::inject(const Fault& fault, const Route& route,
                               const ServerRequest& request, const PathParams& params) const {
    ServerResponse response;
    switch (fault.kind) {
        case FaultKind::Delay:
            faults_.wait(fault.delay);
            response = answer(route, request, params, true);
            break;
        case FaultKind::Truncate:
            response = truncated(fault, answer(route, request, params, false), request);
            break;
        case FaultKind::Reset:
            response = cut_off(request, "");
            break;
        default:
            response = fault_answer(fault);
    }
    // For the log and for a client's debugging; the exporter ignores it.
    response.headers.emplace_back("X-Mock-Fault", std::string(fault_kind_name(fault.kind)));
    return response;
}

ServerResponse MockApi::truncated(const Fault& fault, ServerResponse whole,
                                  const ServerRequest& request) const {
    if (whole.status != 200) {
        return whole;
    }
    if (fault.cut == TruncateCut::Row) {
        whole.body = cut_in_line(whole.body);
        return whole;
    }
    return cut_off(request, short_raw_response(whole, whole.body.size() / 2));
}

// What the server then tries to send never arrives: the socket is already shut down.
ServerResponse MockApi::cut_off(const ServerRequest& request, const std::string& raw) const {
    if (!connections_->cut_off(request.remote_address, raw)) {
        return engage_error(500, "INTERNAL_ERROR", "Internal error",
                            "the mock could not find the connection to cut off");
    }
    return engage_error(500, "INTERNAL_ERROR", "Internal error", "connection cut off");
}

// Each header is compared with its own kind of token only, which catches a client that sends
// the wrong header for its mode: legacy hosts know no access tokens.
MockApi::Access MockApi::access(const ServerRequest& request) const {
    if (same_token(trim_blanks(request.header("X-Auth-Token")), options_.api_token)) {
        return Access::Granted;
    }
    // "Bearer" in any case: older clients send "bearer".
    auto header = request.header("Authorization");
    auto authorization = trim_blanks(header);
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size() ||
        !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
        return Access::Refused;
    }
    auto token = trim_blanks(authorization.substr(kScheme.size()));
    if (same_token(token, options_.bearer_token)) {
        return Access::Granted;
    }
    switch (auth_.access_token_state(token)) {
        case MockAuth::TokenState::Current:
            return Access::Granted;
        case MockAuth::TokenState::Expired:
            return Access::Expired;
        default:
            return Access::Refused;
    }
}

// The real API answers a bad or expired token with plain text, not JSON.
ServerResponse MockApi::refuse(Access access) const {
    ++report_unauthorized_;
    if (access == Access::Expired) {
        ++expired_token_rejections_;
        return plain_unauthorized("Jwt is expired");
    }
    return plain_unauthorized("Invalid token");
}

ServerResponse MockApi::report(const ServerRequest& request, const PathParams& params) const {
    return serve_report(request, params, true);
}

ServerResponse MockApi::serve_report(const ServerRequest& request, const PathParams& params,
                                     bool dump) const {
    if (params.at("account_id") != options_.account_id) {
        return engage_error(404, "ACCOUNT_NOT_FOUND", "Account not found",
                            "no account with this id");
    }
    if (!has_media_type(request.header("Content-Type"), "application/json")) {
        return engage_error(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                            "the request body must be application/json");
    }
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        return bad_request("the request body is not valid JSON");
    }

    ReportQuery query;
    auto now = std::chrono::floor<std::chrono::seconds>(clock_->now());
    if (auto error = read_query(body, centre_, now, query); !error.empty()) {
        return bad_request(error);
    }

    auto sessions = centre_.sessions(query.day, query.end, query.teams);
    ServerResponse response;
    response.content_type = "text/csv;charset=UTF-8";
    response.body = centre_.report_csv(sessions);
    if (dump && !options_.dump_dir.empty()) {
        dump_report(response.body, centre_.expected_json(sessions, options_.account_id));
    }
    return response;
}

ServerResponse MockApi::ringcentral_token(const ServerRequest& request, const PathParams&) const {
    return auth_.ringcentral_token(request);
}

ServerResponse MockApi::exchange(const ServerRequest& request, const PathParams&) const {
    return auth_.exchange(request);
}

ServerResponse MockApi::admin_login(const ServerRequest& request, const PathParams&) const {
    return auth_.admin_login(request);
}

ServerResponse MockApi::refresh(const ServerRequest& request, const PathParams&) const {
    return auth_.refresh(request);
}

ServerResponse MockApi::stats_page(const ServerRequest&, const PathParams&) const {
    ServerResponse response;
    response.content_type = "application/json";
    response.body = stats_json(stats());
    return response;
}

ServerResponse MockApi::faults_page(const ServerRequest&, const PathParams&) const {
    ServerResponse response;
    response.content_type = "application/json";
    response.body = faults_.json();
    return response;
}

ServerResponse MockApi::set_faults(const ServerRequest& request, const PathParams& params) const {
    auto parsed = parse_faults(request.body, options_.tls);
    if (!parsed.error.empty()) {
        return engage_error(400, "INVALID_REQUEST", "Invalid fault", parsed.error);
    }
    faults_.set(std::move(parsed.faults));
    return faults_page(request, params);
}

ServerResponse MockApi::clear_faults(const ServerRequest& request,
                                     const PathParams& params) const {
    faults_.set({});
    return faults_page(request, params);
}

void MockApi::dump_report(const std::string& csv, const std::string& expected) const {
    std::lock_guard lock(dump_mutex_);
    std::filesystem::path dir(options_.dump_dir);
    for (const auto& [name, content] :
         {std::pair{"last_report.csv", &csv}, std::pair{"last_report.expected.json", &expected}}) {
        const std::string error = write_atomically(dir / name, *content);
        if (!error.empty()) {
            std::cerr << "level=warn msg=\"cannot write report dump\" path=\""
                      << (dir / name).string() << "\" err=\"" << error << "\"\n";
        }
    }
}

}  // namespace engagevoice
