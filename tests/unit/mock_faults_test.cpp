#include "mock_faults.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "engagevoice/http_server.hpp"
#include "engagevoice/https_client.hpp"
#include "fake_clock.hpp"
#include "mock_api.hpp"
#include "mock_connection.hpp"

using engagevoice::ConnectionControl;
using engagevoice::Fault;
using engagevoice::FaultKind;
using engagevoice::FaultPlan;
using engagevoice::FaultTarget;
using engagevoice::MockApi;
using engagevoice::MockApiOptions;
using engagevoice::parse_faults;
using engagevoice::ServerRequest;
using engagevoice::ServerResponse;
using engagevoice::TruncateCut;
using engagevoice::testing::FakeClock;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kApiToken = "aws80:test-api-token-9";
constexpr const char* kReportPath = "/voice/api/v1/admin/accounts/15300002/reportsStreaming";

// Records what the mock asks of the connection instead of touching a socket.
class RecordingConnections final : public ConnectionControl {
public:
    bool cut_off(const std::string& remote, std::string_view raw) override {
        std::lock_guard lock(mutex_);
        remotes.push_back(remote);
        raws.emplace_back(raw);
        return found;
    }

    bool found = true;
    std::vector<std::string> remotes;
    std::vector<std::string> raws;

private:
    std::mutex mutex_;
};

// 2026-11-16 13:00 in New York.
std::shared_ptr<FakeClock> clock_at_one_pm() {
    return std::make_shared<FakeClock>(date::sys_days(date::year(2026) / 11 / 16) + 18h);
}

MockApiOptions api_options() {
    MockApiOptions options;
    options.agents = 30;
    options.seed = 3;
    options.api_token = kApiToken;
    options.auth.username = "admin";
    options.auth.password = "test-password-7";
    options.auth.platform_id = "c01";
    return options;
}

std::string report_body() {
    return json{{"reportType", "CASPER_REPORT"},
                {"reportTypeName", "Agent_Session_Report_Raw"},
                {"reportCriteria",
                 {{"startTimestamp", "2026-11-16 00:00:00"},
                  {"endTimestamp", "2026-11-16 12:30:00"},
                  {"timezoneName", "US/Eastern"},
                  {"criteriaType", "CASPER_CRITERIA"},
                  {"reportName", "Agent_Session_Report_Raw"},
                  {"returnType", "CSV"}}}}
        .dump();
}

ServerRequest report_request() {
    ServerRequest request;
    request.method = "POST";
    request.target = kReportPath;
    request.headers = {{"Content-Type", "application/json;charset=UTF-8"},
                       {"X-Auth-Token", kApiToken}};
    request.body = report_body();
    request.remote_address = "127.0.0.1:40001";
    return request;
}

ServerRequest admin_login() {
    ServerRequest request;
    request.method = "POST";
    request.target = "/api/auth/login/admin?username=admin&password=test-password-7&platformId=c01";
    return request;
}

ServerRequest mock_request(const std::string& method, const std::string& body = "") {
    ServerRequest request;
    request.method = method;
    request.target = "/mock/faults";
    request.body = body;
    return request;
}

// Plans `faults` (JSON) on `api` and checks that it took them.
void plan(const MockApi& api, const std::string& faults) {
    auto response = api.handle(mock_request("POST", faults));
    INFO(response.body);
    REQUIRE(response.status == 200);
}

Fault parse_one(const std::string& text) {
    auto parsed = parse_faults(text, false);
    INFO(parsed.error);
    REQUIRE(parsed.error.empty());
    REQUIRE(parsed.faults.size() == 1);
    return parsed.faults[0];
}

Fault fault_of(FaultKind kind, FaultTarget target, std::optional<int> count) {
    Fault fault;
    fault.kind = kind;
    fault.target = target;
    fault.count = count;
    return fault;
}

std::size_t commas(std::string_view line) {
    return static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
}

}  // namespace

