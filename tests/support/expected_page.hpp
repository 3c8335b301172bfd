// Reading a metrics page back, and holding it against a report's expected values.
//
// The expected values are the `.expected.json` files beside the report fixtures (and those the
// mock writes for what it served): per agent, its labels, its metric values and its names.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace engagevoice::testing {

struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

// Parses the samples of a text-format page; comments are skipped. Throws std::runtime_error
// naming the line for anything it cannot read.
std::vector<Sample> parse_page(std::string_view page);

// Compares every engagevoice_agent_* sample of `page` with `expected`: every expected value is
// there with exactly its labels and within a relative 1e-9, absent metrics are absent, and no
// other agent or per-agent series is on the page. Returns one line per difference; empty when
// they agree.
std::vector<std::string> compare_with_expected(const std::vector<Sample>& page,
                                               const nlohmann::json& expected);

}  // namespace engagevoice::testing
