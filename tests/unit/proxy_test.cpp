#include "engagevoice/proxy.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "engagevoice/encoding.hpp"

using namespace engagevoice;
using Kind = PollError::Kind;

namespace {

ProxyUrl proxy_of(const std::string& text) {
    std::string error;
    auto proxy = parse_proxy_url(text, &error);
    INFO(error);
    REQUIRE(proxy);
    return *proxy;
}

std::string refusal_of(const std::string& text) {
    std::string error;
    auto proxy = parse_proxy_url(text, &error);
    CHECK_FALSE(proxy);
    return error;
}

Url url_of(const std::string& text) {
    auto url = parse_url(text);
    REQUIRE(url);
    return *url;
}

// A getenv over a fixed table.
EnvLookup env_of(std::map<std::string, std::string> table) {
    auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(table));
    return [shared](const char* name) -> const char* {
        auto found = shared->find(name);
        return found == shared->end() ? nullptr : found->second.c_str();
    };
}

// The proxy chosen for `target`, by name, or "direct".
std::string chosen(const ProxyEnvironment& environment, const std::string& target,
                   const std::optional<ProxyUrl>& account_proxy = std::nullopt) {
    auto choice = choose_proxy(account_proxy, environment, url_of(target));
    if (!choice) {
        return "error: " + choice.error().message;
    }
    return *choice ? (*choice)->name() : "direct";
}

}  // namespace

TEST_CASE("proxy url parses host, port and credentials", "[proxy]") {
    SECTION("host and port") {
        auto proxy = proxy_of("http://proxy.example.com:3128");
        CHECK(proxy.host == "proxy.example.com");
        CHECK(proxy.port == 3128);
        CHECK_FALSE(proxy.has_credentials());
        CHECK(proxy.authorization().empty());
        CHECK(proxy.name() == "proxy proxy.example.com:3128");
    }
    SECTION("port 80 by default, a trailing slash and upper case allowed") {
        auto proxy = proxy_of("HTTP://Proxy.Example.COM/");
        CHECK(proxy.host == "proxy.example.com");
        CHECK(proxy.port == 80);
    }
    SECTION("without a scheme, as curl and Go take it") {
        auto proxy = proxy_of("10.0.0.1:8080");
        CHECK(proxy.host == "10.0.0.1");
        CHECK(proxy.port == 8080);
    }
    SECTION("an IPv6 literal") {
        auto proxy = proxy_of("http://[fd00::1]:3128");
        CHECK(proxy.host == "fd00::1");
        CHECK(proxy.name() == "proxy [fd00::1]:3128");
    }
    SECTION("credentials, percent-decoded, with a plus kept") {
        auto proxy = proxy_of("http://us%40er:p%3Ass+w@rd@proxy:3128");
        CHECK(proxy.username == "us@er");
        CHECK(proxy.password == "p:ss+w@rd");
        CHECK(proxy.host == "proxy");
        CHECK(proxy.name() == "proxy proxy:3128");
        CHECK(proxy.authorization() == "Basic " + base64_encode("us@er:p:ss+w@rd"));
    }
    SECTION("a user without a password") {
        auto proxy = proxy_of("http://alice@proxy:3128");
        CHECK(proxy.username == "alice");
        CHECK(proxy.password.empty());
        CHECK(proxy.authorization() == "Basic YWxpY2U6");
    }
}

TEST_CASE("proxy url refuses other schemes and shapes without repeating the text", "[proxy]") {
    CHECK(refusal_of("https://user:hunter2@proxy:3128") ==
          "https proxies are not supported; give the proxy as http://");
    CHECK(refusal_of("socks5://user:hunter2@proxy:1080") == "scheme must be http");
    CHECK(refusal_of("http://user:hunter2@proxy:3128/path") ==
          "a proxy URL has no path, query or fragment");
    CHECK(refusal_of("http://user:hunter2@proxy:3128?x=1") ==
          "a proxy URL has no path, query or fragment");
    CHECK(refusal_of("http://user:hun/ter2@proxy:3128") ==
          "a '/', '?' or '#' in the user name or password must be percent-encoded (%2F, %3F, "
          "%23)");
    CHECK(refusal_of("http://user:hun#ter2@proxy:3128") ==
          "a '/', '?' or '#' in the user name or password must be percent-encoded (%2F, %3F, "
          "%23)");
    CHECK(refusal_of("http://user:hun%zzter2@proxy:3128") ==
          "the user name or password has a malformed percent escape");
    CHECK(refusal_of("http://user:hunter2@proxy:99999") == "port must be a number from 1 to 65535");
    CHECK(refusal_of("http://user:hunter2@") == "host is missing");
    CHECK(refusal_of("") == "host is missing");
    CHECK(refusal_of("http://prox y:3128") == "host contains characters that are not allowed");
}