TEST_CASE("faults read from json take their defaults and keep their keys", "[mock_faults]") {
    SECTION("a status with a json body, a count and retry-after") {
        auto fault = parse_one(
            R"({"kind":"status","status":503,"body":{"e":1},"retry_after":25,"count":2})");
        CHECK(fault.kind == FaultKind::Status);
        CHECK(fault.target == FaultTarget::Report);
        CHECK(fault.count == 2);
        CHECK(fault.status == 503);
        CHECK(fault.body == R"({"e":1})");
        CHECK(fault.content_type == "application/json;charset=UTF-8");
        CHECK(fault.retry_after == 25s);
    }
    SECTION("a status with a plain body, until cleared, on the sign-in endpoints") {
        auto fault = parse_one(R"({"kind":"status","status":500,"body":"oops","target":"auth"})");
        CHECK(fault.target == FaultTarget::Auth);
        CHECK_FALSE(fault.count);
        CHECK(fault.body == "oops");
        CHECK(fault.content_type == "text/plain;charset=UTF-8");
        CHECK_FALSE(fault.retry_after);
    }
    SECTION("defaults of html, rate limits, delays and cuts") {
        CHECK(parse_one(R"({"kind":"html"})").status == 502);
        CHECK(parse_one(R"({"kind":"html","status":200})").status == 200);
        CHECK(parse_one(R"({"kind":"rate_limited"})").retry_after == 20s);
        CHECK(parse_one(R"({"kind":"rate_limited","retry_after":0})").retry_after == 0s);
        CHECK(parse_one(R"({"kind":"delay","seconds":1.5})").delay == 1500ms);
        CHECK(parse_one(R"({"kind":"truncate"})").cut == TruncateCut::Row);
        CHECK(parse_one(R"({"kind":"truncate","cut":"content_length"})").cut ==
              TruncateCut::ContentLength);
    }
    SECTION("a list, in order") {
        auto parsed = parse_faults(R"([{"kind":"reset"},{"kind":"empty","count":1}])", false);
        REQUIRE(parsed.error.empty());
        REQUIRE(parsed.faults.size() == 2);
        CHECK(parsed.faults[0].kind == FaultKind::Reset);
        CHECK(parsed.faults[1].kind == FaultKind::Empty);
        CHECK(parse_faults("[]", false).faults.empty());
    }
}

TEST_CASE("faults refuse unknown kinds, keys of another kind and values out of range",
          "[mock_faults]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"not json", "the body is not valid JSON"},
        {"42", "fault 1: must be an object"},
        {R"({"kind":"boom"})", "fault 1: kind must be one of status, delay"},
        {R"({})", "fault 1: kind must be one of"},
        {R"({"kind":"status"})", "fault 1: status is required"},
        {R"({"kind":"status","status":99})", "fault 1: status must be a whole number from 200"},
        {R"({"kind":"status","status":"503"})", "status must be a whole number"},
        {R"({"kind":"status","status":500,"body":7})", "body must be a string"},
        {R"({"kind":"delay"})", "seconds must be a number above 0"},
        {R"({"kind":"delay","seconds":0})", "seconds must be a number above 0"},
        {R"({"kind":"delay","seconds":3601})", "at most 3600"},
        {R"({"kind":"delay","seconds":1,"status":500})", "key status does not apply to kind delay"},
        {R"({"kind":"reset","retry_after":3})", "key retry_after does not apply to kind reset"},
        {R"({"kind":"reset","count":0})", "count must be a whole number from 1"},
        {R"({"kind":"reset","target":"stats"})", "target must be \"report\" or \"auth\""},
        {R"({"kind":"truncate","cut":"half"})", "cut must be \"row\" or \"content_length\""},
        {R"({"kind":"rate_limited","retry_after":-1})", "retry_after must be a whole number"},
        {R"([{"kind":"reset"},{"kind":"nope"}])", "fault 2: kind must be"},
    };
    for (const auto& [text, error] : cases) {
        CAPTURE(text);
        auto parsed = parse_faults(text, false);
        CHECK_THAT(parsed.error, Catch::StartsWith(error) || Catch::Contains(error));
        CHECK(parsed.faults.empty());
    }
}

TEST_CASE("a content length cut needs the mock on plain http", "[mock_faults]") {
    const std::string text = R"({"kind":"truncate","cut":"content_length"})";
    CHECK(parse_faults(text, true).error ==
          "fault 1: cut \"content_length\" needs the mock on plain http");
    CHECK(parse_faults(R"({"kind":"truncate"})", true).error.empty());

    auto options = api_options();
    options.tls = true;
    options.faults = parse_faults(text, false).faults;
    CHECK_THROWS_AS(MockApi(options, clock_at_one_pm()), std::invalid_argument);
}

