#include "engagevoice/url.hpp"

#include <catch2/catch.hpp>

#include <string>

using engagevoice::parse_url;

namespace {

// The reason parse_url gives for `text`, or "parsed" when it accepts it.
std::string rejection(const std::string& text) {
    std::string error;
    auto url = parse_url(text, &error);
    return url ? "parsed" : error;
}

}  // namespace

TEST_CASE("url parser splits an https url into its parts", "[url]") {
    auto url = parse_url("https://ringcx.ringcentral.com/voice/api/v1");

    REQUIRE(url);
    CHECK(url->scheme == "https");
    CHECK(url->host == "ringcx.ringcentral.com");
    CHECK(url->port == 443);
    CHECK(url->path == "/voice/api/v1");
}

TEST_CASE("url parser gives each scheme its default port", "[url]") {
    CHECK(parse_url("http://localhost")->port == 80);
    CHECK(parse_url("https://localhost")->port == 443);
    CHECK(parse_url("http://localhost:8080/x")->port == 8080);
}

TEST_CASE("url parser lowercases scheme and host but not the path", "[url]") {
    auto url = parse_url("HTTPS://Platform.RingCentral.COM:8443/Api/V1");

    REQUIRE(url);
    CHECK(url->scheme == "https");
    CHECK(url->host == "platform.ringcentral.com");
    CHECK(url->port == 8443);
    CHECK(url->path == "/Api/V1");
}

TEST_CASE("url parser keeps an empty or root path as given", "[url]") {
    CHECK(parse_url("https://example.com")->path.empty());
    CHECK(parse_url("https://example.com/")->path == "/");
    CHECK(parse_url("https://example.com/a/")->path == "/a/");
}

TEST_CASE("url parser reads ipv6 hosts in brackets", "[url]") {
    SECTION("with a port") {
        auto url = parse_url("http://[::1]:9847/metrics");
        REQUIRE(url);
        CHECK(url->host == "::1");
        CHECK(url->port == 9847);
        CHECK(url->path == "/metrics");
    }
    SECTION("without a port") {
        auto url = parse_url("https://[2001:DB8::1]");
        REQUIRE(url);
        CHECK(url->host == "2001:db8::1");
        CHECK(url->port == 443);
    }
}

TEST_CASE("url parser rejects credentials, queries and fragments", "[url]") {
    CHECK(rejection("https://user:pass@example.com/x") == "credentials in the URL are not allowed");
    CHECK(rejection("https://example.com/x?token=abc") == "query strings are not allowed");
    CHECK(rejection("https://example.com?x=1") == "query strings are not allowed");
    CHECK(rejection("https://example.com/x#top") == "fragments are not allowed");
}

TEST_CASE("url parser reasons do not repeat the url", "[url]") {
    std::string error;
    CHECK_FALSE(parse_url("https://alice:s3cret@example.com/", &error));
    CHECK(error.find("s3cret") == std::string::npos);
    CHECK(error.find("alice") == std::string::npos);
}

TEST_CASE("url parser rejects malformed urls with a reason", "[url]") {
    CHECK(rejection("example.com/x") == "not an absolute URL (expected http:// or https://)");
    CHECK(rejection("ftp://example.com") == "scheme must be http or https");
    CHECK(rejection("https://") == "host is missing");
    CHECK(rejection("https:///path") == "host is missing");
    CHECK(rejection("https://:443/") == "host is missing");
    CHECK(rejection("https://example.com:/") == "port must be a number from 1 to 65535");
    CHECK(rejection("https://[::1]:/") == "port must be a number from 1 to 65535");
    CHECK(rejection("https://[]/") == "host is not a valid IPv6 address");
    CHECK(rejection("https://example.com:0") == "port must be a number from 1 to 65535");
    CHECK(rejection("https://example.com:65536") == "port must be a number from 1 to 65535");
    CHECK(rejection("https://example.com:44x") == "port must be a number from 1 to 65535");
    CHECK(rejection("https://exa mple.com") == "host contains characters that are not allowed");
    CHECK(rejection("https://[::1") == "IPv6 address is missing its closing bracket");
    CHECK(rejection("https://[not-v6]:80") == "host is not a valid IPv6 address");
    CHECK(rejection("https://[::1]x") == "unexpected text after the IPv6 address");
    CHECK(rejection("https://example.com/a b") == "path contains spaces or control characters");
}

TEST_CASE("url parser works without an error out-parameter", "[url]") {
    CHECK_FALSE(parse_url("nonsense"));
    CHECK(parse_url("http://127.0.0.1:1/"));
}

TEST_CASE("url to_string omits the default port and brackets ipv6 hosts", "[url]") {
    CHECK(parse_url("HTTPS://Example.com:443/a")->to_string() == "https://example.com/a");
    CHECK(parse_url("http://example.com:8080")->to_string() == "http://example.com:8080");
    CHECK(parse_url("http://[::1]:9847/metrics")->to_string() == "http://[::1]:9847/metrics");
    CHECK(parse_url("https://[::1]/")->to_string() == "https://[::1]/");
}
