// Told of every request the exporter makes to the upstream, for engagevoice_api_requests_total.
#pragma once

#include <functional>
#include <string>

namespace engagevoice {

// Called with the endpoint's name ("report", "exchange", ...) and the HTTP status, or 0 when no
// response came back. Called on the thread that made the request.
using ApiRequestObserver = std::function<void(const std::string& endpoint, int status)>;

}  // namespace engagevoice