TEST_CASE("the fault plan applies faults in order, each for its count, per target",
          "[mock_faults]") {
    FaultPlan plan;
    plan.set({fault_of(FaultKind::Reset, FaultTarget::Report, 1),
              fault_of(FaultKind::Empty, FaultTarget::Auth, 1),
              fault_of(FaultKind::Garbage, FaultTarget::Report, 2)});

    CHECK(plan.take(FaultTarget::Report)->kind == FaultKind::Reset);
    CHECK(plan.take(FaultTarget::Report)->kind == FaultKind::Garbage);
    CHECK(plan.take(FaultTarget::Report)->kind == FaultKind::Garbage);
    CHECK_FALSE(plan.take(FaultTarget::Report));
    CHECK(plan.take(FaultTarget::Auth)->kind == FaultKind::Empty);
    CHECK_FALSE(plan.take(FaultTarget::Auth));
    CHECK(plan.injected() == 4);

    auto shown = json::parse(plan.json());
    CHECK(shown["faults"].empty());
    CHECK(shown["injected"]["report"] == 3);
    CHECK(shown["injected"]["auth"] == 1);
}

TEST_CASE("a fault without a count lasts until the plan is replaced", "[mock_faults]") {
    FaultPlan plan;
    plan.set({fault_of(FaultKind::Html, FaultTarget::Report, std::nullopt),
              fault_of(FaultKind::Empty, FaultTarget::Report, 1)});
    for (int i = 0; i < 5; ++i) {
        CHECK(plan.take(FaultTarget::Report)->kind == FaultKind::Html);
    }
    CHECK(json::parse(plan.json())["faults"].size() == 2);

    plan.set({});
    CHECK_FALSE(plan.take(FaultTarget::Report));
    CHECK(json::parse(plan.json())["faults"].empty());
}

TEST_CASE("the fault plan keeps the times of the latest report requests", "[mock_faults]") {
    FaultPlan plan;
    const auto start = date::sys_days(date::year(2026) / 11 / 16);
    for (int i = 0; i < 60; ++i) {
        plan.note_report_request(start + std::chrono::seconds(i));
    }
    auto times = json::parse(plan.json())["report_request_times"];
    REQUIRE(times.size() == 50);
    const double first = std::chrono::duration<double>(start.time_since_epoch()).count() + 10;
    CHECK(times.front().get<double>() == Approx(first));
    CHECK(times.back().get<double>() == Approx(first + 49));
}

TEST_CASE("a delay ends early when the plan changes or the mock stops", "[mock_faults]") {
    FaultPlan plan;
    auto waiting = std::async(std::launch::async, [&] { plan.wait(600s); });
    CHECK(waiting.wait_for(50ms) == std::future_status::timeout);

    plan.set({});
    REQUIRE(waiting.wait_for(60s) == std::future_status::ready);

    plan.shut_down();
    auto after_stop = std::async(std::launch::async, [&] { plan.wait(600s); });
    CHECK(after_stop.wait_for(60s) == std::future_status::ready);
}

TEST_CASE("cut in line ends a csv in the middle of its middle row", "[mock_faults]") {
    std::string csv = "Agent ID,Last Name,Team\r\n";
    for (int i = 0; i < 9; ++i) {
        csv += "300000" + std::to_string(i) + ",Name " + std::to_string(i) + ",Sales\r\n";
    }

    const auto cut = engagevoice::cut_in_line(csv);

    REQUIRE(cut.size() < csv.size());
    CHECK(csv.rfind(cut, 0) == 0);
    const auto last_line = std::string_view(cut).substr(cut.rfind('\n') + 1);
    CHECK_FALSE(last_line.empty());
    CHECK(commas(last_line) < 2);
    CHECK(cut.back() != '\n');
    CHECK(cut.back() != '\r');

    SECTION("short and odd bodies") {
        CHECK(engagevoice::cut_in_line("").empty());
        CHECK(engagevoice::cut_in_line("a").empty());
        CHECK(engagevoice::cut_in_line("abcdef") == "abc");
        CHECK(engagevoice::cut_in_line("abcd\r\n") == "ab");
        CHECK(engagevoice::cut_in_line("ab\r\n\r\n\r\n") == "a");
    }
}

TEST_CASE("a short raw response promises the whole body and sends half", "[mock_faults]") {
    ServerResponse response;
    response.content_type = "text/csv;charset=UTF-8";
    response.headers = {{"X-Extra", "1"}};
    response.body = "0123456789";

    const auto raw = engagevoice::short_raw_response(response, 5);

    CHECK(raw ==
          "HTTP/1.1 200 OK\r\nContent-Type: text/csv;charset=UTF-8\r\nX-Extra: 1\r\n"
          "Content-Length: 10\r\nConnection: close\r\n\r\n01234");
}

