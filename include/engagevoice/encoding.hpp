// Text encodings of HTTP authentication: Base64 (HTTP Basic credentials, JSON Web Tokens) and
// percent-encoding (form bodies and query strings).
//
// Plain functions without state; thread-safe. Base64 is OpenSSL's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace engagevoice {

// Standard Base64 with padding (RFC 4648 section 4).
std::string base64_encode(std::string_view bytes);
// Decodes standard Base64; padding may be left out. nullopt for any other character or a
// length no encoder makes.
std::optional<std::string> base64_decode(std::string_view text);

// The URL-safe alphabet without padding (RFC 4648 section 5), as JSON Web Tokens use it.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// Percent-encodes everything but the unreserved characters of RFC 3986 (letters, digits,
// "-._~"), so the result is safe in a query value or a form field.
std::string percent_encode(std::string_view text);

using FormFields = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y": an application/x-www-form-urlencoded body or a query string, in the given
// order.
std::string form_encode(const FormFields& fields);

// Splits a form body or query string into its fields, decoding "%XX" and "+" (a space). A
// field without "=" has an empty value. nullopt for a malformed escape ("%G1", "%4").
std::optional<FormFields> parse_form(std::string_view text);

}  // namespace engagevoice
