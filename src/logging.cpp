#include "engagevoice/logging.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include <date/date.h>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace engagevoice {
namespace {

std::string_view level_name(LogLevel level) {
    switch (level) {
        case LogLevel::Debug:
            return "debug";
        case LogLevel::Info:
            return "info";
        case LogLevel::Warn:
            return "warn";
        case LogLevel::Error:
            return "error";
    }
    return "info";
}

spdlog::level::level_enum spdlog_level(LogLevel level) {
    switch (level) {
        case LogLevel::Debug:
            return spdlog::level::debug;
        case LogLevel::Info:
            return spdlog::level::info;
        case LogLevel::Warn:
            return spdlog::level::warn;
        case LogLevel::Error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

std::string format_timestamp(std::chrono::system_clock::time_point time) {
    return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(time));
}

// The same rule as go-logfmt, so that Prometheus tooling and `logfmt` parsers agree with us:
// anything at or below a space, `=` and `"` need quotes.
bool needs_quotes(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (unsigned char c : value) {
        if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) {
            return true;
        }
    }
    return false;
}

void append_escaped(std::string& out, char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            break;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        std::array<char, 8> buffer{};
        std::snprintf(buffer.data(), buffer.size(), "\\u%04x", static_cast<unsigned char>(c));
        out += buffer.data();
        return;
    }
    out += c;
}

void append_logfmt_value(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        append_escaped(out, c);
    }
    out += '"';
}

void append_logfmt_pair(std::string& out, std::string_view key, std::string_view value) {
    if (!out.empty()) {
        out += ' ';
    }
    out += key;
    out += '=';
    append_logfmt_value(out, value);
}

std::string format_logfmt(std::chrono::system_clock::time_point time, LogLevel level,
                          std::string_view msg, std::initializer_list<LogField> fields) {
    std::string line;
    append_logfmt_pair(line, "ts", format_timestamp(time));
    append_logfmt_pair(line, "level", level_name(level));
    append_logfmt_pair(line, "msg", msg);
    for (const auto& field : fields) {
        append_logfmt_pair(line, field.key, field.value);
    }
    return line;
}

nlohmann::ordered_json json_value(const LogField& field) {
    if (field.is_literal) {
        // The text came from one of our own number or boolean constructors, so it parses; the
        // check keeps a hand-built field with is_literal set from throwing.
        auto literal = nlohmann::ordered_json::parse(field.value, nullptr, false);
        if (literal.is_number() || literal.is_boolean()) {
            return literal;
        }
    }
    return field.value;
}

std::string format_json(std::chrono::system_clock::time_point time, LogLevel level,
                        std::string_view msg, std::initializer_list<LogField> fields) {
    nlohmann::ordered_json line;
    line["ts"] = format_timestamp(time);
    line["level"] = level_name(level);
    line["msg"] = msg;
    for (const auto& field : fields) {
        line[field.key] = json_value(field);
    }
    // Values can hold bytes that are not UTF-8 (a path, an upstream message): replace them
    // rather than let dump() throw inside a log call.
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string format_double(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    std::array<char, 32> buffer{};
    auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

std::string format_seconds(std::chrono::nanoseconds value) {
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(value).count();
    auto magnitude = static_cast<unsigned long long>(millis < 0 ? -millis : millis);
    std::array<char, 40> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%s%llu.%03llu", millis < 0 ? "-" : "",
                  magnitude / 1000, magnitude % 1000);
    return buffer.data();
}

std::shared_ptr<spdlog::logger> make_logger(spdlog::sink_ptr sink) {
    // Not registered with spdlog: every Logger owns its sink, and nothing logs through globals.
    auto logger = std::make_shared<spdlog::logger>("engagevoice", std::move(sink));
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::trace);
    logger->flush_on(spdlog::level::trace);
    return logger;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
    if (text == "debug") {
        return LogLevel::Debug;
    }
    if (text == "info") {
        return LogLevel::Info;
    }
    if (text == "warn" || text == "warning") {
        return LogLevel::Warn;
    }
    if (text == "error") {
        return LogLevel::Error;
    }
    return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view text) {
    if (text == "logfmt") {
        return LogFormat::Logfmt;
    }
    if (text == "json") {
        return LogFormat::Json;
    }
    return std::nullopt;
}

LogField::LogField(std::string_view key, std::string_view value) : key(key), value(value) {}

LogField::LogField(std::string_view key, const std::string& value) : key(key), value(value) {}

LogField::LogField(std::string_view key, const char* value)
    : key(key), value(value == nullptr ? "" : value) {}

LogField::LogField(std::string_view key, std::int64_t value)
    : key(key), value(std::to_string(value)), is_literal(true) {}

LogField::LogField(std::string_view key, int value)
    : key(key), value(std::to_string(value)), is_literal(true) {}

LogField::LogField(std::string_view key, std::size_t value)
    : key(key), value(std::to_string(value)), is_literal(true) {}

LogField::LogField(std::string_view key, double value)
    : key(key), value(format_double(value)), is_literal(std::isfinite(value)) {}

LogField::LogField(std::string_view key, std::chrono::nanoseconds value)
    : key(key), value(format_seconds(value)), is_literal(true) {}

LogField::LogField(std::string_view key, bool value)
    : key(key), value(value ? "true" : "false"), is_literal(true) {}

Logger::Logger(LogLevel level, LogFormat format)
    : logger_(make_logger(std::make_shared<spdlog::sinks::stderr_sink_mt>())),
      level_(level),
      format_(format) {}

Logger::Logger(std::ostream& out, LogLevel level, LogFormat format)
    : logger_(make_logger(std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true))),
      level_(level),
      format_(format) {}

bool Logger::enabled(LogLevel level) const { return level >= level_; }

void Logger::log(LogLevel level, std::string_view msg,
                 std::initializer_list<LogField> fields) const {
    if (!enabled(level)) {
        return;
    }
    // A log call never throws into its caller; a line that cannot be built is dropped.
    try {
        auto line = format_log_line(std::chrono::system_clock::now(), level, format_, msg, fields);
        logger_->log(spdlog_level(level), spdlog::string_view_t(line.data(), line.size()));
    } catch (...) {
    }
}

std::string format_log_line(std::chrono::system_clock::time_point time, LogLevel level,
                            LogFormat format, std::string_view msg,
                            std::initializer_list<LogField> fields) {
    if (format == LogFormat::Json) {
        return format_json(time, level, msg, fields);
    }
    return format_logfmt(time, level, msg, fields);
}

}  // namespace engagevoice
