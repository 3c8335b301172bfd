// An RFC 4180 CSV reader for report bodies.
//
// Handles quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF line ends, a
// leading UTF-8 byte order mark and a missing final newline. It reads from a string view that
// must outlive the reader, and never throws.
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
    // A blank line yields no record.
    std::optional<CsvRecord> next();

    // Empty unless reading stopped at malformed input; then it says what and on which line,
    // for example "line 7: unterminated quoted field".
    const std::string& error() const { return error_; }

private:
    std::string_view body_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::string error_;
};

}  // namespace engagevoice
