#include "engagevoice/encoding.hpp"

#include <catch2/catch.hpp>

using namespace engagevoice;

TEST_CASE("base64 encodes with padding and decodes with or without it", "[encoding]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("client:s3cr\xC3\xA9t") == "Y2xpZW50OnMzY3LDqXQ=");

    CHECK(base64_decode("Zg==") == "f");
    CHECK(base64_decode("Zg") == "f");
    CHECK(base64_decode("Zm8") == "fo");
    CHECK(base64_decode("Zm9v") == "foo");
    CHECK(base64_decode("") == "");
}

TEST_CASE("base64 refuses characters outside its alphabet and impossible lengths",
          "[encoding]") {
    CHECK_FALSE(base64_decode("Zm9v\n"));
    CHECK_FALSE(base64_decode("Zm 9v"));
    CHECK_FALSE(base64_decode("Z"));
    CHECK_FALSE(base64_decode("Zm9v-_"));
    CHECK_FALSE(base64_decode("Z=m9"));
}

TEST_CASE("base64url round-trips every byte value without padding", "[encoding]") {
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all += static_cast<char>(i);
    }
    const auto encoded = base64url_encode(all);
    CHECK(encoded.find_first_of("+/=") == std::string::npos);
    CHECK(base64url_decode(encoded) == all);
    CHECK(base64url_encode("\xFB\xFF") == "-_8");
    CHECK_FALSE(base64url_decode("+/8"));
}

TEST_CASE("percent encoding keeps only unreserved characters", "[encoding]") {
    CHECK(percent_encode("aZ09-._~") == "aZ09-._~");
    CHECK(percent_encode("a b&c=d+e/f%") == "a%20b%26c%3Dd%2Be%2Ff%25");
    CHECK(percent_encode("\xC3\xA9") == "%C3%A9");
}

TEST_CASE("form fields encode in order and parse back", "[encoding]") {
    const FormFields fields{{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                            {"assertion", "a.b+c/d="},
                            {"empty", ""}};
    const auto body = form_encode(fields);
    CHECK(body ==
          "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&"
          "assertion=a.b%2Bc%2Fd%3D&empty=");
    CHECK(parse_form(body) == fields);
}

TEST_CASE("form parsing decodes plus signs, bare names and empty fields", "[encoding]") {
    const auto fields = parse_form("a=x+y&&flag&b=%41%62");
    REQUIRE(fields);
    CHECK(*fields == FormFields{{"a", "x y"}, {"flag", ""}, {"b", "Ab"}});
    CHECK_FALSE(parse_form("a=%G1"));
    CHECK_FALSE(parse_form("a=%4"));
    CHECK_FALSE(parse_form("a=50%"));
}
