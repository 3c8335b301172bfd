// An RFC 4180 CSV reader for report bodies.
//
// Handles quoted fields, doubled quotes, line breaks inside quotes, CRLF, LF or CR line ends, a
// leading UTF-8 byte order mark and a missing final newline. It reads from a string view that
// must outlive the reader, and never throws (short of running out of memory). Not thread-safe;
// use one reader per body.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engagevoice {

struct CsvRecord {
    std::vector<std::string> fields;
    // The 1-based physical line the record starts on.
    std::size_t line = 0;
};

class CsvReader {
public:
    explicit CsvReader(std::string_view body);

    // The next record, or nullopt at the end of the input or on a syntax error (see error()).
    // A blank line (empty, or only spaces and tabs) yields no record. Fields keep their spaces
    // and, inside quotes, their line breaks as written. A quote inside an unquoted field, text
    // after a closing quote and an unterminated quote are syntax errors.
    std::optional<CsvRecord> next();

    // Empty unless reading stopped at malformed input; then it says what and on which line,
    // for example "line 7: unterminated quoted field".
    const std::string& error() const { return error_; }

private:
    bool at_end() const { return pos_ >= body_.size(); }
    void skip_blank_lines();
    void consume_line_end();
    bool read_field(std::string& field);
    bool read_unquoted_field(std::string& field);
    bool read_quoted_field(std::string& field);
    bool fail(std::size_t line, const char* what);

    std::string_view body_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t width_ = 0;  // fields in the last record, to size the next one
    std::string error_;
};

}  // namespace engagevoice
