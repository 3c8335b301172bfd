// Requests read from raw bytes the way src/http_server.cpp reads them from a connection.
//
// Beast's parser with the server's limits, a fresh parser for each request, and the bytes after
// one request left for the next, as on a kept-alive connection. Beast stays in the fuzzers that
// include this header.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engagevoice/http_server.hpp"

namespace engagevoice::fuzz {

namespace http = boost::beast::http;

using BeastRequest = http::request<http::string_body>;

// The server's limits: 16 KiB of headers and its default body limit.
inline constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
inline const std::size_t kMaxBodyBytes = HttpServerOptions{}.max_request_body_bytes;

// Feeds `bytes` to `parser` until it is done or fails, as a read loop would, with the end of
// `bytes` as the end of the stream. Returns how many bytes the message took.
template <class Parser>
std::size_t put_all(Parser& parser, std::string_view bytes, boost::beast::error_code& ec) {
    std::size_t used = 0;
    while (!ec && !parser.is_done()) {
        const auto taken = parser.put(boost::asio::buffer(bytes.substr(used)), ec);
        used += taken;
        if (ec == http::error::need_more) {
            ec = {};
            parser.put_eof(ec);
            break;
        }
        if (taken == 0 && !ec && !parser.is_done()) {
            break;
        }
    }
    if (!ec && !parser.is_done()) {
        ec = http::error::partial_message;
    }
    return used;
}

struct ReadRequests {
    std::vector<BeastRequest> requests;
    // True when the bytes end in something that is not a complete request, so the server
    // answers it with an error or just closes.
    bool stopped = false;
};

// The requests of one connection, up to the first that does not keep it alive.
inline ReadRequests read_requests(std::string_view bytes) {
    ReadRequests out;
    while (!bytes.empty()) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(kMaxHeaderBytes);
        parser.body_limit(kMaxBodyBytes);
        parser.eager(true);
        boost::beast::error_code ec;
        const auto used = put_all(parser, bytes, ec);
        if (ec) {
            out.stopped = true;
            return out;
        }
        const bool keep_alive = parser.keep_alive();
        out.requests.push_back(parser.release());
        if (!keep_alive) {
            return out;
        }
        bytes.remove_prefix(used);
    }
    return out;
}

}  // namespace engagevoice::fuzz
