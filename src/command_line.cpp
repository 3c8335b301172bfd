#include "engagevoice/command_line.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>

#include <CLI/CLI.hpp>
#include <date/tz.h>

#include "engagevoice/logging.hpp"

namespace engagevoice {
namespace {

constexpr const char* kDefaultListenAddress = ":9847";

std::string check_log_level(const std::string& value) {
    return parse_log_level(value) ? "" : "must be debug, info, warn or error";
}

std::string check_log_format(const std::string& value) {
    return parse_log_format(value) ? "" : "must be logfmt or json";
}

std::string check_timezone(const std::string& value) {
    try {
        date::locate_zone(value);
        return "";
    } catch (const std::exception&) {
        return "unknown time zone; use an IANA name such as Europe/Berlin";
    }
}

// The exporter serves its own pages at these paths; a metrics page there would hide one of them.
std::string check_telemetry_path(const std::string& value) {
    if (!value.starts_with('/')) {
        return "must start with /";
    }
    for (const char* taken : {"/", "/-/healthy", "/-/ready", "/-/reload"}) {
        if (value == taken) {
            return "must not be " + std::string(taken) + ", which the exporter serves itself";
        }
    }
    return "";
}

std::string check_account_id(const std::string& value) {
    bool digits = !value.empty() && std::all_of(value.begin(), value.end(), [](unsigned char c) {
        return std::isdigit(c) != 0;
    });
    return digits ? "" : "must be digits only";
}

void add_serve_flags(CLI::App& app, ServeFlags& flags) {
    app.add_option("--config.file", flags.config_file, "YAML configuration file")
        ->type_name("FILE")
        ->capture_default_str();
    app.add_flag("--config.check", flags.config_check,
                 "Check the configuration, print what is wrong, exit 0 or 1");
    app.add_option("--web.listen-address", flags.listen_addresses,
                   "Address to serve on; repeat for several")
        ->type_name("ADDRESS")
        ->default_str(kDefaultListenAddress)
        ->allow_extra_args(false);
    app.add_option("--web.telemetry-path", flags.telemetry_path, "Path of the metrics page")
        ->type_name("PATH")
        ->check(check_telemetry_path)
        ->capture_default_str();
    app.add_option("--web.config.file", flags.web_config_file,
                   "TLS and basic auth (exporter-toolkit format), re-read on change")
        ->type_name("FILE");
    app.add_option("--log.level", flags.log_level,
                   "Least severe level logged: debug, info, warn or error")
        ->type_name("LEVEL")
        ->check(check_log_level)
        ->capture_default_str();
    app.add_option("--log.format", flags.log_format, "Format of log lines: logfmt or json")
        ->type_name("FORMAT")
        ->check(check_log_format)
        ->capture_default_str();
}

CLI::App* add_render_command(CLI::App& app, RenderFlags& flags) {
    CLI::App* render =
        app.add_subcommand("render", "Print the metrics a saved report CSV gives, then exit");
    render->add_option("--report", flags.report_file, "Report CSV to read")
        ->type_name("FILE")
        ->required();
    render->add_option("--timezone", flags.timezone, "IANA time zone the report was run in")
        ->type_name("TZ")
        ->check(check_timezone)
        ->required();
    render->add_option("--account-id", flags.account_id, "Value of the account_id label")
        ->type_name("ID")
        ->check(check_account_id)
        ->capture_default_str();
    return render;
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
    return parse_command_line(argc, argv, std::cout, std::cerr);
}

CommandLine parse_command_line(int argc, const char* const* argv, std::ostream& out,
                               std::ostream& err) {
    CommandLine result;
    CLI::App app("Prometheus exporter for RingCentral Engage Voice agent session reports",
                 "engage_voice_exporter");
    add_serve_flags(app, result.serve);
    bool version = false;
    app.add_flag("--version", version, "Print version, revision and compiler, then exit");
    CLI::App* render = add_render_command(app, result.render);
    app.require_subcommand(0, 1);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 has a code per kind of error; the exporter keeps to 0 for help and 1 otherwise.
        result.command = CommandLine::Command::Exit;
        result.exit_code = app.exit(e, out, err) == 0 ? 0 : 1;
        return result;
    }

    if (result.serve.listen_addresses.empty()) {
        result.serve.listen_addresses.push_back(kDefaultListenAddress);
    }
    if (version) {
        result.command = CommandLine::Command::Version;
    } else if (render->parsed()) {
        result.command = CommandLine::Command::Render;
    }
    return result;
}

}  // namespace engagevoice
