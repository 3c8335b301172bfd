#include "engagevoice/csv_reader.hpp"

namespace engagevoice {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

}  // namespace

CsvReader::CsvReader(std::string_view body) : body_(body) {
    // Some exports start with a byte order mark; left in, it would become part of the first
    // header name and that column would never be found.
    if (body_.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
        pos_ = kUtf8Bom.size();
    }
}

std::optional<CsvRecord> CsvReader::next() {
    if (!error_.empty()) {
        return std::nullopt;
    }
    skip_blank_lines();
    if (at_end()) {
        return std::nullopt;
    }

    CsvRecord record;
    record.line = line_;
    record.fields.reserve(width_);
    while (true) {
        if (!read_field(record.fields.emplace_back())) {
            return std::nullopt;
        }
        if (at_end() || body_[pos_] != ',') {
            break;
        }
        ++pos_;
    }

    consume_line_end();
    width_ = record.fields.size();
    return record;
}

void CsvReader::skip_blank_lines() {
    while (!at_end()) {
        auto p = pos_;
        while (p < body_.size() && is_blank(body_[p])) {
            ++p;
        }
        if (p < body_.size() && body_[p] != '\r' && body_[p] != '\n') {
            return;
        }
        pos_ = p;
        consume_line_end();
    }
}

// CRLF is one line end; a lone CR or LF is one too.
void CsvReader::consume_line_end() {
    const auto start = pos_;
    if (!at_end() && body_[pos_] == '\r') {
        ++pos_;
    }
    if (!at_end() && body_[pos_] == '\n') {
        ++pos_;
    }
    if (pos_ != start) {
        ++line_;
    }
}

bool CsvReader::read_field(std::string& field) {
    if (!at_end() && body_[pos_] == '"') {
        return read_quoted_field(field);
    }
    return read_unquoted_field(field);
}

bool CsvReader::read_unquoted_field(std::string& field) {
    auto end = body_.find_first_of(",\r\n\"", pos_);
    if (end == std::string_view::npos) {
        end = body_.size();
    } else if (body_[end] == '"') {
        return fail(line_, "quote inside an unquoted field");
    }
    field.assign(body_.substr(pos_, end - pos_));
    pos_ = end;
    return true;
}

// Copies the quoted text in runs between quotes and line breaks rather than char by char: a
// report is mostly short fields, and this keeps a large one cheap too.
bool CsvReader::read_quoted_field(std::string& field) {
    const auto start_line = line_;
    ++pos_;
    while (true) {
        const auto stop = body_.find_first_of("\"\r\n", pos_);
        if (stop == std::string_view::npos) {
            return fail(start_line, "unterminated quoted field");
        }
        field.append(body_.substr(pos_, stop - pos_));
        pos_ = stop;
        if (body_[pos_] == '"') {
            if (pos_ + 1 < body_.size() && body_[pos_ + 1] == '"') {
                field.push_back('"');
                pos_ += 2;
                continue;
            }
            ++pos_;
            break;
        }
        const auto line_end_start = pos_;
        consume_line_end();
        field.append(body_.substr(line_end_start, pos_ - line_end_start));
    }

    if (!at_end() && body_[pos_] != ',' && body_[pos_] != '\r' && body_[pos_] != '\n') {
        return fail(line_, "text after a closing quote");
    }
    return true;
}

bool CsvReader::fail(std::size_t line, const char* what) {
    error_ = "line " + std::to_string(line) + ": " + what;
    return false;
}

}  // namespace engagevoice
