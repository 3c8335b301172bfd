#include "engagevoice/logging.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

namespace ev = engagevoice;
using namespace std::chrono_literals;

namespace {

std::chrono::system_clock::time_point fixed_time() {
    using namespace date;
    return sys_days{2026_y / December / 3} + 16h + 5min + 42s + 123ms + 999us;
}

std::string logfmt(std::string_view msg, std::initializer_list<ev::LogField> fields) {
    return ev::format_log_line(fixed_time(), ev::LogLevel::Info, ev::LogFormat::Logfmt, msg,
                               fields);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

}  // namespace

TEST_CASE("logfmt line has time, level, message and fields in order", "[logging]") {
    auto line = logfmt("poll finished", {{"account_id", "15300002"},
                                         {"duration_seconds", std::chrono::milliseconds(120)}});

    CHECK(line ==
          "ts=2026-12-03T16:05:42.123Z level=info msg=\"poll finished\" account_id=15300002 "
          "duration_seconds=0.120");
}

TEST_CASE("json line has the same fields with numbers and booleans bare", "[logging]") {
    auto line =
        ev::format_log_line(fixed_time(), ev::LogLevel::Warn, ev::LogFormat::Json, "poll failed",
                            {{"account_id", "15300002"},
                             {"rows", std::size_t{42}},
                             {"ratio", 0.5},
                             {"ok", false},
                             {"duration_seconds", std::chrono::milliseconds(30004)}});

    CHECK(line == R"({"ts":"2026-12-03T16:05:42.123Z","level":"warn","msg":"poll failed",)"
                  R"("account_id":"15300002","rows":42,"ratio":0.5,"ok":false,)"
                  R"("duration_seconds":30.004})");
}

TEST_CASE("json line escapes text and survives bytes that are not utf-8", "[logging]") {
    auto line = ev::format_log_line(fixed_time(), ev::LogLevel::Error, ev::LogFormat::Json,
                                    "bad \"file\"", {{"path", "/tmp/a\xff\nb"}});
    auto parsed = nlohmann::json::parse(line);

    CHECK(parsed["msg"] == "bad \"file\"");
    CHECK(parsed["path"] == "/tmp/a\xef\xbf\xbd\nb");
    CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("logfmt quotes and escapes values that need it", "[logging]") {
    SECTION("plain words stay bare") {
        CHECK(logfmt("started", {{"path", "/metrics"}}) ==
              "ts=2026-12-03T16:05:42.123Z level=info msg=started path=/metrics");
    }
    SECTION("empty values are quoted") {
        CHECK(logfmt("x", {{"team", ""}}).ends_with(" team=\"\""));
    }
    SECTION("spaces, equals signs and quotes are quoted") {
        CHECK(logfmt("x", {{"err", "a b"}}).ends_with(" err=\"a b\""));
        CHECK(logfmt("x", {{"err", "a=b"}}).ends_with(" err=\"a=b\""));
        CHECK(logfmt("x", {{"err", "say \"hi\""}}).ends_with(R"( err="say \"hi\"")"));
    }
    SECTION("backslashes are escaped inside quotes") {
        CHECK(logfmt("x", {{"err", "C:\\a b"}}).ends_with(R"( err="C:\\a b")"));
    }
    SECTION("line breaks never end the line") {
        auto line = logfmt("x", {{"err", "one\ntwo\r\tthree"}});
        CHECK(line.ends_with(R"( err="one\ntwo\r\tthree")"));
        CHECK(line.find('\n') == std::string::npos);
    }
}

TEST_CASE("log fields format numbers and durations", "[logging]") {
    CHECK(ev::LogField("n", -7).value == "-7");
    CHECK(ev::LogField("n", std::int64_t{15300002}).value == "15300002");
    CHECK(ev::LogField("n", 0.25).value == "0.25");
    CHECK(ev::LogField("d", std::chrono::nanoseconds(1'999'999)).value == "0.001");
    CHECK(ev::LogField("d", std::chrono::seconds(-2)).value == "-2.000");
    CHECK(ev::LogField("d", 1h).value == "3600.000");
    CHECK_FALSE(ev::LogField("n", std::numeric_limits<double>::infinity()).is_literal);
    CHECK_FALSE(ev::LogField("s", "12").is_literal);
    CHECK(ev::LogField("b", true).value == "true");
    CHECK(ev::LogField("b", false).is_literal);
    CHECK_FALSE(ev::LogField("s", "true").is_literal);
}

TEST_CASE("log level and format names parse", "[logging]") {
    CHECK(ev::parse_log_level("debug") == ev::LogLevel::Debug);
    CHECK(ev::parse_log_level("info") == ev::LogLevel::Info);
    CHECK(ev::parse_log_level("warn") == ev::LogLevel::Warn);
    CHECK(ev::parse_log_level("warning") == ev::LogLevel::Warn);
    CHECK(ev::parse_log_level("error") == ev::LogLevel::Error);
    CHECK_FALSE(ev::parse_log_level("INFO").has_value());
    CHECK_FALSE(ev::parse_log_level("trace").has_value());
    CHECK(ev::parse_log_format("logfmt") == ev::LogFormat::Logfmt);
    CHECK(ev::parse_log_format("json") == ev::LogFormat::Json);
    CHECK_FALSE(ev::parse_log_format("text").has_value());
}

TEST_CASE("logger drops lines below its level", "[logging]") {
    std::ostringstream out;
    ev::Logger logger(out, ev::LogLevel::Warn, ev::LogFormat::Logfmt);

    logger.debug("hidden debug");
    logger.info("hidden info");
    logger.warn("poll failed", {{"reason", "timeout"}});
    logger.error("cannot bind", {{"address", ":9847"}});

    auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find(" level=warn msg=\"poll failed\" reason=timeout") != std::string::npos);
    CHECK(lines[1].find(" level=error msg=\"cannot bind\" address=:9847") != std::string::npos);
    CHECK(lines[0].starts_with("ts="));
    CHECK_FALSE(logger.enabled(ev::LogLevel::Info));
    CHECK(logger.enabled(ev::LogLevel::Error));
}

TEST_CASE("logger writes json lines when asked", "[logging]") {
    std::ostringstream out;
    ev::Logger logger(out, ev::LogLevel::Debug, ev::LogFormat::Json);

    logger.debug("scrape", {{"status", 200}});

    auto parsed = nlohmann::json::parse(out.str());
    CHECK(parsed["level"] == "debug");
    CHECK(parsed["msg"] == "scrape");
    CHECK(parsed["status"] == 200);
}

TEST_CASE("logger copies share one sink across threads", "[logging]") {
    std::ostringstream out;
    ev::Logger logger(out, ev::LogLevel::Info, ev::LogFormat::Logfmt);
    std::vector<std::thread> threads;

    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([copy = logger, t] {
            for (int i = 0; i < 100; ++i) {
                copy.info("tick", {{"thread", t}, {"i", i}});
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }

    auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 400);
    for (const auto& line : lines) {
        REQUIRE(line.starts_with("ts="));
        REQUIRE(line.find(" msg=tick thread=") != std::string::npos);
    }
}
