#include "engagevoice/redact.hpp"

#include <cctype>

namespace engagevoice {
namespace {

constexpr std::size_t kExcerptBytes = 120;

std::string one_printable_line(std::string_view body) {
    std::string out;
    bool space = false;
    for (char c : body) {
        if (out.size() >= kExcerptBytes) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u)) {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += (u >= 0x20 && u < 0x7f) ? c : '?';
    }
    return out;
}

}  // namespace

void blank_out(std::string& text, std::string_view secret) {
    if (secret.size() < 6) {
        return;
    }
    // The search goes on after the replacement, which may itself contain the secret.
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kRedacted.size())) {
        text.replace(at, secret.size(), kRedacted);
    }
}

std::vector<std::string> header_secrets(const HeaderList& headers) {
    std::vector<std::string> secrets;
    for (const auto& [name, value] : headers) {
        secrets.push_back(value);
        // "Bearer <token>" is sent whole, but may come back as the token alone.
        const auto space = value.find(' ');
        if (space != std::string::npos) {
            secrets.push_back(value.substr(space + 1));
        }
    }
    return secrets;
}

std::string safe_excerpt(std::string body, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        blank_out(body, secret);
    }
    return one_printable_line(body);
}

}  // namespace engagevoice
