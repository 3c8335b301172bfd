#include "engagevoice/render.hpp"

#include <exception>

#include <date/tz.h>

#include "engagevoice/agent_metrics.hpp"
#include "engagevoice/day_aggregator.hpp"
#include "engagevoice/exposition.hpp"

namespace engagevoice {

Result<RenderedReport> render_report(const std::string& body, const std::string& timezone,
                                     const std::string& account_id, bool agent_info) {
    const date::time_zone* zone = nullptr;
    try {
        zone = date::locate_zone(timezone);
    } catch (const std::exception&) {
        return make_error(PollError::Kind::Parse, "unknown time zone \"" + timezone + "\"");
    }

    auto parsed = parse_report(body, *zone);
    if (!parsed) {
        return parsed.error();
    }

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->account_id = account_id;
    snapshot->agents = aggregate_day(parsed->rows).agents;

    RenderedReport rendered;
    rendered.page = serialize_families(agent_metric_families({snapshot}, agent_info));
    rendered.invalid = std::move(parsed->invalid);
    return rendered;
}

}  // namespace engagevoice
