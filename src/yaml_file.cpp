#include "detail/yaml_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "engagevoice/config.hpp"

namespace engagevoice::detail {

std::string read_config_file(const std::string& path) {
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored)) {
        throw ConfigError(path, "", "cannot read file: it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError(path, "", std::string("cannot read file: ") + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw ConfigError(path, "", "cannot read file");
    }
    return text.str();
}

YAML::Node load_yaml(const std::string& text, const std::string& file) {
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        if (e.mark.is_null()) {
            throw ConfigError(file, "", "invalid YAML: " + e.msg);
        }
        throw ConfigError(file, "",
                          "line " + std::to_string(e.mark.line + 1) + ", column " +
                              std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
    }
}

}  // namespace engagevoice::detail
