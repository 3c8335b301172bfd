// A real HTTP server on 127.0.0.1 with a handler the test writes, standing in for the upstream.
#pragma once

#include <memory>
#include <string>

#include "engagevoice/http_server.hpp"
#include "engagevoice/https_client.hpp"
#include "engagevoice/url.hpp"

namespace engagevoice::testing {

class LoopbackServer {
public:
    explicit LoopbackServer(RequestHandler handler) {
        HttpServerOptions options;
        options.listen_addresses = {"127.0.0.1:0"};
        server_ = std::make_unique<HttpServer>(options, std::move(handler));
        server_->start();
    }

    // "http://127.0.0.1:<port>" followed by `path`.
    std::string url(const std::string& path = "") const {
        return "http://" + server_->bound_addresses().at(0) + path;
    }
    Url parsed_url(const std::string& path = "") const { return *parse_url(url(path)); }

private:
    std::unique_ptr<HttpServer> server_;
};

// A client that may speak plain HTTP to a LoopbackServer.
inline HttpsClientOptions plain_http_options() {
    HttpsClientOptions options;
    options.allow_plain_http = true;
    return options;
}

}  // namespace engagevoice::testing
