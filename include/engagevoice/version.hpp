// The exporter's version, as build_info and --version report it.
#pragma once

#include <string>

namespace engagevoice {

struct BuildInfo {
    std::string version;
    std::string revision;
    std::string compiler;
};

const BuildInfo& build_info();

// "engage_voice_exporter/<version>", sent as the User-Agent.
std::string user_agent();

}  // namespace engagevoice
