// engage_voice_mock: the simulated Engage Voice API, served over HTTP or HTTPS.

#include <pthread.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>

#include "engagevoice/http_server.hpp"
#include "mock_api.hpp"

namespace {

using engagevoice::MockApi;
using engagevoice::MockApiOptions;

struct Flags {
    std::string listen_address = "127.0.0.1:8443";
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string day_start = "00:00";
    std::string address_file;
    std::string token_lifetime = "5m";
    std::string refresh_token_lifetime = "10h";
    std::string ringcentral_token_lifetime = "1h";
    std::vector<std::string> faults;
    int threads = 16;
    MockApiOptions api;
};

void add_server_flags(CLI::App& app, Flags& flags) {
    app.add_option("--listen-address", flags.listen_address,
                   "host:port to serve on; port 0 picks one")
        ->capture_default_str();
    app.add_option("--tls-cert-file", flags.tls_cert_file,
                   "PEM certificate chain; HTTPS with --tls-key-file");
    app.add_option("--tls-key-file", flags.tls_key_file,
                   "PEM private key; HTTPS with --tls-cert-file");
    app.add_option("--dump-dir", flags.api.dump_dir,
                   "write each served report, its expected values and the issued tokens here");
    app.add_option("--address-file", flags.address_file,
                   "write the bound host:port here once listening");
    app.add_option("--threads", flags.threads,
                   "server threads; each delayed answer holds one while it waits")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    app.add_option("--fault", flags.faults,
                   "a fault planned from the start, as JSON like POST /mock/faults takes; may "
                   "repeat");
}

void add_centre_flags(CLI::App& app, Flags& flags) {
    app.add_option("--account-id", flags.api.account_id, "the one account served")
        ->capture_default_str();
    app.add_option("--timezone", flags.api.timezone, "the account's IANA time zone")
        ->capture_default_str();
    app.add_option("--day-start", flags.day_start, "business day boundary, HH:MM local time")
        ->capture_default_str();
    app.add_option("--agents", flags.api.agents, "number of simulated agents")
        ->capture_default_str();
    app.add_option("--seed", flags.api.seed, "seed of the simulation")->capture_default_str();
    app.add_flag("--csv-bom", flags.api.utf8_bom, "start reports with a UTF-8 byte order mark");
}

void add_token_flags(CLI::App& app, Flags& flags) {
    app.add_option("--api-token", flags.api.api_token, "token accepted as X-Auth-Token")
        ->envname("ENGAGE_VOICE_MOCK_API_TOKEN");
    app.add_option("--bearer-token", flags.api.bearer_token,
                   "token accepted as Authorization: Bearer")
        ->envname("ENGAGE_VOICE_MOCK_BEARER_TOKEN");
    auto& auth = flags.api.auth;
    app.add_option("--client-id", auth.client_id, "RingCentral client id of the JWT flow");
    app.add_option("--client-secret", auth.client_secret, "RingCentral client secret")
        ->envname("ENGAGE_VOICE_MOCK_CLIENT_SECRET");
    app.add_option("--jwt", auth.jwt, "RingCentral JWT assertion accepted")
        ->envname("ENGAGE_VOICE_MOCK_JWT");
    app.add_option("--username", auth.username, "username of the engage login");
    app.add_option("--password", auth.password, "password of the engage login")
        ->envname("ENGAGE_VOICE_MOCK_PASSWORD");
    app.add_option("--platform-id", auth.platform_id, "platform id of the engage login");
}

void add_lifetime_flags(CLI::App& app, Flags& flags) {
    app.add_option("--token-lifetime", flags.token_lifetime,
                   "lifetime of engage access tokens: 90, 90s, 5m, 1h, 1d")
        ->capture_default_str();
    app.add_option("--refresh-token-lifetime", flags.refresh_token_lifetime,
                   "lifetime of engage refresh tokens")
        ->capture_default_str();
    app.add_option("--ringcentral-token-lifetime", flags.ringcentral_token_lifetime,
                   "lifetime of RingCentral access tokens")
        ->capture_default_str();
    app.add_option("--exchange-limit", flags.api.auth.exchange_limit,
                   "exchanges and engage logins allowed per sliding minute")
        ->capture_default_str();
}

// "HH:MM" to minutes after midnight; nullopt for anything else.
std::optional<std::chrono::minutes> parse_day_start(const std::string& text) {
    auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
        return std::nullopt;
    }
    auto hours = (text[0] - '0') * 10 + (text[1] - '0');
    auto minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) {
        return std::nullopt;
    }
    return std::chrono::minutes(hours * 60 + minutes);
}

