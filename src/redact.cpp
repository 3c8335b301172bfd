#include "engagevoice/redact.hpp"

#include <algorithm>
#include <cctype>

#include "engagevoice/encoding.hpp"

namespace engagevoice {
namespace {

constexpr std::size_t kExcerptBytes = 120;
// How much of a body is searched for secrets: far more than an excerpt needs.
constexpr std::size_t kSearchedBytes = 64 * 1024;

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

constexpr std::size_t kShortSecret = 6;

bool is_word_byte(const std::string& text, std::size_t at) {
    return at < text.size() && std::isalnum(static_cast<unsigned char>(text[at]));
}

// Whether the occurrence of `length` bytes at `at` stands alone in `text`.
bool stands_alone(const std::string& text, std::size_t at, std::size_t length) {
    return (at == 0 || !is_word_byte(text, at - 1)) && !is_word_byte(text, at + length);
}

void add_form(std::vector<std::string>& forms, std::string form) {
    if (std::find(forms.begin(), forms.end(), form) == forms.end()) {
        forms.push_back(std::move(form));
    }
}

std::string lower_hex(std::string encoded) {
    for (std::size_t at = encoded.find('%'); at != std::string::npos && at + 2 < encoded.size();
         at = encoded.find('%', at + 3)) {
        for (std::size_t i = at + 1; i <= at + 2; ++i) {
            encoded[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(encoded[i])));
        }
    }
    return encoded;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

}  // namespace

void blank_out(std::string& text, std::string_view secret) {
    if (secret.empty()) {
        return;
    }
    const bool is_short = secret.size() < kShortSecret;
    // The search goes on after the replacement, which may itself contain the secret.
    for (auto at = text.find(secret); at != std::string::npos;) {
        if (is_short && !stands_alone(text, at, secret.size())) {
            at = text.find(secret, at + 1);
            continue;
        }
        text.replace(at, secret.size(), kRedacted);
        at = text.find(secret, at + kRedacted.size());
    }
}

std::vector<std::string> secret_forms(std::string_view secret) {
    std::vector<std::string> forms;
    add_form(forms, std::string(secret));
    const std::string encoded = percent_encode(secret);
    add_form(forms, encoded);
    add_form(forms, lower_hex(encoded));
    const std::string form = replace_all(encoded, "%20", "+");
    add_form(forms, form);
    add_form(forms, lower_hex(form));
    std::string component = encoded;
    for (const char* kept : {"!", "'", "(", ")", "*"}) {
        component = replace_all(std::move(component), percent_encode(kept), kept);
    }
    add_form(forms, component);
    std::string json = replace_all(std::string(secret), "\\", "\\\\");
    json = replace_all(std::move(json), "\"", "\\\"");
    add_form(forms, json);
    add_form(forms, replace_all(std::move(json), "/", "\\/"));
    return forms;
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
    // The longest first, so that a short secret inside a longer one cannot leave the rest of
    // the longer one in view.
    std::vector<std::string> forms;
    for (const auto& secret : secrets) {
        for (auto& form : secret_forms(secret)) {
            forms.push_back(std::move(form));
        }
    }
    std::stable_sort(forms.begin(), forms.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });

    // Only the start of a large body is searched. A secret cut by the end of that window is
    // not found whole, so the window loses as many bytes as the longest form after blanking.
    const std::size_t longest = forms.empty() ? 0 : forms.front().size();
    const bool cut = body.size() > kSearchedBytes + longest;
    if (cut) {
        body.resize(kSearchedBytes + longest);
    }
    for (const auto& form : forms) {
        blank_out(body, form);
    }
    if (cut) {
        body.resize(body.size() > longest ? body.size() - longest : 0);
    }
    return one_printable_line(body);
}

}  // namespace engagevoice
