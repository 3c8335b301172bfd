#include "expected_page.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace engagevoice::testing {
namespace {

constexpr std::string_view kAgentPrefix = "engagevoice_agent_";
constexpr std::string_view kInfo = "engagevoice_agent_info";

[[noreturn]] void fail(std::size_t line, const std::string& what) {
    throw std::runtime_error("page line " + std::to_string(line) + ": " + what);
}

std::string read_label_value(std::string_view text, std::size_t& pos, std::size_t line) {
    std::string value;
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (c == '"') {
            ++pos;
            return value;
        }
        if (c == '\\' && pos + 1 < text.size()) {
            const char next = text[++pos];
            value += next == 'n' ? '\n' : next;
        } else {
            value += c;
        }
    }
    fail(line, "unterminated label value");
}

std::map<std::string, std::string> read_labels(std::string_view text, std::size_t& pos,
                                               std::size_t line) {
    std::map<std::string, std::string> labels;
    ++pos;  // '{'
    while (pos < text.size() && text[pos] != '}') {
        const auto eq = text.find('=', pos);
        if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') {
            fail(line, "malformed label");
        }
        std::string name(text.substr(pos, eq - pos));
        pos = eq + 2;
        labels[name] = read_label_value(text, pos, line);
        if (pos < text.size() && text[pos] == ',') {
            ++pos;
        }
    }
    if (pos >= text.size()) {
        fail(line, "unterminated label set");
    }
    ++pos;  // '}'
    return labels;
}

Sample read_sample(std::string_view text, std::size_t line) {
    Sample sample;
    std::size_t pos = text.find_first_of("{ ");
    if (pos == std::string_view::npos) {
        fail(line, "no value");
    }
    sample.name = std::string(text.substr(0, pos));
    if (text[pos] == '{') {
        sample.labels = read_labels(text, pos, line);
    }
    const std::string rest(text.substr(pos));
    char* end = nullptr;
    sample.value = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) {
        fail(line, "value is not a number");
    }
    return sample;
}

bool close_enough(double actual, double expected) {
    if (expected == 0) {
        return actual == 0;
    }
    return std::fabs(actual - expected) <= 1e-9 * std::fabs(expected);
}

std::string describe(const std::string& name, const std::map<std::string, std::string>& labels) {
    std::string out = name + "{";
    for (const auto& [key, value] : labels) {
        out += key + "=\"" + value + "\",";
    }
    out += "}";
    return out;
}

std::map<std::string, std::string> as_labels(const nlohmann::json& object) {
    std::map<std::string, std::string> labels;
    for (const auto& [key, value] : object.items()) {
        labels[key] = value.get<std::string>();
    }
    return labels;
}

using SeriesKey = std::pair<std::string, std::map<std::string, std::string>>;

// The expected series of one agent, as (name, labels, value).
std::vector<Sample> expected_series(const nlohmann::json& agent) {
    std::vector<Sample> series;
    const auto labels = as_labels(agent.at("labels"));
    for (const auto& [name, value] : agent.at("metrics").items()) {
        series.push_back({name, labels, value.get<double>()});
    }
    if (agent.contains("info")) {
        auto info = labels;
        for (const auto& [key, value] : as_labels(agent.at("info"))) {
            info[key] = value;
        }
        series.push_back({std::string(kInfo), info, 1.0});
    }
    return series;
}

}  // namespace

std::vector<Sample> parse_page(std::string_view page) {
    std::vector<Sample> samples;
    std::size_t line_number = 0;
    while (!page.empty()) {
        const auto end = page.find('\n');
        std::string_view line = page.substr(0, end);
        page = end == std::string_view::npos ? std::string_view{} : page.substr(end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        samples.push_back(read_sample(line, line_number));
    }
    return samples;
}

std::vector<std::string> compare_with_expected(const std::vector<Sample>& page,
                                               const nlohmann::json& expected) {
    std::map<SeriesKey, double> on_page;
    for (const Sample& sample : page) {
        if (sample.name.rfind(kAgentPrefix, 0) == 0) {
            on_page[{sample.name, sample.labels}] = sample.value;
        }
    }

    std::vector<std::string> differences;
    for (const auto& [agent_id, agent] : expected.at("agents").items()) {
        for (const Sample& want : expected_series(agent)) {
            auto got = on_page.find({want.name, want.labels});
            if (got == on_page.end()) {
                differences.push_back("missing " + describe(want.name, want.labels));
                continue;
            }
            if (!close_enough(got->second, want.value)) {
                differences.push_back(describe(want.name, want.labels) + " is " +
                                      std::to_string(got->second) + ", want " +
                                      std::to_string(want.value));
            }
            on_page.erase(got);
        }
    }

    // What is left was not expected: an extra agent, or a series that should be absent (a
    // logout time for an agent with no closed session).
    for (const auto& [key, value] : on_page) {
        differences.push_back("unexpected " + describe(key.first, key.second));
    }
    return differences;
}

}  // namespace engagevoice::testing
