// check_page PAGE EXPECTED_JSON: compares a metrics page with expected agent values and prints
// each difference. Exit 0 when they agree, 1 when they differ, 2 when a file cannot be read.
#include <fstream>
#include <iostream>
#include <sstream>

#include "expected_page.hpp"

namespace {

bool read(const char* path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    out = std::move(text).str();
    return static_cast<bool>(in);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: check_page PAGE EXPECTED_JSON\n";
        return 2;
    }
    std::string page;
    std::string expected;
    if (!read(argv[1], page) || !read(argv[2], expected)) {
        std::cerr << "check_page: cannot read " << argv[1] << " or " << argv[2] << "\n";
        return 2;
    }
    try {
        const auto differences = engagevoice::testing::compare_with_expected(
            engagevoice::testing::parse_page(page), nlohmann::json::parse(expected));
        for (const auto& difference : differences) {
            std::cout << difference << "\n";
        }
        std::cout << (differences.empty() ? "page agrees with " : "page differs from ")
                  << argv[2] << "\n";
        return differences.empty() ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "check_page: " << e.what() << "\n";
        return 2;
    }
}
