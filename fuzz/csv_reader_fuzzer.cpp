// CsvReader on arbitrary bytes.
//
// Besides memory safety, checks that the records read come back unchanged when written out again
// with every field quoted, that line numbers only grow, and that the end stays the end.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/csv_reader.hpp"
#include "fuzz_check.hpp"

namespace engagevoice {
namespace {

using fuzz::check;

struct ReadResult {
    std::vector<CsvRecord> records;
    std::string error;
};

ReadResult read_all(std::string_view body) {
    CsvReader reader(body);
    ReadResult result;
    while (auto record = reader.next()) {
        check(!record->fields.empty(), "a record has at least one field");
        check(result.records.empty() || record->line > result.records.back().line,
              "records start on later lines");
        result.records.push_back(std::move(*record));
    }
    check(!reader.next(), "a reader that stopped stays stopped");
    result.error = reader.error();
    check(result.error.empty() || result.error.starts_with("line "), "errors name the line");
    return result;
}

std::string write_quoted(const std::vector<CsvRecord>& records) {
    std::string out;
    for (const auto& record : records) {
        for (std::size_t i = 0; i < record.fields.size(); ++i) {
            out += i == 0 ? "\"" : ",\"";
            for (char c : record.fields[i]) {
                out += c == '"' ? "\"\"" : std::string(1, c);
            }
            out += '"';
        }
        out += "\r\n";
    }
    return out;
}

}  // namespace
}  // namespace engagevoice

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace engagevoice;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto first = read_all(body);

    const std::string rewritten = write_quoted(first.records);
    const auto second = read_all(rewritten);
    fuzz::check(second.error.empty(), "quoted records read back without an error");
    fuzz::check(second.records.size() == first.records.size(), "quoted records read back");
    for (std::size_t i = 0; i < first.records.size(); ++i) {
        fuzz::check(second.records[i].fields == first.records[i].fields,
                    "quoted fields read back unchanged");
    }
    return 0;
}