TEST_CASE("no_proxy matches names and the names under them", "[proxy]") {
    NoProxy list("Example.com, .corp.example.org *.internal");

    CHECK(list.matches("example.com", 443));
    CHECK(list.matches("api.example.com", 443));
    CHECK(list.matches("API.EXAMPLE.COM", 443));
    CHECK(list.matches("corp.example.org", 443));
    CHECK(list.matches("a.b.corp.example.org", 80));
    CHECK(list.matches("db.internal", 5432));
    CHECK_FALSE(list.matches("notexample.com", 443));
    CHECK_FALSE(list.matches("example.com.evil.net", 443));
    CHECK_FALSE(list.matches("example.org", 443));
    CHECK_FALSE(list.matches("ringcx.ringcentral.com", 443));
}

TEST_CASE("no_proxy entries with a port match that port only", "[proxy]") {
    NoProxy list("example.com:8443,10.0.0.1:80,[fd00::1]:443");

    CHECK(list.matches("api.example.com", 8443));
    CHECK_FALSE(list.matches("api.example.com", 443));
    CHECK(list.matches("10.0.0.1", 80));
    CHECK_FALSE(list.matches("10.0.0.1", 443));
    CHECK(list.matches("fd00::1", 443));
    CHECK_FALSE(list.matches("fd00::1", 80));
}

TEST_CASE("no_proxy matches addresses and ranges of both families", "[proxy]") {
    NoProxy list("192.168.1.7 10.0.0.0/8, 172.16.0.0/12, ::1, fd00::/8, [2001:db8::5]");

    CHECK(list.matches("192.168.1.7", 443));
    CHECK_FALSE(list.matches("192.168.1.8", 443));
    CHECK(list.matches("10.200.3.4", 443));
    CHECK(list.matches("172.31.255.255", 443));
    CHECK_FALSE(list.matches("172.32.0.1", 443));
    CHECK(list.matches("::1", 443));
    CHECK(list.matches("fdab:cd::1", 443));
    CHECK_FALSE(list.matches("fe80::1", 443));
    CHECK(list.matches("2001:db8::5", 443));
    CHECK(list.matches("::ffff:10.1.1.1", 443));
    CHECK_FALSE(list.matches("11.0.0.1", 443));
}

TEST_CASE("no_proxy does not exempt localhost unless it is listed", "[proxy]") {
    NoProxy empty("");
    CHECK(empty.empty());
    CHECK_FALSE(empty.matches("localhost", 443));
    CHECK_FALSE(empty.matches("127.0.0.1", 443));
    CHECK_FALSE(empty.matches("::1", 443));

    NoProxy names("localhost");
    CHECK(names.matches("localhost", 443));
    CHECK_FALSE(names.matches("127.0.0.1", 443));
}

TEST_CASE("no_proxy star matches everything and malformed entries are ignored", "[proxy]") {
    CHECK(NoProxy("*").matches("ringcx.ringcentral.com", 443));
    CHECK(NoProxy("example.com, *").matches("10.1.1.1", 443));

    NoProxy malformed("example.com:http, :80, [::1, 10.0.0.0/99, 1.2.3.4/x, ,,");
    CHECK(malformed.empty());
    CHECK_FALSE(malformed.matches("example.com", 80));
    CHECK_FALSE(malformed.matches("10.1.1.1", 443));
}

TEST_CASE("proxy environment prefers the upper-case variables", "[proxy]") {
    auto environment = proxy_environment_from(env_of({
        {"HTTPS_PROXY", "http://upper:3128"},
        {"https_proxy", "http://lower:3128"},
        {"http_proxy", "http://plain:8080"},
        {"NO_PROXY", "example.com"},
        {"no_proxy", "ringcentral.com"},
    }));

    CHECK(environment.https_proxy.name == "HTTPS_PROXY");
    REQUIRE(environment.https_proxy.proxy);
    CHECK(environment.https_proxy.proxy->host == "upper");
    CHECK(environment.http_proxy.name == "http_proxy");
    REQUIRE(environment.http_proxy.proxy);
    CHECK(environment.http_proxy.proxy->port == 8080);
    CHECK(environment.no_proxy.matches("example.com", 443));
    CHECK_FALSE(environment.no_proxy.matches("ringcentral.com", 443));
}

