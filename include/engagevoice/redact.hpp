// Short, safe excerpts of what the upstream answered, for the log.
//
// An error body can be an upstream's message, a proxy's HTML page or, in the worst case, an echo
// of the request. Only its start is kept, on one printable line, with every credential of the
// request blanked out. Plain functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/http_headers.hpp"

namespace engagevoice {

// What a blanked-out credential reads as.
inline constexpr std::string_view kRedacted = "<secret>";

// Replaces every occurrence of `secret` in `text` with kRedacted. A value shorter than 6 bytes
// is replaced only where it stands alone, between bytes that are not letters or digits: "Qz5!x"
// goes out of "password=Qz5!x;", but a short value inside a longer word is left, since blanking
// it there would garble the text without protecting anything.
void blank_out(std::string& text, std::string_view secret);

// The forms in which a secret may come back from an upstream or a proxy: as it is,
// percent-encoded with upper- or lower-case hex, form-encoded (a space as "+"), encoded as
// JavaScript's encodeURIComponent leaves "!'()*", and escaped in a JSON string ("\/", "\"").
// Without duplicates, the value itself first.
std::vector<std::string> secret_forms(std::string_view secret);

// The values of `headers` as secrets: each value, and for "Scheme value" values ("Bearer
// <token>", "Basic <credentials>") the part after the scheme too.
std::vector<std::string> header_secrets(const HeaderList& headers);

// At most about 120 bytes of `body` on one line: runs of white space become one space, other
// control and non-ASCII bytes '?', and "..." marks a cut. Every secret is blanked out first, in
// each of its secret_forms.
std::string safe_excerpt(std::string body, const std::vector<std::string>& secrets);

}  // namespace engagevoice
