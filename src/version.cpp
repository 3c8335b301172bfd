#include "engagevoice/version.hpp"

namespace engagevoice {
namespace {

std::string compiler_name() {
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

}  // namespace

const BuildInfo& build_info() {
    static const BuildInfo info{ENGAGEVOICE_VERSION, ENGAGEVOICE_REVISION, compiler_name()};
    return info;
}

std::string user_agent() {
    return "engage_voice_exporter/" + build_info().version;
}

}  // namespace engagevoice
