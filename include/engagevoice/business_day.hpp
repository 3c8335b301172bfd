// The business day a poll asks the report for.
//
// A business day runs from `day_start` local time to the same local time on the next calendar
// day, in the account's zone, so it is 23 or 25 hours long on the days DST changes. The report
// is asked for the part of today's business day that has passed.
#pragma once

#include <chrono>
#include <string>

namespace date {
class time_zone;
}

namespace engagevoice {

struct BusinessDay {
    // Local calendar date the business day is named after, "YYYY-MM-DD".
    std::string date;
    // Start and the current moment as local times, "YYYY-MM-DD HH:MM:SS", as the report
    // request sends them.
    std::string start_local;
    std::string end_local;
    // The same instants as absolute times.
    std::chrono::sys_seconds start;
    std::chrono::sys_seconds end;
    // Where the business day will end (start of the next one), for its length.
    std::chrono::sys_seconds next_start;
};

// The business day that contains `now` in `zone`, starting at `day_start` (minutes after local
// midnight, 0 to 1439). When `now` is earlier in the day than `day_start`, it is yesterday's
// business day. A `day_start` that falls in a skipped DST hour moves forward by the gap; one in
// a repeated hour is the earlier instant. A `day_start` outside 0 to 1439 is clamped into it.
// Pure and thread-safe.
BusinessDay business_day_at(std::chrono::sys_seconds now, const date::time_zone& zone,
                            std::chrono::minutes day_start);

}  // namespace engagevoice
