#include "engagevoice/web_routes.hpp"

#include <ctime>
#include <exception>

#include "engagevoice/version.hpp"

namespace engagevoice {
namespace {

ServerResponse text(int status, std::string body) {
    ServerResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

ServerResponse method_not_allowed(const char* allow) {
    ServerResponse response = text(405, "Method Not Allowed\n");
    response.headers.emplace_back("Allow", allow);
    return response;
}

std::string escape_html(const std::string& in) {
    std::string out;
    out.reserve(in.size());
    for (char c : in) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string format_time(std::optional<std::chrono::system_clock::time_point> time) {
    if (!time) {
        return "never";
    }
    std::time_t t = std::chrono::system_clock::to_time_t(*time);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

std::string account_state(const AccountSummary& account) {
    if (!account.finished_first_poll) {
        return "first poll running";
    }
    if (account.stale) {
        return "stale: agents no longer served";
    }
    return account.last_poll_ok ? "ok" : "failing";
}

std::string auth_state(const AuthStatus& auth) {
    if (!auth.signs_in) {
        return auth.mode;
    }
    std::string state = auth.mode + ": ";
    state += auth.token_expiry ? "token valid until " + format_time(auth.token_expiry)
                               : std::string("not signed in");
    if (auth.last_sign_in) {
        state += ", signed in " + format_time(auth.last_sign_in);
    }
    if (!auth.last_error.empty()) {
        state += "; failing: " + auth.last_error;
    }
    return state;
}

// A stale account's agents are no longer on /metrics: the page must not suggest they are.
std::string agents_cell(const AccountSummary& account) {
    const std::string agents = std::to_string(account.agents);
    return account.stale ? "none served (" + agents + " at the last success)" : agents;
}

std::string account_row(const AccountSummary& account) {
    std::string row = "<tr><td>" + escape_html(account.account_id) + "</td><td>" +
                      escape_html(account.timezone) + "</td><td>" + account_state(account) +
                      "</td><td>" + format_time(account.last_success) + "</td><td>" +
                      agents_cell(account) + "</td><td>" +
                      escape_html(auth_state(account.auth)) + "</td><td>" +
                      escape_html(account.last_error) + "</td></tr>\n";
    return row;
}

bool is_read(const ServerRequest& request) {
    return request.method == "GET" || request.method == "HEAD";
}

}  // namespace

WebRoutes::WebRoutes(WebRoutesOptions options) : options_(std::move(options)) {}

ServerResponse WebRoutes::handle(const ServerRequest& request) const {
    const std::string path = request.path();
    if (path == "/-/reload" && options_.reload) {
        if (request.method != "POST" && request.method != "PUT") {
            return method_not_allowed("POST, PUT");
        }
        return reload();
    }
    const bool known = path == "/" || path == options_.telemetry_path || path == "/-/healthy" ||
                       path == "/-/ready";
    if (!known) {
        return text(404, "Not Found\n");
    }
    if (!is_read(request)) {
        return method_not_allowed("GET, HEAD");
    }

    try {
        if (path == options_.telemetry_path) {
            return metrics();
        }
        if (path == "/-/healthy") {
            return text(200, "Healthy\n");
        }
        if (path == "/-/ready") {
            return ready();
        }
        return landing_page();
    } catch (const std::exception&) {
        return text(500, "Internal Server Error\n");
    }
}

ServerResponse WebRoutes::metrics() const {
    ServerResponse response = text(200, options_.render_metrics());
    response.content_type = kMetricsContentType;
    return response;
}

ServerResponse WebRoutes::reload() const {
    try {
        const auto error = options_.reload();
        if (error) {
            // The message names the file and the key, never a secret value.
            return text(500, "failed to reload the configuration: " + *error + "\n");
        }
        return text(200, "configuration reloaded\n");
    } catch (const std::exception&) {
        return text(500, "Internal Server Error\n");
    }
}

ServerResponse WebRoutes::ready() const {
    if (options_.ready()) {
        return text(200, "Ready\n");
    }
    return text(503, "Not ready: waiting for the first poll of every account\n");
}

ServerResponse WebRoutes::landing_page() const {
    const BuildInfo& info = build_info();
    std::string body =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        "<title>Engage Voice Exporter</title></head>\n<body>\n"
        "<h1>Engage Voice Exporter</h1>\n<p>Version " +
        escape_html(info.version) + " (revision " + escape_html(info.revision) + ")</p>\n" +
        "<p><a href=\"" + escape_html(options_.telemetry_path) + "\">Metrics</a> &middot; " +
        "<a href=\"/-/healthy\">Health</a> &middot; <a href=\"/-/ready\">Readiness</a></p>\n" +
        "<h2>Accounts</h2>\n<table border=\"1\" cellpadding=\"4\">\n" +
        "<tr><th>Account</th><th>Time zone</th><th>State</th><th>Last success (UTC)</th>"
        "<th>Agents</th><th>Authentication</th><th>Last error</th></tr>\n";
    for (const AccountSummary& account : options_.accounts()) {
        body += account_row(account);
    }
    body += "</table>\n</body></html>\n";

    ServerResponse response = text(200, std::move(body));
    response.content_type = "text/html; charset=utf-8";
    return response;
}

}  // namespace engagevoice