TEST_CASE("mock api answers a report request with each fault that replaces the answer",
          "[mock_faults]") {
    MockApi api(api_options(), clock_at_one_pm());
    auto answer = [&](const std::string& fault) {
        plan(api, fault);
        return api.handle(report_request());
    };
    auto header = [](const ServerResponse& response, const std::string& name) {
        return engagevoice::find_header(response.headers, name);
    };

    SECTION("a status with the engage error body") {
        auto response = answer(R"({"kind":"status","status":500})");
        CHECK(response.status == 500);
        CHECK(json::parse(response.body)["errors"][0]["errorCode"] == "INTERNAL_ERROR");
        CHECK(header(response, "X-Mock-Fault") == "status");
    }
    SECTION("a 503 with retry-after and a json body of the caller's") {
        auto response =
            answer(R"({"kind":"status","status":503,"retry_after":25,"body":{"down":true}})");
        CHECK(response.status == 503);
        CHECK(response.body == R"({"down":true})");
        CHECK(header(response, "Retry-After") == "25");
    }
    SECTION("a 200 with a json error") {
        auto response = answer(R"({"kind":"status","status":200,"body":{"errors":[]}})");
        CHECK(response.status == 200);
        CHECK(response.content_type == "application/json;charset=UTF-8");
    }
    SECTION("an empty body") {
        auto response = answer(R"({"kind":"empty"})");
        CHECK(response.status == 200);
        CHECK(response.body.empty());
        CHECK(response.content_type.rfind("text/csv", 0) == 0);
    }
    SECTION("html pages of a proxy") {
        for (int status : {200, 502, 503, 504}) {
            CAPTURE(status);
            auto response =
                answer(R"({"kind":"html","status":)" + std::to_string(status) + "}");
            CHECK(response.status == status);
            CHECK(response.content_type == "text/html");
            CHECK(response.body.find("<html") != std::string::npos);
        }
        CHECK_THAT(answer(R"({"kind":"html"})").body, Catch::Contains("502 Bad Gateway"));
        CHECK_THAT(answer(R"({"kind":"html","status":504})").body,
                   Catch::Contains("504 Gateway Time-out"));
    }
    SECTION("garbage") {
        auto response = answer(R"({"kind":"garbage"})");
        CHECK(response.status == 200);
        CHECK(response.body.size() > 1000);
        CHECK(response.body.rfind(std::string("\x1f\x8b\x08\x00", 4), 0) == 0);
        CHECK(response.body == answer(R"({"kind":"garbage"})").body);
    }
    SECTION("an expired token") {
        auto response = answer(R"({"kind":"expired_token"})");
        CHECK(response.status == 401);
        CHECK(response.body == "Jwt is expired");
        CHECK(response.content_type.rfind("text/plain", 0) == 0);
        CHECK(header(response, "WWW-Authenticate") == "Bearer");
    }
    SECTION("a rate limit") {
        auto response = answer(R"({"kind":"rate_limited","retry_after":30})");
        CHECK(response.status == 429);
        CHECK(header(response, "Retry-After") == "30");
        CHECK(json::parse(response.body)["errors"][0]["errorCode"] == "TOO_MANY_REQUESTS");
    }
}

TEST_CASE("mock api applies a fault to the next requests only and counts it", "[mock_faults]") {
    MockApi api(api_options(), clock_at_one_pm());
    plan(api, R"({"kind":"status","status":502,"count":2})");

    CHECK(api.handle(report_request()).status == 502);
    CHECK(api.handle(report_request()).status == 502);
    auto third = api.handle(report_request());
    CHECK(third.status == 200);
    CHECK(engagevoice::find_header(third.headers, "X-Mock-Fault").empty());

    auto stats = api.stats();
    CHECK(stats.faults_injected == 2);
    CHECK(stats.report_requests == 3);
    auto shown = json::parse(api.handle(mock_request("GET")).body);
    CHECK(shown["injected"]["report"] == 2);
    CHECK(shown["report_request_times"].size() == 3);
}

