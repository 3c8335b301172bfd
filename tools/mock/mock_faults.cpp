#include "mock_faults.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <utility>

#include <nlohmann/json.hpp>

#include "mock_http.hpp"

namespace engagevoice {

namespace {

using nlohmann::json;

constexpr std::size_t kKeptRequestTimes = 50;
constexpr int kMaxCount = 1000000;
constexpr double kMaxDelaySeconds = 3600;
constexpr std::int64_t kMaxRetryAfter = 86400;
constexpr std::chrono::seconds kDefaultRateLimitWait{20};

struct KindInfo {
    FaultKind kind;
    std::string_view name;
    std::vector<std::string_view> keys;  // beyond kind, target and count
};

const std::array<KindInfo, 9>& kinds() {
    static const std::array<KindInfo, 9> table = {{
        {FaultKind::Status, "status", {"status", "body", "content_type", "retry_after"}},
        {FaultKind::Delay, "delay", {"seconds"}},
        {FaultKind::Reset, "reset", {}},
        {FaultKind::Truncate, "truncate", {"cut"}},
        {FaultKind::Empty, "empty", {}},
        {FaultKind::Html, "html", {"status", "retry_after"}},
        {FaultKind::Garbage, "garbage", {}},
        {FaultKind::ExpiredToken, "expired_token", {}},
        {FaultKind::RateLimited, "rate_limited", {"retry_after"}},
    }};
    return table;
}

const KindInfo* find_kind(std::string_view name) {
    for (const auto& info : kinds()) {
        if (info.name == name) {
            return &info;
        }
    }
    return nullptr;
}

// `object[key]`, or null when it is missing: the const operator[] asserts on a missing key.
const json& field(const json& object, const char* key) {
    static const json missing;
    auto it = object.find(key);
    return it == object.end() ? missing : *it;
}

// A whole number from `low` to `high` at `object[key]`, or an error message.
std::string read_int(const json& object, const char* key, std::int64_t low, std::int64_t high,
                     std::int64_t& out) {
    const json& value = field(object, key);
    if (!value.is_number_integer() || value.get<std::int64_t>() < low ||
        value.get<std::int64_t>() > high) {
        return std::string(key) + " must be a whole number from " + std::to_string(low) + " to " +
               std::to_string(high);
    }
    out = value.get<std::int64_t>();
    return "";
}

std::string check_keys(const json& object, const KindInfo& info) {
    for (const auto& [key, value] : object.items()) {
        if (key == "kind" || key == "target" || key == "count") {
            continue;
        }
        if (std::find(info.keys.begin(), info.keys.end(), key) == info.keys.end()) {
            return "key " + key + " does not apply to kind " + std::string(info.name);
        }
    }
    return "";
}

std::string read_common(const json& object, Fault& fault) {
    if (object.contains("target")) {
        const json& target = field(object, "target");
        if (target != "report" && target != "auth") {
            return "target must be \"report\" or \"auth\"";
        }
        fault.target = target == "auth" ? FaultTarget::Auth : FaultTarget::Report;
    }
    if (object.contains("count")) {
        std::int64_t count = 0;
        if (auto error = read_int(object, "count", 1, kMaxCount, count); !error.empty()) {
            return error;
        }
        fault.count = static_cast<int>(count);
    }
    return "";
}

std::string read_status(const json& object, Fault& fault) {
    if (!object.contains("status")) {
        return "status is required";
    }
    std::int64_t status = 0;
    auto error = read_int(object, "status", 200, 599, status);
    fault.status = static_cast<int>(status);
    return error;
}

std::string read_body(const json& object, Fault& fault) {
    if (object.contains("body")) {
        const json& body = field(object, "body");
        if (body.is_string()) {
            fault.body = body.get<std::string>();
            fault.content_type = "text/plain;charset=UTF-8";
        } else if (body.is_object() || body.is_array()) {
            fault.body = body.dump();
            fault.content_type = "application/json;charset=UTF-8";
        } else {
            return "body must be a string, an object or an array";
        }
    }
    if (object.contains("content_type")) {
        const json& content_type = field(object, "content_type");
        if (!content_type.is_string()) {
            return "content_type must be a string";
        }
        fault.content_type = content_type.get<std::string>();
    }
    return "";
}

std::string read_retry_after(const json& object, Fault& fault) {
    if (!object.contains("retry_after")) {
        return "";
    }
    std::int64_t seconds = 0;
    auto error = read_int(object, "retry_after", 0, kMaxRetryAfter, seconds);
    fault.retry_after = std::chrono::seconds(seconds);
    return error;
}

std::string read_delay(const json& object, Fault& fault) {
    const json& seconds = field(object, "seconds");
    if (!seconds.is_number() || !(seconds.get<double>() > 0) ||
        seconds.get<double>() > kMaxDelaySeconds) {
        return "seconds must be a number above 0 and at most 3600";
    }
    fault.delay = std::chrono::milliseconds(std::llround(seconds.get<double>() * 1000));
    return "";
}

std::string read_cut(const json& object, bool tls, Fault& fault) {
    if (!object.contains("cut")) {
        return "";
    }
    const json& cut = field(object, "cut");
    if (cut != "row" && cut != "content_length") {
        return "cut must be \"row\" or \"content_length\"";
    }
    fault.cut = cut == "row" ? TruncateCut::Row : TruncateCut::ContentLength;
    if (fault.cut == TruncateCut::ContentLength && tls) {
        return "cut \"content_length\" needs the mock on plain http";
    }
    return "";
}

std::string read_kind_keys(const json& object, bool tls, Fault& fault) {
    switch (fault.kind) {
        case FaultKind::Status:
            for (auto error : {read_status(object, fault), read_body(object, fault),
                               read_retry_after(object, fault)}) {
                if (!error.empty()) {
                    return error;
                }
            }
            return "";
        case FaultKind::Html:
            fault.status = 502;
            if (object.contains("status")) {
                if (auto error = read_status(object, fault); !error.empty()) {
                    return error;
                }
            }
            return read_retry_after(object, fault);
        case FaultKind::RateLimited:
            fault.retry_after = kDefaultRateLimitWait;
            return read_retry_after(object, fault);
        case FaultKind::Delay:
            return read_delay(object, fault);
        case FaultKind::Truncate:
            return read_cut(object, tls, fault);
        default:
            return "";
    }
}

std::string read_fault(const json& object, bool tls, Fault& fault) {
    if (!object.is_object()) {
        return "must be an object";
    }
    const json& kind = field(object, "kind");
    const KindInfo* info = kind.is_string() ? find_kind(kind.get<std::string>()) : nullptr;
    if (info == nullptr) {
        return "kind must be one of status, delay, reset, truncate, empty, html, garbage, "
               "expired_token, rate_limited";
    }
    fault.kind = info->kind;
    for (auto error : {check_keys(object, *info), read_common(object, fault)}) {
        if (!error.empty()) {
            return error;
        }
    }
    return read_kind_keys(object, tls, fault);
}

json describe_fault(const Fault& fault) {
    json out = {{"kind", fault_kind_name(fault.kind)},
                {"target", fault.target == FaultTarget::Auth ? "auth" : "report"}};
    if (fault.count) {
        out["count"] = *fault.count;
    }
    if (fault.kind == FaultKind::Status || fault.kind == FaultKind::Html) {
        out["status"] = fault.status;
    }
    if (fault.retry_after) {
        out["retry_after"] = fault.retry_after->count();
    }
    if (fault.kind == FaultKind::Delay) {
        out["seconds"] = static_cast<double>(fault.delay.count()) / 1000;
    }
    if (fault.kind == FaultKind::Truncate) {
        out["cut"] = fault.cut == TruncateCut::Row ? "row" : "content_length";
    }
    return out;
}

const char* reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        // nginx's own wording for these two.
        case 503:
            return "Service Temporarily Unavailable";
        case 504:
            return "Gateway Time-out";
        default:
            return "Error";
    }
}

