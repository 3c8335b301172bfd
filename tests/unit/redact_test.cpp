#include "engagevoice/redact.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace engagevoice {
namespace {

bool has(const std::vector<std::string>& forms, const std::string& form) {
    return std::find(forms.begin(), forms.end(), form) != forms.end();
}

}  // namespace

TEST_CASE("a secret's forms cover the encodings an upstream may echo it in", "[redact]") {
    const auto forms = secret_forms("PW zq&x=%2B/(1)");

    CHECK(forms.front() == "PW zq&x=%2B/(1)");
    CHECK(has(forms, "PW%20zq%26x%3D%252B%2F%281%29"));
    CHECK(has(forms, "PW%20zq%26x%3d%252B%2f%281%29"));
    CHECK(has(forms, "PW+zq%26x%3D%252B%2F%281%29"));
    CHECK(has(forms, "PW+zq%26x%3d%252B%2f%281%29"));
    CHECK(has(forms, "PW%20zq%26x%3D%252B%2F(1)"));
    CHECK(has(forms, "PW zq&x=%2B\\/(1)"));
    CHECK(std::count(forms.begin(), forms.end(), forms.front()) == 1);

    CHECK(secret_forms("plain-token") == std::vector<std::string>{"plain-token"});
    CHECK(has(secret_forms(R"(a"b\c)"), R"(a\"b\\c)"));
}

TEST_CASE("an excerpt blanks a secret in every form it comes back in", "[redact]") {
    const std::string password = "PWSECRET zq83&x=%2B";
    const std::string excerpt = safe_excerpt(
        "raw=PWSECRET zq83&x=%2B form=PWSECRET+zq83%26x%3D%252B "
        "lower=PWSECRET%20zq83%26x%3d%252B json=\"PWSECRET zq83&x=%2B\"",
        {password});

    CHECK(excerpt == "raw=<secret> form=<secret> lower=<secret> json=\"<secret>\"");
}

TEST_CASE("a short secret is blanked where it stands alone, not inside words", "[redact]") {
    CHECK(safe_excerpt("password=Qz5!x (Qz5%21x) rejected", {"Qz5!x"}) ==
          "password=<secret> (<secret>) rejected");
    CHECK(safe_excerpt("admin logged in as admin2 by sysadmin", {"admin"}) ==
          "<secret> logged in as admin2 by sysadmin");
    CHECK(safe_excerpt("no secret here", {""}) == "no secret here");
}

TEST_CASE("a secret inside a longer one leaves nothing of the longer one", "[redact]") {
    CHECK(safe_excerpt("sent Basic dXNlcjpwYXNzd29yZA== and dXNlcjpw",
                       {"dXNlcjpw", "dXNlcjpwYXNzd29yZA=="}) ==
          "sent Basic <secret> and <secret>");
}

TEST_CASE("a secret at the end of the searched part of a large body is not shown in part",
          "[redact]") {
    const std::string secret = "the-secret-token-value";
    // White space collapses to nothing, so the excerpt reaches the searched part's end.
    for (std::size_t offset = 0; offset < secret.size() + 2; ++offset) {
        std::string body(64 * 1024 - offset, ' ');
        body += secret;
        body += std::string(100000, 'z');
        const std::string excerpt = safe_excerpt(body, {secret});
        INFO("offset " << offset << ": " << excerpt);
        CHECK(excerpt.find("the-secret") == std::string::npos);
        CHECK(excerpt.find("-value") == std::string::npos);
        CHECK(excerpt.size() < 200);
    }
}

}  // namespace engagevoice
