#include "engagevoice/csv_reader.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using engagevoice::CsvReader;
using engagevoice::CsvRecord;

namespace {

using Fields = std::vector<std::string>;

// Reads every record; a syntax error ends the list and stays in the reader.
std::vector<CsvRecord> read_all(CsvReader& reader) {
    std::vector<CsvRecord> records;
    while (auto record = reader.next()) {
        records.push_back(std::move(*record));
    }
    return records;
}

std::vector<CsvRecord> read_all(std::string_view body) {
    CsvReader reader(body);
    auto records = read_all(reader);
    REQUIRE(reader.error().empty());
    return records;
}

}  // namespace

TEST_CASE("csv reader splits plain records on commas and line ends", "[csv]") {
    const auto records = read_all("a,b,c\n1,2,3\n");

    REQUIRE(records.size() == 2);
    CHECK(records[0].fields == Fields{"a", "b", "c"});
    CHECK(records[1].fields == Fields{"1", "2", "3"});
    CHECK(records[0].line == 1);
    CHECK(records[1].line == 2);
}

TEST_CASE("csv reader accepts crlf, lf and cr line ends", "[csv]") {
    SECTION("crlf") {
        const auto records = read_all("a,b\r\n1,2\r\n");
        REQUIRE(records.size() == 2);
        CHECK(records[1].fields == Fields{"1", "2"});
        CHECK(records[1].line == 2);
    }
    SECTION("mixed") {
        const auto records = read_all("a\r\nb\nc\rd");
        REQUIRE(records.size() == 4);
        CHECK(records[2].fields == Fields{"c"});
        CHECK(records[3].fields == Fields{"d"});
        CHECK(records[3].line == 4);
    }
}

TEST_CASE("csv reader reads the last record without a final newline", "[csv]") {
    const auto records = read_all("a,b\n1,2");

    REQUIRE(records.size() == 2);
    CHECK(records[1].fields == Fields{"1", "2"});
}

TEST_CASE("csv reader keeps empty fields", "[csv]") {
    const auto records = read_all(",a,,\n");

    REQUIRE(records.size() == 1);
    CHECK(records[0].fields == Fields{"", "a", "", ""});
}

TEST_CASE("csv reader unquotes fields with commas and doubled quotes", "[csv]") {
    const auto records = read_all("\"O'Neil, Jr.\",\"Zo\xC3\xAB \"\"Z\"\"\",\"\",\"\"\"\"\n");

    REQUIRE(records.size() == 1);
    CHECK(records[0].fields == Fields{"O'Neil, Jr.", "Zo\xC3\xAB \"Z\"", "", "\""});
}

TEST_CASE("csv reader keeps line breaks inside quotes and counts their lines", "[csv]") {
    const auto records = read_all("id,note\r\n1,\"two\r\nlines\"\r\n2,\"a\nb\rc\"\n3,x\n");

    REQUIRE(records.size() == 4);
    CHECK(records[1].fields == Fields{"1", "two\r\nlines"});
    CHECK(records[1].line == 2);
    CHECK(records[2].fields == Fields{"2", "a\nb\rc"});
    CHECK(records[2].line == 4);
    CHECK(records[3].fields == Fields{"3", "x"});
    CHECK(records[3].line == 7);
}

TEST_CASE("csv reader skips a utf-8 byte order mark at the start", "[csv]") {
    const auto records = read_all(
        "\xEF\xBB\xBF"
        "Agent ID,Team\r\n7,\"A\"\r\n");

    REQUIRE(records.size() == 2);
    CHECK(records[0].fields == Fields{"Agent ID", "Team"});
    CHECK(records[1].fields == Fields{"7", "A"});
}

TEST_CASE("csv reader skips blank lines but counts them", "[csv]") {
    const auto records = read_all("\r\na\n\n  \n\t\r\nb\n\n");

    REQUIRE(records.size() == 2);
    CHECK(records[0].fields == Fields{"a"});
    CHECK(records[0].line == 2);
    CHECK(records[1].fields == Fields{"b"});
    CHECK(records[1].line == 6);
}

TEST_CASE("csv reader yields nothing for an empty body", "[csv]") {
    CsvReader reader("");

    CHECK_FALSE(reader.next());
    CHECK(reader.error().empty());
}

TEST_CASE("csv reader keeps spaces of unquoted fields", "[csv]") {
    const auto records = read_all(" a , b\n");

    REQUIRE(records.size() == 1);
    CHECK(records[0].fields == Fields{" a ", " b"});
}

TEST_CASE("csv reader names the line of an unterminated quote", "[csv]") {
    CsvReader reader("a,b\n1,2\n3,\"open\nstill open\n");

    CHECK(reader.next());
    CHECK(reader.next());
    CHECK_FALSE(reader.next());
    CHECK(reader.error() == "line 3: unterminated quoted field");
    CHECK_FALSE(reader.next());
}

TEST_CASE("csv reader refuses a quote inside an unquoted field", "[csv]") {
    CsvReader reader("a,b\n1,x\"y\"\n");

    CHECK(reader.next());
    CHECK_FALSE(reader.next());
    CHECK(reader.error() == "line 2: quote inside an unquoted field");
}

TEST_CASE("csv reader refuses text after a closing quote", "[csv]") {
    CsvReader reader("\"a\nb\"c,d\n");

    CHECK_FALSE(reader.next());
    CHECK(reader.error() == "line 2: text after a closing quote");
}

TEST_CASE("csv reader reads a large body in one pass", "[csv]") {
    std::string body = "id,name,minutes\r\n";
    for (int i = 0; i < 5000; ++i) {
        body += std::to_string(i) + ",\"Name, " + std::to_string(i) + "\",1,234.56\r\n";
    }
    CsvReader reader(body);

    const auto records = read_all(reader);

    CHECK(reader.error().empty());
    REQUIRE(records.size() == 5001);
    CHECK(records[5000].fields == Fields{"4999", "Name, 4999", "1", "234.56"});
    CHECK(records[5000].line == 5001);
}
