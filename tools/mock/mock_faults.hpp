// Faults the simulated Engage Voice API injects on request, to prove that a client survives
// them: error statuses, delays, connections dropped without an answer, bodies cut short, empty,
// HTML or garbage, expired tokens and rate limits with Retry-After.
//
// A FaultPlan holds the faults set with POST /mock/faults or --fault, in order, each for the next
// N requests to its target (the report endpoints or the sign-in endpoints) or until cleared.
// MockApi takes a fault from it for each such request and answers accordingly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/http_server.hpp"

namespace engagevoice {

// Which requests a fault applies to: the two report endpoints, or the four sign-in endpoints.
enum class FaultTarget { Report, Auth };

enum class FaultKind {
    Status,        // `status`, with `body` or else an Engage JSON error (an empty body below 400)
    Delay,         // waits `delay`, then answers as without the fault
    Reset,         // closes the connection without an answer
    Truncate,      // the answer cut short, see TruncateCut; an answer other than 200 goes whole
    Empty,         // 200 with an empty body
    Html,          // a proxy's HTML page with `status` (502 unless given)
    Garbage,       // 200 with binary bytes, neither CSV nor text
    ExpiredToken,  // 401, text/plain `Jwt is expired`, as the API answers an expired token
    RateLimited,   // 429 with Retry-After and the Engage error TOO_MANY_REQUESTS
};

enum class TruncateCut {
    Row,            // the body ends in the middle of the line at its middle; framing intact
    ContentLength,  // the full Content-Length, half the body, then the connection closes
};

struct Fault {
    FaultKind kind = FaultKind::Status;
    FaultTarget target = FaultTarget::Report;
    // Requests left that the fault applies to; none means until cleared.
    std::optional<int> count;
    int status = 0;                                   // Status and Html
    std::optional<std::string> body;                  // Status: sent as it is
    std::string content_type;                         // Status: of `body`
    std::optional<std::chrono::seconds> retry_after;  // Status, Html and RateLimited
    std::chrono::milliseconds delay{0};               // Delay
    TruncateCut cut = TruncateCut::Row;               // Truncate
};

// The name of a kind as the JSON and the X-Mock-Fault header spell it: "status", "delay",
// "reset", "truncate", "empty", "html", "garbage", "expired_token", "rate_limited".
std::string_view fault_kind_name(FaultKind kind);

struct ParsedFaults {
    std::vector<Fault> faults;
    std::string error;  // empty on success; else what is wrong, naming the fault and the key
};

// Reads one fault object or a JSON array of them (docs/mock.md lists the keys). A key that does
// not apply to the fault's kind is an error, and so is a Content-Length cut when `tls` is set:
// the mock cannot write raw bytes into a TLS stream. Never throws but for lack of memory.
ParsedFaults parse_faults(std::string_view text, bool tls);

// The answer of a fault that replaces the whole answer: Status, Empty, Html, Garbage,
// ExpiredToken and RateLimited. Any other kind gives a 500.
ServerResponse fault_answer(const Fault& fault);

// `body` cut in the middle of the line that holds its middle byte: a CSV row then ends halfway,
// with fewer fields and no line end. An empty or one-byte body becomes empty.
std::string cut_in_line(std::string_view body);

// `response` as raw HTTP/1.1 bytes whose Content-Length is the full body's size but which hold
// only its first `sent_bytes` bytes.
std::string short_raw_response(const ServerResponse& response, std::size_t sent_bytes);

// The faults planned, shared by every request. Thread-safe.
class FaultPlan {
public:
    // Replaces every fault planned (an empty list clears them) and ends the delays under way.
    void set(std::vector<Fault> faults);

    // The fault for the next request to `target`, or nullopt. Counts it as injected and uses up
    // one of its count; a fault whose count is used up leaves the plan.
    std::optional<Fault> take(FaultTarget target);

    // Waits `delay` without holding a lock, unless set() or shut_down() comes first.
    void wait(std::chrono::milliseconds delay);

    // Ends every delay under way and makes later ones return at once: for a stop.
    void shut_down();

    // Remembers the time of a report request, for report_request_times in json().
    void note_report_request(std::chrono::system_clock::time_point when);

    // Faults injected so far, for both targets.
    std::uint64_t injected() const;

    // GET /mock/faults: the faults left with their remaining counts, the faults injected per
    // target, and the times of the latest report requests in Unix seconds, oldest first.
    std::string json() const;

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Fault> faults_;
    std::uint64_t generation_ = 0;  // bumped by set(), so waits know to end
    bool stopping_ = false;
    std::uint64_t injected_report_ = 0;
    std::uint64_t injected_auth_ = 0;
    std::deque<std::chrono::system_clock::time_point> report_times_;
};

}  // namespace engagevoice
