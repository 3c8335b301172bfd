// The command line: Prometheus-style dotted flags and the `render` subcommand.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace engagevoice {

struct ServeFlags {
    std::string config_file = "engage_voice_exporter.yml";
    bool config_check = false;
    std::vector<std::string> listen_addresses;  // defaults to {":9847"} when none is given
    std::string telemetry_path = "/metrics";
    std::string web_config_file;
    std::string log_level = "info";
    std::string log_format = "logfmt";
};

struct RenderFlags {
    std::string report_file;
    std::string timezone;          // checked against the time zone database at parse time
    std::string account_id = "0";  // the account_id label; digits only
};

struct CommandLine {
    enum class Command { Serve, Render, Version, Exit };

    Command command = Command::Serve;
    ServeFlags serve;
    RenderFlags render;
    // For Command::Exit: what to exit with (after --help, or a usage error already printed).
    int exit_code = 0;
};

// Parses argv with CLI11. Prints help (to standard output) or usage errors (to standard error)
// itself and then returns Command::Exit with the code to exit with: 0 after --help, 1 after a
// usage error such as an unknown flag or a --log.level other than debug, info, warn, error.
CommandLine parse_command_line(int argc, const char* const* argv);

// The same, printing help to `out` and usage errors to `err`.
CommandLine parse_command_line(int argc, const char* const* argv, std::ostream& out,
                               std::ostream& err);

}  // namespace engagevoice