// A logfmt value in quotes, with its quotes and backslashes escaped.
std::string logfmt_quoted(const std::string& value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

void log_error(const std::string& msg, const std::string& err) {
    std::cerr << "level=error msg=" << logfmt_quoted(msg) << " err=" << logfmt_quoted(err) << "\n";
}

// Written beside the target and renamed, so that a test polling for it never reads half.
void write_address_file(const std::string& path, const std::string& address) {
    auto temporary = path + ".tmp";
    std::ofstream(temporary, std::ios::trunc) << address << "\n";
    std::filesystem::rename(temporary, path);
}

engagevoice::HttpServerOptions server_options(const Flags& flags) {
    if (flags.tls_cert_file.empty() != flags.tls_key_file.empty()) {
        throw std::invalid_argument("--tls-cert-file and --tls-key-file go together");
    }
    engagevoice::HttpServerOptions options;
    options.listen_addresses = {flags.listen_address};
    options.threads = flags.threads;
    if (!flags.tls_cert_file.empty()) {
        options.tls = engagevoice::ServerTls{flags.tls_cert_file, flags.tls_key_file};
    }
    return options;
}

// One line per request, without headers or bodies, which hold tokens.
engagevoice::RequestHandler logged(const MockApi& api) {
    return [&api](const engagevoice::ServerRequest& request) {
        auto started = std::chrono::steady_clock::now();
        auto response = api.handle(request);
        std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        auto fault = engagevoice::find_header(response.headers, "X-Mock-Fault");
        std::cerr << ("level=info msg=\"request\" method=" + request.method + " path=" +
                      logfmt_quoted(request.path()) + " status=" + std::to_string(response.status) +
                      " bytes=" + std::to_string(response.body.size()) +
                      " duration_seconds=" + std::to_string(took.count()) +
                      (fault.empty() ? "" : " fault=" + fault) + "\n");
        return response;
    };
}

// The sign-in flows whose credentials are all set, for the start line: names, never values.
std::string sign_in_flows(const engagevoice::MockAuthOptions& auth) {
    std::string flows;
    if (!auth.client_id.empty() && !auth.client_secret.empty() && !auth.jwt.empty()) {
        flows = "ringcentral_jwt";
    }
    if (!auth.username.empty() && !auth.password.empty() && !auth.platform_id.empty()) {
        flows += flows.empty() ? "engage_login" : ",engage_login";
    }
    return flows;
}

// Blocks the stop signals in this thread before any other starts, so that the server's threads
// inherit the mask and sigwait below is the one place that receives them.
sigset_t block_stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

int serve(const Flags& flags, const MockApi& api) {
    auto signals = block_stop_signals();
    engagevoice::HttpServer server(server_options(flags), logged(api));
    server.start();

    auto address = server.bound_addresses().at(0);
    if (!flags.address_file.empty()) {
        write_address_file(flags.address_file, address);
    }
    std::cerr << ("level=info msg=\"mock listening\" address=" + logfmt_quoted(address) +
                  " tls=" + (flags.tls_cert_file.empty() ? "false" : "true") +
                  " account_id=" + logfmt_quoted(api.options().account_id) +
                  " timezone=" + logfmt_quoted(api.options().timezone) +
                  " agents=" + std::to_string(api.options().agents) +
                  " sign_in=" + logfmt_quoted(sign_in_flows(api.options().auth)) + "\n");

    int received = 0;
    sigwait(&signals, &received);
    std::cerr << ("level=info msg=\"mock stopping\" signal=" +
                  std::string(received == SIGINT ? "SIGINT" : "SIGTERM") + "\n");
    api.end_delays();
    server.stop();
    return 0;
}

bool read_faults(Flags& flags) {
    flags.api.tls = !flags.tls_cert_file.empty();
    for (const auto& text : flags.faults) {
        auto parsed = engagevoice::parse_faults(text, flags.api.tls);
        if (!parsed.error.empty()) {
            log_error("invalid flag", "--fault: " + parsed.error);
            return false;
        }
        flags.api.faults.insert(flags.api.faults.end(), parsed.faults.begin(),
                                parsed.faults.end());
    }
    return true;
}

// Reads the flags that are text into their values; false after logging the first bad one.
bool read_text_flags(Flags& flags) {
    auto day_start = parse_day_start(flags.day_start);
    if (!day_start) {
        log_error("invalid flag", "--day-start must be HH:MM");
        return false;
    }
    flags.api.day_start = *day_start;

    auto& auth = flags.api.auth;
    for (auto [name, text, lifetime] : {
             std::tuple{"--token-lifetime", &flags.token_lifetime, &auth.access_token_lifetime},
             std::tuple{"--refresh-token-lifetime", &flags.refresh_token_lifetime,
                        &auth.refresh_token_lifetime},
             std::tuple{"--ringcentral-token-lifetime", &flags.ringcentral_token_lifetime,
                        &auth.ringcentral_token_lifetime},
         }) {
        auto parsed = engagevoice::parse_mock_duration(*text);
        if (!parsed) {
            log_error("invalid flag",
                      std::string(name) + " must be a duration such as 90s, 5m or 1h");
            return false;
        }
        *lifetime = *parsed;
    }
    return read_faults(flags);
}

int run(Flags flags) {
    if (!read_text_flags(flags)) {
        return 1;
    }

    try {
        MockApi api(flags.api);
        return serve(flags, api);
    } catch (const std::exception& error) {
        log_error("cannot start", error.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"engage_voice_mock: a simulated Engage Voice API for demos and tests"};
    Flags flags;
    add_server_flags(app, flags);
    add_centre_flags(app, flags);
    add_token_flags(app, flags);
    add_lifetime_flags(app, flags);
    CLI11_PARSE(app, argc, argv);
    return run(flags);
}
