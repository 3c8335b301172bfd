// A clock the test sets by hand.
#pragma once

#include <chrono>

#include "engagevoice/clock.hpp"

namespace engagevoice::testing {

class FakeClock final : public Clock {
public:
    explicit FakeClock(std::chrono::system_clock::time_point now) : now_(now) {}

    std::chrono::system_clock::time_point now() const override { return now_; }

    std::chrono::system_clock::time_point now_;
};

}  // namespace engagevoice::testing
