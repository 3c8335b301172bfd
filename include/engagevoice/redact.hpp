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

// Replaces every occurrence of `secret` in `text` with kRedacted. Values shorter than 6 bytes
// are left alone: blanking them would garble the text without protecting anything.
void blank_out(std::string& text, std::string_view secret);

// The values of `headers` as secrets: each value, and for "Scheme value" values ("Bearer
// <token>", "Basic <credentials>") the part after the scheme too.
std::vector<std::string> header_secrets(const HeaderList& headers);

// At most about 120 bytes of `body` on one line: runs of white space become one space, other
// control and non-ASCII bytes '?', and "..." marks a cut. Every secret is blanked out first.
std::string safe_excerpt(std::string body, const std::vector<std::string>& secrets);

}  // namespace engagevoice
