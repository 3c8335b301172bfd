#include "engagevoice/secret.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>

namespace ev = engagevoice;
namespace fs = std::filesystem;

namespace {

const std::string kValue = "s3cr3t-t0ken-value";

fs::path write_temp_file(const std::string& name, const std::string& contents) {
    fs::path path = fs::temp_directory_path() / ("engagevoice_secret_test_" + name);
    std::ofstream(path, std::ios::binary) << contents;
    return path;
}

std::string printed(const ev::Secret& secret) {
    std::ostringstream out;
    out << secret;
    return out.str();
}

}  // namespace

TEST_CASE("secret resolves an inline value", "[secret]") {
    auto secret = ev::Secret::from_inline(kValue);

    CHECK(secret.source() == ev::Secret::Source::Inline);
    CHECK(secret.resolve() == kValue);
    CHECK(secret.describe() == "inline");
}

TEST_CASE("secret reads a file and strips trailing line breaks", "[secret]") {
    auto path = write_temp_file("crlf", kValue + "\r\n\n");
    auto secret = ev::Secret::from_file(path.string());

    CHECK(secret.resolve() == kValue);
    CHECK(secret.describe() == "file " + path.string());
    fs::remove(path);
}

TEST_CASE("secret keeps line breaks inside a file's value", "[secret]") {
    auto path = write_temp_file("inner", "line one\nline two\n");

    CHECK(ev::Secret::from_file(path.string()).resolve() == "line one\nline two");
    fs::remove(path);
}

TEST_CASE("secret re-reads its file on every resolve", "[secret]") {
    auto path = write_temp_file("rotate", "first\n");
    auto secret = ev::Secret::from_file(path.string());
    REQUIRE(secret.resolve() == "first");

    write_temp_file("rotate", "second\n");
    CHECK(secret.resolve() == "second");
    fs::remove(path);
}

TEST_CASE("secret reports a missing or empty file without a value", "[secret]") {
    std::string error;

    SECTION("missing") {
        auto secret = ev::Secret::from_file("/nonexistent/engagevoice/token");
        CHECK_FALSE(secret.resolve(&error).has_value());
        CHECK(error ==
              "cannot read file /nonexistent/engagevoice/token: "
              "No such file or directory");
    }
    SECTION("only a newline") {
        auto path = write_temp_file("empty", "\n");
        CHECK_FALSE(ev::Secret::from_file(path.string()).resolve(&error).has_value());
        CHECK(error == "file " + path.string() + " is empty");
        fs::remove(path);
    }
}

TEST_CASE("secret refuses anything but a regular file", "[secret]") {
    std::string error;

    SECTION("a directory") {
        auto dir = fs::temp_directory_path();
        CHECK_FALSE(ev::Secret::from_file(dir.string()).resolve(&error).has_value());
        CHECK(error == "file " + dir.string() + " is not a regular file");
    }
    SECTION("a device that never ends") {
        CHECK_FALSE(ev::Secret::from_file("/dev/zero").resolve(&error).has_value());
        CHECK(error == "file /dev/zero is not a regular file");
    }
    SECTION("a FIFO without a writer, without waiting for one") {
        auto path = fs::temp_directory_path() / "engagevoice_secret_test_fifo";
        fs::remove(path);
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
        CHECK_FALSE(ev::Secret::from_file(path.string()).resolve(&error).has_value());
        CHECK(error == "file " + path.string() + " is not a regular file");
        fs::remove(path);
    }
}

TEST_CASE("secret refuses a file larger than 64 KiB", "[secret]") {
    std::string error;

    SECTION("exactly 64 KiB is read") {
        auto path = write_temp_file("at_limit", std::string(64 * 1024, 'k'));
        auto value = ev::Secret::from_file(path.string()).resolve(&error);
        REQUIRE(value.has_value());
        CHECK(value->size() == 64 * 1024);
        fs::remove(path);
    }
    SECTION("one byte more is refused") {
        auto path = write_temp_file("over_limit", std::string(64 * 1024 + 1, 'k'));
        CHECK_FALSE(ev::Secret::from_file(path.string()).resolve(&error).has_value());
        CHECK(error == "file " + path.string() + " is larger than 64 KiB");
        fs::remove(path);
    }
}

TEST_CASE("secret reads an environment variable", "[secret]") {
    auto secret = ev::Secret::from_env("ENGAGEVOICE_SECRET_TEST");
    std::string error;

    SECTION("set") {
        ::setenv("ENGAGEVOICE_SECRET_TEST", kValue.c_str(), 1);
        CHECK(secret.resolve(&error) == kValue);
        CHECK(secret.describe() == "env ENGAGEVOICE_SECRET_TEST");
    }
    SECTION("unset") {
        ::unsetenv("ENGAGEVOICE_SECRET_TEST");
        CHECK_FALSE(secret.resolve(&error).has_value());
        CHECK(error == "environment variable ENGAGEVOICE_SECRET_TEST is not set");
    }
    SECTION("empty") {
        ::setenv("ENGAGEVOICE_SECRET_TEST", "", 1);
        CHECK_FALSE(secret.resolve(&error).has_value());
        CHECK(error == "environment variable ENGAGEVOICE_SECRET_TEST is empty");
    }
    ::unsetenv("ENGAGEVOICE_SECRET_TEST");
}

TEST_CASE("secret without a source does not resolve", "[secret]") {
    ev::Secret secret;
    std::string error;

    CHECK(secret.empty());
    CHECK_FALSE(secret.resolve(&error).has_value());
    CHECK(error == "no value is configured");
}

TEST_CASE("secret never prints its value", "[secret]") {
    ::setenv("ENGAGEVOICE_SECRET_TEST", kValue.c_str(), 1);
    auto path = write_temp_file("print", kValue);

    for (const auto& secret : {ev::Secret::from_inline(kValue), ev::Secret::from_file(path),
                               ev::Secret::from_env("ENGAGEVOICE_SECRET_TEST")}) {
        CHECK(printed(secret) == "<secret>");
        CHECK(secret.describe().find(kValue) == std::string::npos);
    }
    ::unsetenv("ENGAGEVOICE_SECRET_TEST");
    fs::remove(path);
}
