#include "engagevoice/business_day.hpp"

#include <algorithm>

#include <date/date.h>
#include <date/tz.h>

#include "detail/local_time.hpp"

namespace engagevoice {

namespace {

std::string format_local(date::local_seconds local) {
    return date::format("%F %T", local);
}

// The instant a business day named after `day` begins. A start in a skipped DST hour moves
// forward by the gap, like every other local time the exporter reads.
std::chrono::sys_seconds day_start_on(date::local_days day, std::chrono::minutes day_start,
                                      const date::time_zone& zone) {
    return detail::local_to_sys(date::local_seconds{day} + day_start, zone);
}

}  // namespace

BusinessDay business_day_at(std::chrono::sys_seconds now, const date::time_zone& zone,
                            std::chrono::minutes day_start) {
    day_start = std::clamp(day_start, std::chrono::minutes{0}, std::chrono::minutes{1439});
    const auto local_now = zone.to_local(now);
    auto day = date::floor<date::days>(local_now);

    // Compare instants, not local clock readings: on a DST day the start may have moved, and
    // "now" must never fall before the start of its own business day.
    auto start = day_start_on(day, day_start, zone);
    if (now < start) {
        day -= date::days{1};
        start = day_start_on(day, day_start, zone);
    }

    BusinessDay result;
    result.date = date::format("%F", day);
    result.start_local = format_local(zone.to_local(start));
    result.end_local = format_local(local_now);
    result.start = start;
    result.end = now;
    result.next_start = day_start_on(day + date::days{1}, day_start, zone);
    return result;
}

}  // namespace engagevoice
