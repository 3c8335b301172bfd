#include "engagevoice/result.hpp"

namespace engagevoice {

std::string_view reason_label(PollError::Kind kind) {
    switch (kind) {
        case PollError::Kind::Auth:
            return "auth";
        case PollError::Kind::Network:
            return "network";
        case PollError::Kind::Timeout:
            return "timeout";
        case PollError::Kind::Http:
            return "http";
        case PollError::Kind::RateLimited:
            return "rate_limited";
        case PollError::Kind::Parse:
            return "parse";
    }
    // Only reachable through a value cast from outside the enumeration.
    return "unknown";
}

}  // namespace engagevoice
