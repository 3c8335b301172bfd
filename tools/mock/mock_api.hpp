// The simulated Engage Voice API as a plain request handler, testable without sockets.
//
// It serves the Agent Session Report of a ContactCentre on the current and the legacy paths, the
// sign-in endpoints of MockAuth, and its own counters, and checks each request the way the real
// API does. Requests are routed through a table with one handler per endpoint.
#pragma once

#include <atomic>
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
#include "mock_auth.hpp"

namespace engagevoice {

struct MockApiOptions {
    std::string account_id = "15300002";
    std::string timezone = "US/Eastern";  // the account's IANA zone
    std::chrono::minutes day_start{0};    // business day boundary, minutes after local midnight
    int agents = 50;
    std::uint64_t seed = 1;
    bool utf8_bom = false;  // start report bodies with a UTF-8 byte order mark

    // Accepted as `X-Auth-Token: <api_token>` and as `Authorization: Bearer <bearer_token>`; an
    // empty one accepts nothing. The report also accepts `Authorization: Bearer` with a current
    // engage access token from a sign-in. A token or a sign-in flow must be set.
    std::string api_token;
    std::string bearer_token;
    MockAuthOptions auth;

    // When set, every successful report is also written to `<dump_dir>/last_report.csv` and its
    // expected values to `<dump_dir>/last_report.expected.json`, each replaced atomically, and
    // every token issued is appended to `<dump_dir>/issued_tokens.txt`.
    std::string dump_dir;
};

class MockApi {
public:
    // Throws std::invalid_argument when neither a token nor a sign-in flow is set, the zone is
    // unknown, or the centre's or the sign-in options are out of range. `clock` gives "now" for
    // the request checks and token expiry; the system clock when null.
    explicit MockApi(MockApiOptions options, std::shared_ptr<const Clock> clock = nullptr);

    // Answers one request. Never throws: a surprise becomes a 500 with a JSON error body.
    // Thread-safe; report dumps and the sign-in state are serialised.
    ServerResponse handle(const ServerRequest& request) const;

    // What the mock saw so far, as GET /mock/stats shows it. Thread-safe.
    MockStats stats() const;

    const ContactCentre& centre() const { return centre_; }
    const MockApiOptions& options() const { return options_; }

private:
    using PathParams = std::map<std::string, std::string, std::less<>>;
    using Handler = ServerResponse (MockApi::*)(const ServerRequest&, const PathParams&) const;

    struct Route {
        std::string method;
        std::vector<std::string> segments;  // "{name}" captures one path segment
        bool needs_token = true;            // a report endpoint: counted, and 401 without a token
        Handler handler = nullptr;
    };

    enum class Access { Granted, Refused, Expired };

    void add_routes();
    ServerResponse route(const ServerRequest& request) const;
    Access access(const ServerRequest& request) const;
    ServerResponse refuse(Access access) const;
    ServerResponse report(const ServerRequest& request, const PathParams& params) const;
    ServerResponse ringcentral_token(const ServerRequest& request, const PathParams&) const;
    ServerResponse exchange(const ServerRequest& request, const PathParams&) const;
    ServerResponse admin_login(const ServerRequest& request, const PathParams&) const;
    ServerResponse refresh(const ServerRequest& request, const PathParams&) const;
    ServerResponse stats_page(const ServerRequest& request, const PathParams&) const;
    void dump_report(const std::string& csv, const std::string& expected) const;

    MockApiOptions options_;
    std::shared_ptr<const Clock> clock_;
    ContactCentre centre_;
    std::vector<Route> routes_;
    mutable std::mutex dump_mutex_;
    // Thread-safe on its own; mutable because signing in changes it, as answering must.
    mutable MockAuth auth_;
    mutable std::atomic<std::uint64_t> report_requests_{0};
    mutable std::atomic<std::uint64_t> report_unauthorized_{0};
    mutable std::atomic<std::uint64_t> expired_token_rejections_{0};
};

}  // namespace engagevoice
