#include "engagevoice/web_routes.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

namespace engagevoice {
namespace {

struct Routes {
    bool ready = false;
    std::vector<AccountSummary> accounts;
    WebRoutes routes{WebRoutesOptions{
        "/metrics",
        [] { return std::string("engagevoice_up{account_id=\"1\"} 1\n"); },
        [this] { return ready; },
        [this] { return accounts; },
    }};
};

ServerRequest request(std::string method, std::string target) {
    ServerRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    return r;
}

}  // namespace

TEST_CASE("web routes serve the metrics page in the text format", "[web]") {
    Routes r;
    const auto response = r.routes.handle(request("GET", "/metrics"));

    CHECK(response.status == 200);
    CHECK(response.content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(response.body == "engagevoice_up{account_id=\"1\"} 1\n");
}

TEST_CASE("web routes ignore the query string", "[web]") {
    Routes r;
    CHECK(r.routes.handle(request("GET", "/metrics?name[]=x")).status == 200);
}

TEST_CASE("web routes answer health at once and readiness after the first polls", "[web]") {
    Routes r;
    CHECK(r.routes.handle(request("GET", "/-/healthy")).status == 200);
    CHECK(r.routes.handle(request("GET", "/-/ready")).status == 503);

    r.ready = true;
    CHECK(r.routes.handle(request("GET", "/-/ready")).status == 200);
}

TEST_CASE("web routes refuse unknown paths and methods", "[web]") {
    Routes r;
    CHECK(r.routes.handle(request("GET", "/nope")).status == 404);

    const auto post = r.routes.handle(request("POST", "/metrics"));
    CHECK(post.status == 405);
    REQUIRE(post.headers.size() == 1);
    CHECK(post.headers[0].first == "Allow");
    CHECK(r.routes.handle(request("HEAD", "/metrics")).status == 200);
}

TEST_CASE("web routes list accounts on the landing page, escaped", "[web]") {
    Routes r;
    AccountSummary account;
    account.account_id = "15300002";
    account.timezone = "US/Eastern";
    account.finished_first_poll = true;
    account.last_error = "http: <html>bad gateway</html>";
    r.accounts.push_back(account);

    const auto response = r.routes.handle(request("GET", "/"));

    CHECK(response.status == 200);
    CHECK(response.content_type == "text/html; charset=utf-8");
    CHECK_THAT(response.body, Catch::Contains("15300002"));
    CHECK_THAT(response.body, Catch::Contains("failing"));
    CHECK_THAT(response.body, Catch::Contains("&lt;html&gt;bad gateway"));
    CHECK_THAT(response.body, !Catch::Contains("<html>bad"));
}

TEST_CASE("web routes mark an account whose agents are no longer served as stale", "[web]") {
    Routes r;
    AccountSummary account;
    account.account_id = "15300002";
    account.finished_first_poll = true;
    account.stale = true;
    r.accounts.push_back(account);

    CHECK_THAT(r.routes.handle(request("GET", "/")).body, Catch::Contains("stale"));
}

TEST_CASE("web routes turn a failing metrics source into a 500", "[web]") {
    WebRoutes routes{WebRoutesOptions{
        "/metrics", []() -> std::string { throw std::runtime_error("boom"); },
        [] { return true; }, [] { return std::vector<AccountSummary>{}; }}};

    CHECK(routes.handle(request("GET", "/metrics")).status == 500);
}

}  // namespace engagevoice
