// The simulated Engage Voice API as a plain request handler, testable without sockets.
//
// It serves the Agent Session Report of a ContactCentre on the current and the legacy paths,
// with static-token authentication, and checks each request the way the real API does. Requests
// are routed through a table with one handler per endpoint, so that sign-in endpoints and fault
// injection can be added beside the report.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "contact_centre.hpp"
#include "engagevoice/clock.hpp"
#include "engagevoice/http_server.hpp"

namespace engagevoice {

struct MockApiOptions {
    std::string account_id = "15300002";
    std::string timezone = "US/Eastern";  // the account's IANA zone
    std::chrono::minutes day_start{0};    // business day boundary, minutes after local midnight
    int agents = 50;
    std::uint64_t seed = 1;
    bool utf8_bom = false;  // start report bodies with a UTF-8 byte order mark

    // Accepted as `X-Auth-Token: <api_token>` and as `Authorization: Bearer <bearer_token>`.
    // At least one must be set; an empty one accepts nothing.
    std::string api_token;
    std::string bearer_token;

    // When set, every successful report is also written to `<dump_dir>/last_report.csv` and its
    // expected values to `<dump_dir>/last_report.expected.json`, each replaced atomically.
    std::string dump_dir;
};

class MockApi {
public:
    // Throws std::invalid_argument when no token is set, the zone is unknown or the centre's
    // options are out of range. `clock` gives "now" for the request checks; the system clock
    // when null.
    explicit MockApi(MockApiOptions options, std::shared_ptr<const Clock> clock = nullptr);

    // Answers one request. Never throws: a surprise becomes a 500 with a JSON error body.
    // Thread-safe; report dumps are serialised.
    ServerResponse handle(const ServerRequest& request) const;

    const ContactCentre& centre() const { return centre_; }
    const MockApiOptions& options() const { return options_; }

private:
    using PathParams = std::map<std::string, std::string, std::less<>>;
    using Handler = ServerResponse (MockApi::*)(const ServerRequest&, const PathParams&) const;

    struct Route {
        std::string method;
        std::vector<std::string> segments;  // "{name}" captures one path segment
        bool needs_token = true;
        Handler handler = nullptr;
    };

    ServerResponse route(const ServerRequest& request) const;
    bool authorized(const ServerRequest& request) const;
    ServerResponse report(const ServerRequest& request, const PathParams& params) const;
    void dump_report(const std::string& csv, const std::string& expected) const;

    MockApiOptions options_;
    std::shared_ptr<const Clock> clock_;
    ContactCentre centre_;
    std::vector<Route> routes_;
    mutable std::mutex dump_mutex_;
};

}  // namespace engagevoice