TEST_CASE("mock api cuts the report in the middle of a row and keeps it out of the dump",
          "[mock_faults]") {
    auto dir = std::filesystem::temp_directory_path() / "engagevoice_mock_faults_test_dump";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto options = api_options();
    options.dump_dir = dir.string();
    MockApi api(options, clock_at_one_pm());
    const auto whole = api.handle(report_request()).body;

    plan(api, R"({"kind":"truncate","count":1})");
    std::filesystem::remove(dir / "last_report.csv");
    auto response = api.handle(report_request());

    CHECK(response.status == 200);
    REQUIRE(response.body.size() < whole.size());
    CHECK(whole.rfind(response.body, 0) == 0);
    const auto last_line = std::string_view(response.body).substr(response.body.rfind('\n') + 1);
    CHECK(commas(last_line) < 38);
    CHECK_FALSE(std::filesystem::exists(dir / "last_report.csv"));

    SECTION("an answer other than 200 goes whole") {
        plan(api, R"({"kind":"truncate","count":1})");
        auto refused = report_request();
        refused.headers.pop_back();
        auto answer = api.handle(refused);
        CHECK(answer.status == 401);
        CHECK(answer.body == "Invalid token");
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("mock api holds a delayed answer without holding up other requests",
          "[mock_faults]") {
    MockApi api(api_options(), clock_at_one_pm());
    plan(api, R"({"kind":"delay","seconds":600,"count":1})");

    auto delayed = std::async(std::launch::async, [&] { return api.handle(report_request()); });
    CHECK(delayed.wait_for(50ms) == std::future_status::timeout);

    ServerRequest stats;
    stats.method = "GET";
    stats.target = "/mock/stats";
    CHECK(api.handle(stats).status == 200);
    CHECK(api.handle(admin_login()).status == 200);
    CHECK(delayed.wait_for(0ms) == std::future_status::timeout);

    plan(api, "[]");
    REQUIRE(delayed.wait_for(60s) == std::future_status::ready);
    auto response = delayed.get();
    CHECK(response.status == 200);
    CHECK(engagevoice::find_header(response.headers, "X-Mock-Fault") == "delay");
    CHECK(response.body.rfind("Agent ID,", 0) == 0);
}

TEST_CASE("mock api resets a connection or cuts its content length on the request's socket",
          "[mock_faults]") {
    auto connections = std::make_shared<RecordingConnections>();
    auto options = api_options();
    options.connections = connections;
    MockApi api(options, clock_at_one_pm());
    const auto whole = api.handle(report_request()).body;

    SECTION("a reset") {
        plan(api, R"({"kind":"reset","count":1})");
        auto response = api.handle(report_request());
        REQUIRE(connections->remotes.size() == 1);
        CHECK(connections->remotes[0] == "127.0.0.1:40001");
        CHECK(connections->raws[0].empty());
        CHECK(engagevoice::find_header(response.headers, "X-Mock-Fault") == "reset");
    }
    SECTION("a content length larger than the body sent") {
        plan(api, R"({"kind":"truncate","cut":"content_length","count":1})");
        (void)api.handle(report_request());
        REQUIRE(connections->raws.size() == 1);
        const auto& raw = connections->raws[0];
        CHECK(raw.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
        CHECK_THAT(raw, Catch::Contains("Content-Length: " + std::to_string(whole.size())));
        const auto body = raw.substr(raw.find("\r\n\r\n") + 4);
        CHECK(body == whole.substr(0, whole.size() / 2));
    }
    SECTION("a connection that cannot be found") {
        connections->found = false;
        plan(api, R"({"kind":"reset","count":1})");
        auto response = api.handle(report_request());
        CHECK(response.status == 500);
        CHECK_THAT(response.body, Catch::Contains("could not find the connection"));
    }
}

TEST_CASE("mock api applies auth faults to the sign-in endpoints only", "[mock_faults]") {
    MockApi api(api_options(), clock_at_one_pm());
    plan(api, R"([{"kind":"status","status":503,"target":"auth","count":1},
                  {"kind":"html","target":"report","count":1}])");

    CHECK(api.handle(admin_login()).status == 503);
    CHECK(api.handle(admin_login()).status == 200);
    CHECK(api.handle(report_request()).status == 502);
    CHECK(api.handle(report_request()).status == 200);
    CHECK(api.stats().admin_logins == 1);
    CHECK(api.stats().faults_injected == 2);
}

TEST_CASE("mock api sets, shows and clears faults at /mock/faults", "[mock_faults]") {
    MockApi api(api_options(), clock_at_one_pm());

    auto refused = api.handle(mock_request("POST", R"({"kind":"status"})"));
    CHECK(refused.status == 400);
    CHECK(json::parse(refused.body)["errors"][0]["developerMessage"] ==
          "fault 1: status is required");

    auto set = api.handle(mock_request("POST", R"({"kind":"rate_limited","count":3})"));
    REQUIRE(set.status == 200);
    auto shown = json::parse(api.handle(mock_request("GET")).body)["faults"];
    REQUIRE(shown.size() == 1);
    CHECK(shown[0] == json{{"kind", "rate_limited"},
                           {"target", "report"},
                           {"count", 3},
                           {"retry_after", 20}});

    CHECK(api.handle(mock_request("DELETE")).status == 200);
    CHECK(json::parse(api.handle(mock_request("GET")).body)["faults"].empty());
    CHECK(api.handle(report_request()).status == 200);

    plan(api, R"({"kind":"reset"})");
    plan(api, "[]");
    CHECK(json::parse(api.handle(mock_request("GET")).body)["faults"].empty());
    CHECK(api.handle(mock_request("PUT")).status == 405);
}

TEST_CASE("mock api plans the faults it was started with", "[mock_faults]") {
    auto options = api_options();
    options.faults = parse_faults(R"({"kind":"expired_token","count":1})", false).faults;
    MockApi api(options, clock_at_one_pm());

    CHECK(api.handle(report_request()).body == "Jwt is expired");
    CHECK(api.handle(report_request()).status == 200);
}

namespace {

// Threads to spare for a delayed answer.
engagevoice::HttpServerOptions server_options() {
    engagevoice::HttpServerOptions options;
    options.listen_addresses = {"127.0.0.1:0"};
    options.threads = 4;
    return options;
}

// The mock on a real socket, answering plain HTTP on 127.0.0.1.
struct ServedMock {
    ServedMock()
        : api(api_options(), clock_at_one_pm()),
          server(server_options(),
                 [this](const ServerRequest& request) { return api.handle(request); }) {
        server.start();
    }
    ~ServedMock() {
        api.end_delays();
        server.stop();
    }

    engagevoice::HttpRequest request(const std::string& path) const {
        engagevoice::HttpRequest out;
        out.url = *engagevoice::parse_url("http://" + server.bound_addresses().at(0) + path);
        return out;
    }

    engagevoice::HttpRequest report() const {
        auto out = request(kReportPath);
        out.method = "POST";
        out.headers = {{"Content-Type", "application/json"}, {"X-Auth-Token", kApiToken}};
        out.body = report_body();
        return out;
    }

    MockApi api;
    engagevoice::HttpServer server;
};

engagevoice::HttpsClientOptions plain_http() {
    engagevoice::HttpsClientOptions options;
    options.allow_plain_http = true;
    return options;
}

std::chrono::steady_clock::time_point in_seconds(int seconds) {
    return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

}  // namespace

TEST_CASE("a client sees a reset and a short content length on a real socket as network errors",
          "[mock_faults][socket]") {
    ServedMock mock;
    engagevoice::HttpsClient client(plain_http());
    REQUIRE(client.send(mock.report(), in_seconds(20))->status == 200);

    SECTION("a reset") {
        plan(mock.api, R"({"kind":"reset","count":1})");
        auto response = client.send(mock.report(), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == engagevoice::PollError::Kind::Network);
        CHECK_THAT(response.error().message, Catch::StartsWith("reading the response from"));
    }
    SECTION("a content length larger than the body") {
        plan(mock.api, R"({"kind":"truncate","cut":"content_length","count":1})");
        auto response = client.send(mock.report(), in_seconds(20));
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == engagevoice::PollError::Kind::Network);
        CHECK_THAT(response.error().message, Catch::Contains("partial message"));
    }
    SECTION("a row cut short arrives whole as far as http can tell") {
        plan(mock.api, R"({"kind":"truncate","count":1})");
        auto response = client.send(mock.report(), in_seconds(20));
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(response->body.back() != '\n');
    }
    CHECK(client.send(mock.report(), in_seconds(20))->status == 200);
}

TEST_CASE("a client gives up on a delayed answer while the mock answers others",
          "[mock_faults][socket]") {
    ServedMock mock;
    plan(mock.api, R"({"kind":"delay","seconds":600})");
    engagevoice::HttpsClient client(plain_http());

    auto delayed = client.send(mock.report(), std::chrono::steady_clock::now() + 500ms);
    REQUIRE_FALSE(delayed);
    CHECK(delayed.error().kind == engagevoice::PollError::Kind::Timeout);

    engagevoice::HttpsClient other(plain_http());
    auto stats = other.send(mock.request("/mock/stats"), in_seconds(20));
    REQUIRE(stats);
    CHECK(stats->status == 200);
    CHECK(json::parse(stats->body)["faults_injected"] == 1);
}
