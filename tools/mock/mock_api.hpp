// The simulated Engage Voice API as a plain request handler, testable without sockets.
//
// It serves the Agent Session Report of a ContactCentre on the current and the legacy paths, the
// sign-in endpoints of MockAuth, and its own counters, and checks each request the way the real
// API does. Requests are routed through a table with one handler per endpoint. Faults planned
// with POST /mock/faults (see mock_faults.hpp) take the place of the answers they apply to.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "contact_centre.hpp"
#include "engagevoice/clock.hpp"
#include "engagevoice/http_server.hpp"
#include "mock_auth.hpp"
#include "mock_connection.hpp"
#include "mock_faults.hpp"

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

    // Faults planned from the start, as POST /mock/faults would set them.
    std::vector<Fault> faults;
    // Served over TLS: a Content-Length cut, which writes raw bytes, is refused then.
    bool tls = false;
    // Reaches the socket of a request for the reset and Content-Length faults; a
    // SocketConnections when null.
    std::shared_ptr<ConnectionControl> connections;
};

class MockApi {
public:
    // Throws std::invalid_argument when neither a token nor a sign-in flow is set, the zone is
    // unknown, or the centre's or the sign-in options are out of range, or a planned fault is a
    // Content-Length cut over TLS. `clock` gives "now" for
    // the request checks and token expiry; the system clock when null.
    explicit MockApi(MockApiOptions options, std::shared_ptr<const Clock> clock = nullptr);

    // Answers one request. Never throws: a surprise becomes a 500 with a JSON error body.
    // Thread-safe; report dumps and the sign-in state are serialised. A delay fault holds the
    // call, and only it, until the delay passes, a new plan is set or end_delays() is called.
    ServerResponse handle(const ServerRequest& request) const;

    // What the mock saw so far, as GET /mock/stats shows it. Thread-safe.
    MockStats stats() const;

    // Ends the delays of faults under way, and any later ones at once, so that a server can stop
    // without waiting them out. Thread-safe.
    void end_delays() const;

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
        std::optional<FaultTarget> fault_target;  // the faults that apply to it, if any
    };

    enum class Access { Granted, Refused, Expired };

    void add_routes();
    ServerResponse route(const ServerRequest& request) const;
    ServerResponse answer(const Route& route, const ServerRequest& request,
                          const PathParams& params, bool dump) const;
    ServerResponse inject(const Fault& fault, const Route& route, const ServerRequest& request,
                          const PathParams& params) const;
    ServerResponse truncated(const Fault& fault, ServerResponse whole,
                             const ServerRequest& request) const;
    ServerResponse cut_off(const ServerRequest& request, const std::string& raw) const;
    Access access(const ServerRequest& request) const;
    ServerResponse refuse(Access access) const;
    ServerResponse report(const ServerRequest& request, const PathParams& params) const;
    ServerResponse serve_report(const ServerRequest& request, const PathParams& params,
                                bool dump) const;
    ServerResponse ringcentral_token(const ServerRequest& request, const PathParams&) const;
    ServerResponse exchange(const ServerRequest& request, const PathParams&) const;
    ServerResponse admin_login(const ServerRequest& request, const PathParams&) const;
    ServerResponse refresh(const ServerRequest& request, const PathParams&) const;
    ServerResponse stats_page(const ServerRequest& request, const PathParams&) const;
    ServerResponse faults_page(const ServerRequest& request, const PathParams&) const;
    ServerResponse set_faults(const ServerRequest& request, const PathParams&) const;
    ServerResponse clear_faults(const ServerRequest& request, const PathParams&) const;
    void dump_report(const std::string& csv, const std::string& expected) const;

    MockApiOptions options_;
    std::shared_ptr<const Clock> clock_;
    ContactCentre centre_;
    std::vector<Route> routes_;
    mutable std::mutex dump_mutex_;
    // Thread-safe on its own; mutable because signing in changes it, as answering must.
    mutable MockAuth auth_;
    // Thread-safe on its own; mutable because requests use up and change the plan.
    mutable FaultPlan faults_;
    std::shared_ptr<ConnectionControl> connections_;
    mutable std::atomic<std::uint64_t> report_requests_{0};
    mutable std::atomic<std::uint64_t> report_unauthorized_{0};
    mutable std::atomic<std::uint64_t> expired_token_rejections_{0};
};

}  // namespace engagevoice
