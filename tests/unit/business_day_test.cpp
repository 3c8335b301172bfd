#include "engagevoice/business_day.hpp"

#include <catch2/catch.hpp>

#include <chrono>

#include <date/tz.h>

using engagevoice::business_day_at;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_seconds;

namespace {

const date::time_zone& eastern() { return *date::locate_zone("US/Eastern"); }

sys_seconds at(long long epoch_seconds) { return sys_seconds{std::chrono::seconds{epoch_seconds}}; }

}  // namespace

TEST_CASE("business day runs from local midnight to now", "[business_day]") {
    // 2026-11-16 20:00 EST.
    const auto day = business_day_at(at(1794877200), eastern(), minutes{0});

    CHECK(day.date == "2026-11-16");
    CHECK(day.start_local == "2026-11-16 00:00:00");
    CHECK(day.end_local == "2026-11-16 20:00:00");
    CHECK(day.start == at(1794805200));
    CHECK(day.end == at(1794877200));
    CHECK(day.next_start - day.start == hours{24});
}

TEST_CASE("business day is 23 hours long when dst starts", "[business_day]") {
    // 2026-03-08 12:00 EDT.
    const auto day = business_day_at(at(1772985600), eastern(), minutes{0});

    CHECK(day.date == "2026-03-08");
    CHECK(day.start == at(1772946000));
    CHECK(day.next_start == at(1773028800));
    CHECK(day.next_start - day.start == hours{23});
    CHECK(day.end_local == "2026-03-08 12:00:00");
}

TEST_CASE("business day is 25 hours long when dst ends", "[business_day]") {
    // 2026-11-01 12:00 EST.
    const auto day = business_day_at(at(1793505600 + 13 * 3600), eastern(), minutes{0});

    CHECK(day.date == "2026-11-01");
    CHECK(day.start == at(1793505600));
    CHECK(day.next_start == at(1793595600));
    CHECK(day.next_start - day.start == hours{25});
    CHECK(day.end_local == "2026-11-01 12:00:00");
}

TEST_CASE("business day before a late day start belongs to yesterday", "[business_day]") {
    const minutes night{22 * 60};

    SECTION("before the start") {
        // 2026-11-16 20:00 EST: the shift that began at 22:00 the evening before.
        const auto day = business_day_at(at(1794877200), eastern(), night);
        CHECK(day.date == "2026-11-15");
        CHECK(day.start_local == "2026-11-15 22:00:00");
        CHECK(day.start == at(1794798000));
        CHECK(day.end_local == "2026-11-16 20:00:00");
        CHECK(day.next_start == at(1794884400));
    }
    SECTION("after the start") {
        // 2026-11-16 22:30 EST.
        const auto day = business_day_at(at(1794884400 + 1800), eastern(), night);
        CHECK(day.date == "2026-11-16");
        CHECK(day.start_local == "2026-11-16 22:00:00");
        CHECK(day.start == at(1794884400));
        CHECK(day.end_local == "2026-11-16 22:30:00");
    }
    SECTION("exactly at the start") {
        const auto day = business_day_at(at(1794884400), eastern(), night);
        CHECK(day.date == "2026-11-16");
        CHECK(day.start == day.end);
    }
}

TEST_CASE("business day start in a skipped hour moves forward by the gap", "[business_day]") {
    const minutes half_past_two{150};

    SECTION("after the moved start") {
        // 2026-03-08 12:00 EDT; 02:30 did not exist that night, so the day starts at 03:30.
        const auto day = business_day_at(at(1772985600), eastern(), half_past_two);
        CHECK(day.date == "2026-03-08");
        CHECK(day.start_local == "2026-03-08 03:30:00");
        CHECK(day.start == at(1772955000));
        CHECK(day.next_start == at(1773037800));
    }
    SECTION("between the skipped time and the moved start") {
        // 2026-03-08 03:10 EDT is still the business day of 2026-03-07.
        const auto day = business_day_at(at(1772953800), eastern(), half_past_two);
        CHECK(day.date == "2026-03-07");
        CHECK(day.start == at(1772868600));
        CHECK(day.next_start == at(1772955000));
        CHECK(day.end_local == "2026-03-08 03:10:00");
    }
}

TEST_CASE("business day start in a repeated hour is the earlier one", "[business_day]") {
    // 2026-11-01 12:00 EST, day start 01:30, which happened twice that night.
    const auto day = business_day_at(at(1793505600 + 13 * 3600), eastern(), minutes{90});

    CHECK(day.start == at(1793511000));
    CHECK(day.start_local == "2026-11-01 01:30:00");
}

TEST_CASE("business day uses the zone's own date", "[business_day]") {
    // 2026-11-17 03:00 UTC is still 2026-11-16 in New York and already the 17th in Tokyo.
    const auto now = at(1794884400);
    const auto new_york = business_day_at(now, eastern(), minutes{0});
    const auto tokyo = business_day_at(now, *date::locate_zone("Asia/Tokyo"), minutes{0});

    CHECK(new_york.date == "2026-11-16");
    CHECK(tokyo.date == "2026-11-17");
    CHECK(tokyo.start_local == "2026-11-17 00:00:00");
    CHECK(tokyo.end_local == "2026-11-17 12:00:00");
}
