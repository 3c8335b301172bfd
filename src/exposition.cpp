#include "engagevoice/exposition.hpp"

#include <sstream>

#include <prometheus/text_serializer.h>

namespace engagevoice {
namespace {

// prometheus-cpp 1.0 writes HELP text as it is; the format wants backslashes and line feeds
// escaped there.
std::string escape_help(const std::string& help) {
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string serialize_families(std::vector<prometheus::MetricFamily> families) {
    std::vector<prometheus::MetricFamily> page;
    page.reserve(families.size());
    for (auto& family : families) {
        // A family without samples would print a HELP and TYPE for nothing.
        if (family.metric.empty()) {
            continue;
        }
        family.help = escape_help(family.help);
        page.push_back(std::move(family));
    }

    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, page);
    return std::move(out).str();
}

std::string serialize_metrics(const std::vector<const prometheus::Collectable*>& collectables) {
    std::vector<prometheus::MetricFamily> families;
    for (const auto* collectable : collectables) {
        auto collected = collectable->Collect();
        families.insert(families.end(), std::make_move_iterator(collected.begin()),
                        std::make_move_iterator(collected.end()));
    }
    return serialize_families(std::move(families));
}

}  // namespace engagevoice