const char* engage_code(int status) {
    switch (status) {
        case 400:
            return "INVALID_REQUEST";
        case 401:
            return "UNAUTHORIZED";
        case 403:
            return "FORBIDDEN";
        case 404:
            return "NOT_FOUND";
        case 429:
            return "TOO_MANY_REQUESTS";
        default:
            return status >= 500 ? "INTERNAL_ERROR" : "ERROR";
    }
}

// What a gateway in front of the API shows: nginx's error page, or for a 200 the block page of a
// filtering proxy that answers in the API's place.
std::string proxy_page(int status) {
    if (status == 200) {
        return "<!DOCTYPE html>\n<html><head><title>Web filter</title></head>\n<body><h1>Access "
               "to this site is blocked</h1>\n<p>Contact your network administrator.</p>"
               "</body></html>\n";
    }
    const std::string title = std::to_string(status) + " " + reason_phrase(status);
    return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" +
           title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}

// The start of a gzip stream, as a gateway sends that compresses without being asked, then
// bytes of every value: fixed, so that every run sees the same body.
std::string garbage_body() {
    std::string body("\x1f\x8b\x08\x00", 4);
    std::mt19937 random(20261116);
    for (int i = 0; i < 2048; ++i) {
        body.push_back(static_cast<char>(random() & 0xff));
    }
    return body;
}

ServerResponse status_answer(const Fault& fault) {
    ServerResponse response;
    if (fault.body) {
        response.status = fault.status;
        response.body = *fault.body;
    } else if (fault.status >= 400) {
        response = engage_error(fault.status, engage_code(fault.status),
                                reason_phrase(fault.status), "injected fault");
    } else {
        response.status = fault.status;
    }
    if (!fault.content_type.empty()) {
        response.content_type = fault.content_type;
    }
    return response;
}

