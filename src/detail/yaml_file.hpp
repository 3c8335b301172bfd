// Reading a YAML file for the two configuration loaders (the exporter's and the web config).
// Both turn every problem into a ConfigError that names the file: one that cannot be read, and
// YAML that does not parse, with its line and column.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

namespace engagevoice::detail {

// The whole text of `path`. Throws ConfigError when it is a directory or cannot be read.
std::string read_config_file(const std::string& path);

// `text` parsed as YAML. Throws ConfigError naming `file`, and the line and column where
// yaml-cpp gives them.
YAML::Node load_yaml(const std::string& text, const std::string& file);

}  // namespace engagevoice::detail
