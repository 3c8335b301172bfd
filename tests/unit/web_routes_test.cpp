#include "engagevoice/web_routes.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

namespace engagevoice {
namespace {

struct Routes {
    bool ready = false;
    std::vector<AccountSummary> accounts;
    int reloads = 0;
    std::optional<std::string> reload_error;
    WebRoutes routes{WebRoutesOptions{
        "/metrics",
        [] { return std::string("engagevoice_up{account_id=\"1\"} 1\n"); },
        [this] { return ready; },
        [this] { return accounts; },
        [this] {
            ++reloads;
            return reload_error;
        },
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

    const auto remove = r.routes.handle(request("DELETE", "/metrics"));
    CHECK(remove.status == 405);
    CHECK(remove.headers == engagevoice::HeaderList{{"Allow", "GET, HEAD"}});
    CHECK(r.routes.handle(request("OPTIONS", "/")).headers ==
          engagevoice::HeaderList{{"Allow", "GET, HEAD"}});
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
    account.agents = 39;
    r.accounts.push_back(account);

    const std::string page = r.routes.handle(request("GET", "/")).body;
    CHECK_THAT(page, Catch::Contains("stale"));
    CHECK_THAT(page, Catch::Contains("<td>none served (39 at the last success)</td>"));
}

TEST_CASE("web routes take a target in absolute form", "[web]") {
    Routes r;
    CHECK(r.routes.handle(request("GET", "http://127.0.0.1:9847/metrics")).status == 200);
    CHECK(r.routes.handle(request("GET", "HTTP://exporter/-/healthy?x=1")).status == 200);
    CHECK(r.routes.handle(request("GET", "http://exporter")).status == 200);  // the landing page
    CHECK(r.routes.handle(request("GET", "http://exporter/nope")).status == 404);
}

TEST_CASE("web routes turn a failing metrics source into a 500", "[web]") {
    WebRoutes routes{WebRoutesOptions{
        "/metrics", []() -> std::string { throw std::runtime_error("boom"); },
        [] { return true; }, [] { return std::vector<AccountSummary>{}; }, nullptr}};

    CHECK(routes.handle(request("GET", "/metrics")).status == 500);
}

TEST_CASE("web routes reload the configuration on POST or PUT to /-/reload", "[web]") {
    Routes r;

    const auto post = r.routes.handle(request("POST", "/-/reload"));
    CHECK(post.status == 200);
    CHECK(post.body == "configuration reloaded\n");
    CHECK(r.routes.handle(request("PUT", "/-/reload")).status == 200);
    CHECK(r.reloads == 2);

    const auto get = r.routes.handle(request("GET", "/-/reload"));
    CHECK(get.status == 405);
    CHECK(get.headers == HeaderList{{"Allow", "POST, PUT"}});
    CHECK(r.reloads == 2);
}

TEST_CASE("web routes report a refused reload with its reason", "[web]") {
    Routes r;
    r.reload_error = "e.yml: poll.interval: must be at least 15s, got 10s";

    const auto response = r.routes.handle(request("POST", "/-/reload"));

    CHECK(response.status == 500);
    CHECK(response.body ==
          "failed to reload the configuration: e.yml: poll.interval: must be at least 15s, "
          "got 10s\n");
}

TEST_CASE("web routes know no /-/reload without a reload function", "[web]") {
    WebRoutesOptions options;
    options.render_metrics = [] { return std::string(); };
    options.ready = [] { return true; };
    options.accounts = [] { return std::vector<AccountSummary>{}; };
    WebRoutes routes(options);

    CHECK(routes.handle(request("POST", "/-/reload")).status == 404);
}

TEST_CASE("web routes show each account's sign-in state on the landing page", "[web]") {
    Routes r;
    AccountSummary jwt;
    jwt.account_id = "1";
    jwt.auth.mode = "ringcentral_jwt";
    jwt.auth.signs_in = true;
    jwt.auth.token_expiry = std::chrono::system_clock::from_time_t(1'790'000'300);
    jwt.auth.last_error = "auth: Engage token refresh refused (401): <x>";
    AccountSummary api;
    api.account_id = "2";
    api.auth.mode = "api_token";
    r.accounts = {jwt, api};

    const auto body = r.routes.handle(request("GET", "/")).body;

    CHECK_THAT(body, Catch::Contains("<td>ringcentral_jwt: token valid until "
                                     "2026-09-21T14:18:20Z; failing: auth: Engage token refresh "
                                     "refused (401): &lt;x&gt;</td>"));
    CHECK_THAT(body, Catch::Contains("<td>api_token</td>"));
}

}  // namespace engagevoice
