// Local wall-clock times to absolute times, for the report's zone-less timestamps.
#pragma once

#include <chrono>

#include <date/tz.h>

namespace engagevoice::detail {

// The instant of a local time in `zone`. An ambiguous time (the repeated hour when DST ends) is
// the earlier instant; a time in a skipped hour moves forward by the gap, so 02:30 on a spring
// forward day becomes 03:30. Both follow from reading the time with the offset in force before
// the transition. date's choose::earliest would instead clamp a skipped time to the transition
// itself, and the throwing overload would take the poll down with it.
inline std::chrono::sys_seconds local_to_sys(date::local_seconds local,
                                             const date::time_zone& zone) {
    const auto info = zone.get_info(local);
    return std::chrono::sys_seconds{local.time_since_epoch()} - info.first.offset;
}

}  // namespace engagevoice::detail
