// Pieces of HTTP shared by the handlers of the simulated Engage Voice API: its error bodies,
// media type checks and token comparison.
//
// Plain functions without state; thread-safe; none throws but for lack of memory.
#pragma once

#include <string_view>

#include "engagevoice/http_server.hpp"

namespace engagevoice {

// An answer in the JSON error shape of the Engage Voice API:
// {"errors":[{"errorCode":..., "generalMessage":..., "developerMessage":...}]}.
ServerResponse engage_error(int status, std::string_view code, std::string_view general,
                            std::string_view developer);

// A 401 with a plain-text body, as the API answers a bad or expired token on its calls, and
// `WWW-Authenticate: Bearer`.
ServerResponse plain_unauthorized(std::string_view body);

// Whether a Content-Type value names `media_type`, in any case, with or without parameters
// ("application/json;charset=UTF-8" names "application/json"; "application/jsonp" does not).
bool has_media_type(std::string_view content_type, std::string_view media_type);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);

// `text` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view text);

// Whether `given` equals a non-empty `expected`, compared in a time that does not depend on
// where the first difference is.
bool same_token(std::string_view given, std::string_view expected);

}  // namespace engagevoice
