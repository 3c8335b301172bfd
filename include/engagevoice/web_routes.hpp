// The exporter's HTTP endpoints as a plain request handler: /, the telemetry path,
// /-/healthy, /-/ready and /-/reload.
//
// WebRoutes decides what each path answers; it knows nothing of sockets, so every answer can be
// tested without a server.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engagevoice/auth_status.hpp"
#include "engagevoice/http_server.hpp"

namespace engagevoice {

// What the landing page shows of one account.
struct AccountSummary {
    std::string account_id;
    std::string timezone;
    bool finished_first_poll = false;
    bool last_poll_ok = false;
    // True once the last success is older than poll.max_staleness: its agents are no longer
    // served.
    bool stale = false;
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::string last_error;
    std::size_t agents = 0;
    AuthStatus auth;
};

struct WebRoutesOptions {
    std::string telemetry_path = "/metrics";
    // The metrics page in the text format; called once per scrape.
    std::function<std::string()> render_metrics;
    // True once every account has finished its first poll.
    std::function<bool()> ready;
    // The accounts for the landing page.
    std::function<std::vector<AccountSummary>()> accounts;
    // Re-reads the configuration: nullopt when the new one runs, else why it was refused (the
    // old one then keeps running). Unset: /-/reload answers 404.
    std::function<std::optional<std::string>()> reload;
};

class WebRoutes {
public:
    explicit WebRoutes(WebRoutesOptions options);

    // Answers one request. GET and HEAD on known paths, POST or PUT on /-/reload; 405 with an
    // Allow header for other methods there, 404 elsewhere. Never throws.
    ServerResponse handle(const ServerRequest& request) const;

private:
    ServerResponse landing_page() const;
    ServerResponse metrics() const;
    ServerResponse ready() const;
    ServerResponse reload() const;

    WebRoutesOptions options_;
};

// The content type of the text exposition format.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace engagevoice
