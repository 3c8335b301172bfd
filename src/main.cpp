// engage_voice_exporter: reads flags and hands over to the command they name.
#include <fstream>
#include <iostream>
#include <sstream>

#include "engagevoice/command_line.hpp"
#include "engagevoice/render.hpp"
#include "engagevoice/serve.hpp"
#include "engagevoice/version.hpp"

namespace {

using namespace engagevoice;

int print_version() {
    const BuildInfo& info = build_info();
    std::cout << "engage_voice_exporter, version " << info.version << " (revision "
              << info.revision << ")\n  compiler: " << info.compiler << "\n";
    return 0;
}

int render(const RenderFlags& flags) {
    std::ifstream in(flags.report_file, std::ios::binary);
    if (!in) {
        std::cerr << flags.report_file << ": cannot read the report file\n";
        return 1;
    }
    std::ostringstream body;
    body << in.rdbuf();

    auto rendered = render_report(body.str(), flags.timezone, flags.account_id);
    if (!rendered) {
        std::cerr << flags.report_file << ": " << rendered.error().message << "\n";
        return 1;
    }
    for (const InvalidRow& row : rendered->invalid) {
        std::cerr << flags.report_file << ":" << row.line << ": row " << row.row
                  << " left out: column \"" << row.column << "\": " << row.reason << "\n";
    }
    std::cout << rendered->page;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const CommandLine command_line = parse_command_line(argc, argv);
    switch (command_line.command) {
        case CommandLine::Command::Exit:
            return command_line.exit_code;
        case CommandLine::Command::Version:
            return print_version();
        case CommandLine::Command::Render:
            return render(command_line.render);
        case CommandLine::Command::Serve:
            break;
    }
    if (command_line.serve.config_check) {
        return check_config(command_line.serve);
    }
    return serve(command_line.serve);
}
