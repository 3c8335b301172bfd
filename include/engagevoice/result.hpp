// Value-or-error for the poll path, where nothing may throw.
//
// A PollError says what failed in a way that maps onto the `reason` label of
// engagevoice_poll_errors_total. Result<T> holds either a T or a PollError; it stands in for
// std::expected until the project moves past C++20.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace engagevoice {

struct PollError {
    enum class Kind { Auth, Network, Timeout, Http, RateLimited, Parse };

    Kind kind = Kind::Network;
    // A short, safe description: never a secret, a token or any of the upstream's text, so it
    // may be shown on the status page.
    std::string message;
    // The start of the upstream's response body, for the log only: it is the upstream's text
    // and may hold names. The credentials sent with the request are blanked out of it.
    std::string body_excerpt;
    // The upstream's Retry-After, when it sent one.
    std::optional<std::chrono::seconds> retry_after;
    // The HTTP status, when the failure came with one.
    int status = 0;
};

// The label value of a kind: "auth", "network", "timeout", "http", "rate_limited", "parse".
std::string_view reason_label(PollError::Kind kind);

// Every kind, in the order of DESIGN.md, for pre-creating label combinations.
inline constexpr PollError::Kind kAllPollErrorKinds[] = {
    PollError::Kind::Auth, PollError::Kind::Network,     PollError::Kind::Timeout,
    PollError::Kind::Http, PollError::Kind::RateLimited, PollError::Kind::Parse,
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(PollError error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const { return state_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const PollError& error() const { return std::get<1>(state_); }

private:
    std::variant<T, PollError> state_;
};

inline PollError make_error(PollError::Kind kind, std::string message, int status = 0) {
    PollError error;
    error.kind = kind;
    error.message = std::move(message);
    error.status = status;
    return error;
}

}  // namespace engagevoice
