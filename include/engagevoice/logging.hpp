// Structured logging: a fixed message and key/value fields, as logfmt or JSON.
//
// level=warn msg="poll failed" account_id=15300002 reason=timeout duration_seconds=30.004
//
// A Logger is cheap to copy and safe to use from several threads. Callers pass one in; nothing
// logs through a global.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace engagevoice {

enum class LogLevel { Debug, Info, Warn, Error };
enum class LogFormat { Logfmt, Json };

// "debug", "info", "warn", "error" (also "warning"); nullopt otherwise.
std::optional<LogLevel> parse_log_level(std::string_view text);
// "logfmt", "json"; nullopt otherwise.
std::optional<LogFormat> parse_log_format(std::string_view text);

struct LogField {
    LogField(std::string_view key, std::string_view value);
    LogField(std::string_view key, const std::string& value);
    LogField(std::string_view key, const char* value);
    LogField(std::string_view key, std::int64_t value);
    LogField(std::string_view key, int value);
    LogField(std::string_view key, std::size_t value);
    LogField(std::string_view key, double value);
    // Written in seconds with millisecond precision.
    LogField(std::string_view key, std::chrono::nanoseconds value);
    // Written true or false.
    LogField(std::string_view key, bool value);

    std::string key;
    std::string value;
    // The value is a JSON number or boolean, written without quotes in JSON lines.
    bool is_literal = false;
};

class Logger {
public:
    // Writes to standard error.
    Logger(LogLevel level, LogFormat format);
    // Writes to `out` (for tests); `out` must outlive the logger and its copies.
    Logger(std::ostream& out, LogLevel level, LogFormat format);

    bool enabled(LogLevel level) const;
    void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) const;

    void debug(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
        log(LogLevel::Debug, msg, fields);
    }
    void info(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
        log(LogLevel::Info, msg, fields);
    }
    void warn(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
        log(LogLevel::Warn, msg, fields);
    }
    void error(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
        log(LogLevel::Error, msg, fields);
    }

private:
    std::shared_ptr<spdlog::logger> logger_;
    LogLevel level_;
    LogFormat format_;
};

// One formatted line without the trailing newline, for a given time; exposed for tests.
std::string format_log_line(std::chrono::system_clock::time_point time, LogLevel level,
                            LogFormat format, std::string_view msg,
                            std::initializer_list<LogField> fields);

}  // namespace engagevoice