ServerResponse fault_body_answer(const Fault& fault) {
    ServerResponse response;
    switch (fault.kind) {
        case FaultKind::Status:
            return status_answer(fault);
        case FaultKind::Empty:
            response.content_type = "text/csv;charset=UTF-8";
            return response;
        case FaultKind::Html:
            response.status = fault.status;
            response.content_type = "text/html";
            response.body = proxy_page(fault.status);
            return response;
        case FaultKind::Garbage:
            response.content_type = "text/csv;charset=UTF-8";
            response.body = garbage_body();
            return response;
        case FaultKind::ExpiredToken:
            return plain_unauthorized("Jwt is expired");
        case FaultKind::RateLimited:
            return engage_error(429, "TOO_MANY_REQUESTS", "Too many requests",
                                "rate limit exceeded");
        default:
            return engage_error(500, "INTERNAL_ERROR", "Internal error",
                                "this fault does not replace the answer");
    }
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
    for (const auto& info : kinds()) {
        if (info.kind == kind) {
            return info.name;
        }
    }
    return "unknown";
}

ParsedFaults parse_faults(std::string_view text, bool tls) {
    ParsedFaults parsed;
    const json body = json::parse(text, nullptr, false);
    if (body.is_discarded()) {
        parsed.error = "the body is not valid JSON";
        return parsed;
    }
    const json list = body.is_array() ? body : json::array({body});
    for (std::size_t i = 0; i < list.size(); ++i) {
        Fault fault;
        if (auto error = read_fault(list[i], tls, fault); !error.empty()) {
            parsed.faults.clear();
            parsed.error = "fault " + std::to_string(i + 1) + ": " + error;
            return parsed;
        }
        parsed.faults.push_back(std::move(fault));
    }
    return parsed;
}

ServerResponse fault_answer(const Fault& fault) {
    ServerResponse response = fault_body_answer(fault);
    if (fault.retry_after) {
        response.headers.emplace_back("Retry-After", std::to_string(fault.retry_after->count()));
    }
    return response;
}

std::string cut_in_line(std::string_view body) {
    if (body.size() < 2) {
        return "";
    }
    // Step off a line end onto the line before it, so that the cut falls inside text.
    std::size_t middle = body.size() / 2;
    while (middle > 0 && (body[middle] == '\r' || body[middle] == '\n')) {
        --middle;
    }
    const std::size_t newline = body.rfind('\n', middle);
    const std::size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    std::size_t end = body.find_first_of("\r\n", middle);
    if (end == std::string_view::npos) {
        end = body.size();
    }
    return std::string(body.substr(0, start + std::max<std::size_t>((end - start) / 2, 1)));
}

std::string short_raw_response(const ServerResponse& response, std::size_t sent_bytes) {
    std::string raw = "HTTP/1.1 " + std::to_string(response.status) + " " +
                      reason_phrase(response.status) + "\r\n";
    raw += "Content-Type: " + response.content_type + "\r\n";
    for (const auto& [name, value] : response.headers) {
        raw += name + ": " + value + "\r\n";
    }
    raw += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    raw += "Connection: close\r\n\r\n";
    raw.append(response.body, 0, std::min(sent_bytes, response.body.size()));
    return raw;
}

void FaultPlan::set(std::vector<Fault> faults) {
    {
        std::lock_guard lock(mutex_);
        faults_.assign(std::make_move_iterator(faults.begin()),
                       std::make_move_iterator(faults.end()));
        ++generation_;
    }
    changed_.notify_all();
}

std::optional<Fault> FaultPlan::take(FaultTarget target) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(faults_.begin(), faults_.end(),
                           [target](const Fault& fault) { return fault.target == target; });
    if (it == faults_.end()) {
        return std::nullopt;
    }
    ++(target == FaultTarget::Report ? injected_report_ : injected_auth_);
    Fault fault = *it;
    if (it->count && --*it->count == 0) {
        faults_.erase(it);
    }
    return fault;
}

// The wait releases the mutex, so that other requests, and the call that clears the faults,
// go on while a delayed answer is held back.
void FaultPlan::wait(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    const auto generation = generation_;
    changed_.wait_for(lock, delay,
                      [&] { return stopping_ || generation_ != generation; });
}

void FaultPlan::shut_down() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
}

void FaultPlan::note_report_request(std::chrono::system_clock::time_point when) {
    std::lock_guard lock(mutex_);
    report_times_.push_back(when);
    if (report_times_.size() > kKeptRequestTimes) {
        report_times_.pop_front();
    }
}

std::uint64_t FaultPlan::injected() const {
    std::lock_guard lock(mutex_);
    return injected_report_ + injected_auth_;
}

std::string FaultPlan::json() const {
    std::lock_guard lock(mutex_);
    nlohmann::json faults = nlohmann::json::array();
    for (const auto& fault : faults_) {
        faults.push_back(describe_fault(fault));
    }
    nlohmann::json times = nlohmann::json::array();
    for (const auto& time : report_times_) {
        const std::chrono::duration<double> since_epoch = time.time_since_epoch();
        times.push_back(since_epoch.count());
    }
    return nlohmann::json{{"faults", faults},
                          {"injected", {{"report", injected_report_}, {"auth", injected_auth_}}},
                          {"report_request_times", times}}
        .dump();
}

}  // namespace engagevoice