TEST_CASE("proxy environment takes an empty variable as unset", "[proxy]") {
    auto environment = proxy_environment_from(
        env_of({{"HTTPS_PROXY", ""}, {"https_proxy", "http://lower:3128"}, {"NO_PROXY", ""}}));

    CHECK(environment.https_proxy.name == "https_proxy");
    CHECK(environment.http_proxy.name.empty());
    CHECK_FALSE(environment.http_proxy.proxy);
    CHECK(environment.no_proxy.empty());
    CHECK(proxy_environment_from(nullptr).https_proxy.name.empty());
}

TEST_CASE("proxy choice follows the target's scheme and no_proxy", "[proxy]") {
    auto environment = proxy_environment_from(env_of({
        {"HTTPS_PROXY", "http://user:hunter2@secure:3128"},
        {"HTTP_PROXY", "http://plain:8080"},
        {"NO_PROXY", "internal.example.com,10.0.0.0/8"},
    }));

    CHECK(chosen(environment, "https://ringcx.ringcentral.com/voice/api/v1") ==
          "proxy secure:3128");
    CHECK(chosen(environment, "http://127.0.0.1:8080/voice") == "proxy plain:8080");
    CHECK(chosen(environment, "https://api.internal.example.com") == "direct");
    CHECK(chosen(environment, "https://10.1.2.3:8443") == "direct");
    CHECK(chosen(ProxyEnvironment{}, "https://ringcx.ringcentral.com") == "direct");

    auto only_https = proxy_environment_from(env_of({{"HTTPS_PROXY", "http://secure:3128"}}));
    CHECK(chosen(only_https, "http://127.0.0.1:8080/") == "direct");
}

TEST_CASE("proxy choice gives the account's proxy for every request", "[proxy]") {
    auto environment = proxy_environment_from(env_of({
        {"HTTPS_PROXY", "http://secure:3128"},
        {"NO_PROXY", "*"},
    }));
    auto account = proxy_of("http://account-proxy:3128");

    CHECK(chosen(environment, "https://ringcx.ringcentral.com", account) ==
          "proxy account-proxy:3128");
    CHECK(chosen(environment, "http://127.0.0.1:8080/", account) == "proxy account-proxy:3128");
    CHECK(chosen(environment, "https://ringcx.ringcentral.com") == "direct");
}

TEST_CASE("proxy choice fails naming a variable that does not parse, not its value", "[proxy]") {
    auto environment = proxy_environment_from(env_of({
        {"https_proxy", "https://user:hunter2@proxy:3128"},
        {"NO_PROXY", "localhost"},
    }));
    CHECK(environment.https_proxy.name == "https_proxy");
    CHECK_FALSE(environment.https_proxy.proxy);

    auto choice = choose_proxy(std::nullopt, environment, url_of("https://ringcx.example.com"));

    REQUIRE_FALSE(choice);
    CHECK(choice.error().kind == Kind::Network);
    CHECK(choice.error().message ==
          "https_proxy is not a valid proxy URL: "
          "https proxies are not supported; give the proxy as http://");
    CHECK(chosen(environment, "https://localhost:8443") == "direct");
}

TEST_CASE("account proxy secret is read and parsed at each call", "[proxy]") {
    char path[] = "/tmp/engagevoice_proxy_test_XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    auto write = [&path](const std::string& text) { std::ofstream(path) << text << "\n"; };
    auto secret = Secret::from_file(path);

    write("http://user:hunter2@first:3128");
    auto first = resolve_account_proxy(secret);
    REQUIRE(first);
    REQUIRE(*first);
    CHECK((*first)->name() == "proxy first:3128");
    CHECK((*first)->password == "hunter2");

    write("http://second:3128");
    auto second = resolve_account_proxy(secret);
    REQUIRE(second);
    REQUIRE(*second);
    CHECK((*second)->name() == "proxy second:3128");

    write("ftp://user:hunter2@third");
    auto broken = resolve_account_proxy(secret);
    REQUIRE_FALSE(broken);
    CHECK(broken.error().kind == Kind::Network);
    CHECK(broken.error().message == "proxy_url (file " + std::string(path) +
                                        ") is not a valid proxy URL: scheme must be http");

    std::remove(path);
    auto missing = resolve_account_proxy(secret);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message ==
          "proxy_url: cannot read file " + std::string(path) + ": No such file or directory");
}

TEST_CASE("account without a proxy secret has no proxy", "[proxy]") {
    auto none = resolve_account_proxy(Secret());
    REQUIRE(none);
    CHECK_FALSE(*none);
}
