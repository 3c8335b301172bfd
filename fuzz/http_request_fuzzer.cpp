// Raw request bytes through Beast's request parser, set up as the server sets it up, and each
// request that parses through WebRoutes.
//
// Pipelined requests are read one after the other from the same bytes, with a fresh parser for
// each, as on a kept-alive connection. The request reaches the routes as the server hands it
// over: HEAD as GET, headers in the order sent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/web_routes.hpp"
#include "example_routes.hpp"
#include "fuzz_check.hpp"
#include "request_reader.hpp"

namespace engagevoice {
namespace {

using fuzz::check;

const WebRoutes& routes() {
    static const WebRoutes routes(fuzz::example_routes());
    return routes;
}

ServerRequest to_server_request(fuzz::BeastRequest&& request) {
    ServerRequest out;
    out.method =
        request.method() == fuzz::http::verb::head ? "GET" : std::string(request.method_string());
    out.target = std::string(request.target());
    for (const auto& field : request) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(request.body());
    out.remote_address = "127.0.0.1:40000";
    return out;
}

}  // namespace
}  // namespace engagevoice

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace engagevoice;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    for (auto& request : fuzz::read_requests(bytes).requests) {
        check(request.body().size() <= fuzz::kMaxBodyBytes, "bodies stay within the limit");
        const ServerRequest plain = to_server_request(std::move(request));
        const ServerResponse response = routes().handle(plain);
        check(response.status == 200 || response.status == 404 || response.status == 405,
              "the routes answer 200, 404 or 405 here");
        check(response.status != 200 || plain.method == "GET", "only GET and HEAD get a page");
    }
    return 0;
}
