#include "engagevoice/command_line.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace ev = engagevoice;

namespace {

struct Parsed {
    ev::CommandLine command_line;
    std::string out;
    std::string err;
};

Parsed parse(std::vector<std::string> args) {
    args.insert(args.begin(), "engage_voice_exporter");
    std::vector<const char*> argv;
    for (const auto& arg : args) {
        argv.push_back(arg.c_str());
    }
    std::ostringstream out;
    std::ostringstream err;
    auto command_line =
        ev::parse_command_line(static_cast<int>(argv.size()), argv.data(), out, err);
    return {command_line, out.str(), err.str()};
}

std::size_t longest_line(const std::string& text) {
    std::istringstream in(text);
    std::size_t longest = 0;
    for (std::string line; std::getline(in, line);) {
        longest = std::max(longest, line.size());
    }
    return longest;
}

}  // namespace

TEST_CASE("command line defaults to serving with the documented flags", "[command_line]") {
    auto parsed = parse({});
    const auto& flags = parsed.command_line.serve;

    CHECK(parsed.command_line.command == ev::CommandLine::Command::Serve);
    CHECK(flags.config_file == "engage_voice_exporter.yml");
    CHECK_FALSE(flags.config_check);
    CHECK(flags.listen_addresses == std::vector<std::string>{":9847"});
    CHECK(flags.telemetry_path == "/metrics");
    CHECK(flags.web_config_file.empty());
    CHECK(flags.log_level == "info");
    CHECK(flags.log_format == "logfmt");
    CHECK(parsed.out.empty());
    CHECK(parsed.err.empty());
}

TEST_CASE("command line reads dotted flags in both spellings", "[command_line]") {
    auto parsed =
        parse({"--config.file=/etc/ev.yml", "--config.check", "--web.telemetry-path", "/probe",
               "--web.config.file", "web.yml", "--log.level=debug", "--log.format", "json"});
    const auto& flags = parsed.command_line.serve;

    CHECK(parsed.command_line.command == ev::CommandLine::Command::Serve);
    CHECK(flags.config_file == "/etc/ev.yml");
    CHECK(flags.config_check);
    CHECK(flags.telemetry_path == "/probe");
    CHECK(flags.web_config_file == "web.yml");
    CHECK(flags.log_level == "debug");
    CHECK(flags.log_format == "json");
}

TEST_CASE("command line collects repeated listen addresses", "[command_line]") {
    auto parsed = parse({"--web.listen-address", ":9100", "--web.listen-address=[::1]:9101"});

    CHECK(parsed.command_line.command == ev::CommandLine::Command::Serve);
    CHECK(parsed.command_line.serve.listen_addresses ==
          std::vector<std::string>{":9100", "[::1]:9101"});
}

TEST_CASE("command line takes one address per listen flag", "[command_line]") {
    auto parsed = parse({"--web.listen-address", ":9100", ":9101"});

    CHECK(parsed.command_line.command == ev::CommandLine::Command::Exit);
    CHECK(parsed.command_line.exit_code == 1);
}

TEST_CASE("command line parses the render subcommand", "[command_line]") {
    SECTION("with an account id") {
        auto parsed = parse({"render", "--report", "day.csv", "--timezone", "US/Eastern",
                             "--account-id", "15300002"});
        CHECK(parsed.command_line.command == ev::CommandLine::Command::Render);
        CHECK(parsed.command_line.render.report_file == "day.csv");
        CHECK(parsed.command_line.render.timezone == "US/Eastern");
        CHECK(parsed.command_line.render.account_id == "15300002");
    }
    SECTION("without one") {
        auto parsed = parse({"render", "--report=day.csv", "--timezone=UTC"});
        CHECK(parsed.command_line.command == ev::CommandLine::Command::Render);
        CHECK(parsed.command_line.render.account_id == "0");
    }
}

TEST_CASE("command line answers --version", "[command_line]") {
    CHECK(parse({"--version"}).command_line.command == ev::CommandLine::Command::Version);
}

TEST_CASE("command line turns usage errors into exit code 1", "[command_line]") {
    std::vector<std::vector<std::string>> bad = {
        {"--log.level", "verbose"},
        {"--log.format=text"},
        {"--no-such-flag"},
        {"stray-argument"},
        {"--config.file"},
        {"render", "--timezone", "UTC"},
        {"render", "--report", "day.csv"},
        {"render", "--report", "day.csv", "--timezone", "Mars/Olympus_Mons"},
        {"render", "--report", "day.csv", "--timezone", "UTC", "--account-id", "acme"},
    };

    for (const auto& args : bad) {
        auto parsed = parse(args);
        INFO("args: " << args.at(0) << " ...");
        CHECK(parsed.command_line.command == ev::CommandLine::Command::Exit);
        CHECK(parsed.command_line.exit_code == 1);
        CHECK_FALSE(parsed.err.empty());
        CHECK(parsed.out.empty());
    }
}

TEST_CASE("command line refuses a telemetry path that cannot be reached or hides a page",
          "[command_line]") {
    for (const std::string path : {"metrics", "", "/", "/-/healthy", "/-/ready", "/-/reload"}) {
        auto parsed = parse({"--web.telemetry-path=" + path});
        INFO("path: " << path);
        CHECK(parsed.command_line.command == ev::CommandLine::Command::Exit);
        CHECK(parsed.command_line.exit_code == 1);
        CHECK_THAT(parsed.err, Catch::Contains("--web.telemetry-path"));
    }
    CHECK(parse({"--web.telemetry-path=/-/metrics"}).command_line.command ==
          ev::CommandLine::Command::Serve);
}

TEST_CASE("command line prints help within 100 columns and exits 0", "[command_line]") {
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"--help"}, {"render", "--help"}}) {
        auto parsed = parse(args);
        CHECK(parsed.command_line.command == ev::CommandLine::Command::Exit);
        CHECK(parsed.command_line.exit_code == 0);
        CHECK(parsed.err.empty());
        CHECK(longest_line(parsed.out) < 100);
    }
    CHECK_THAT(parse({"--help"}).out,
               Catch::Contains("--web.listen-address") && Catch::Contains("render"));
    CHECK_THAT(parse({"render", "--help"}).out, Catch::Contains("--account-id"));
}
