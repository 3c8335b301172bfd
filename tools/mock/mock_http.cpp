#include "mock_http.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace engagevoice {

ServerResponse engage_error(int status, std::string_view code, std::string_view general,
                            std::string_view developer) {
    nlohmann::json error = {
        {"errorCode", code}, {"generalMessage", general}, {"developerMessage", developer}};
    ServerResponse response;
    response.status = status;
    response.content_type = "application/json;charset=UTF-8";
    response.body = nlohmann::json{{"errors", nlohmann::json::array({error})}}.dump();
    return response;
}

ServerResponse plain_unauthorized(std::string_view body) {
    ServerResponse response;
    response.status = 401;
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    response.body = body;
    return response;
}

bool has_media_type(std::string_view content_type, std::string_view media_type) {
    content_type = trim_blanks(content_type);
    if (content_type.size() < media_type.size() ||
        !iequals(content_type.substr(0, media_type.size()), media_type)) {
        return false;
    }
    auto rest = trim_blanks(content_type.substr(media_type.size()));
    return rest.empty() || rest.front() == ';';
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

// Every byte is compared whatever the earlier ones were, so that the time taken does not reveal
// how much of a wrong token was right.
bool same_token(std::string_view given, std::string_view expected) {
    if (expected.empty() || given.size() != expected.size()) {
        return false;
    }
    unsigned char difference = 0;
    for (std::size_t i = 0; i < given.size(); ++i) {
        difference |= static_cast<unsigned char>(given[i] ^ expected[i]);
    }
    return difference == 0;
}

}  // namespace engagevoice
