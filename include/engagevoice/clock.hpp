// Time as the poller sees it, injectable so tests need not wait or depend on the date.
#pragma once

#include <chrono>

namespace engagevoice {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::now();
    }
};

}  // namespace engagevoice
