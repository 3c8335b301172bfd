#include "engagevoice/web_config.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "engagevoice/config.hpp"
#include "detail/yaml_file.hpp"
#include "engagevoice/encoding.hpp"

namespace engagevoice {
namespace {

namespace fs = std::filesystem;

using Keys = std::span<const std::string_view>;

constexpr std::string_view kTopKeys[] = {"tls_server_config", "http_server_config",
                                         "basic_auth_users"};
constexpr std::string_view kTlsKeys[] = {"cert_file",
                                         "key_file",
                                         "client_auth_type",
                                         "client_ca_file",
                                         "min_version",
                                         "max_version",
                                         "prefer_server_cipher_suites",
                                         "cipher_suites",
                                         "curve_preferences"};
constexpr std::string_view kHttpKeys[] = {"http2", "headers"};

// Keys of exporter-toolkit that this exporter knows but does not offer, with what to do
// instead: a better answer than "unknown key" for a file written for another exporter.
struct Unsupported {
    std::string_view key;
    std::string_view message;
};

constexpr Unsupported kUnsupported[] = {
    {"rate_limit", "is not supported"},
    {"cert", "is not supported: put the certificate in a file and use cert_file"},
    {"key", "is not supported: put the key in a file and use key_file"},
    {"client_ca", "is not supported: put the CAs in a file and use client_ca_file"},
    {"client_allowed_sans", "is not supported"},
};

// The headers exporter-toolkit lets a web config set, with the values it allows (none listed:
// any value). Kept the same so that one file serves every exporter of a fleet.
struct AllowedHeader {
    std::string_view name;
    std::vector<std::string_view> values;
};

const AllowedHeader kAllowedHeaders[] = {
    {"Strict-Transport-Security", {}},
    {"X-Content-Type-Options", {"nosniff"}},
    {"X-Frame-Options", {"deny", "sameorigin"}},
    {"X-XSS-Protection", {}},
    {"Content-Security-Policy", {}},
};

struct NamedClientAuth {
    std::string_view name;
    ClientAuthType type;
};

// "RequireClientCert" is the old name exporter-toolkit still accepts.
constexpr NamedClientAuth kClientAuthTypes[] = {
    {"NoClientCert", ClientAuthType::NoClientCert},
    {"RequestClientCert", ClientAuthType::RequestClientCert},
    {"RequireAnyClientCert", ClientAuthType::RequireAnyClientCert},
    {"RequireClientCert", ClientAuthType::RequireAnyClientCert},
    {"VerifyClientCertIfGiven", ClientAuthType::VerifyClientCertIfGiven},
    {"RequireAndVerifyClientCert", ClientAuthType::RequireAndVerifyClientCert},
};

constexpr std::string_view kCurves[] = {"CurveP256", "CurveP384", "CurveP521", "X25519"};

std::string join_key(const std::string& parent, std::string_view child) {
    return parent.empty() ? std::string(child) : parent + "." + std::string(child);
}

std::string index_key(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

// Errors echo a name or value from the file only when it looks like one, so that a password
// pasted in the wrong place does not reach the logs.
bool is_plain_text(std::string_view text) {
    auto plain = [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.' || c == '@';
    };
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), plain);
}

std::string quoted_before(std::string_view text) {
    return is_plain_text(text) ? "\"" + std::string(text) + "\" " : "";
}

// What every check needs to name a problem and to find the files the configuration names.
struct Context {
    std::string file;
    // Relative paths are read from the file's directory, as exporter-toolkit does.
    fs::path base_dir;

    [[noreturn]] void fail(const std::string& key, const std::string& message) const {
        throw ConfigError(file, key, message);
    }

    std::string resolve(const std::string& path) const {
        fs::path resolved(path);
        if (resolved.is_relative() && !base_dir.empty()) {
            resolved = base_dir / resolved;
        }
        return resolved.string();
    }
};

bool is_empty(const YAML::Node& node) { return !node || node.IsNull(); }

std::string_view unsupported_reason(std::string_view name) {
    for (const auto& entry : kUnsupported) {
        if (entry.key == name) {
            return entry.message;
        }
    }
    return "unknown key";
}

// Checks that `node` is a mapping of plain names, each once, all in `allowed` (any name when
// `allowed` is empty).
void check_mapping(const Context& ctx, const YAML::Node& node, const std::string& key,
                   Keys allowed) {
    if (!node.IsMap()) {
        ctx.fail(key, "must be a mapping");
    }
    std::set<std::string> seen;
    for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
            ctx.fail(key, "keys must be plain strings");
        }
        const std::string& name = entry.first.Scalar();
        const bool known =
            allowed.empty() || std::find(allowed.begin(), allowed.end(), name) != allowed.end();
        if (!known && !is_plain_text(name)) {
            ctx.fail(key, "unknown key (name not shown: not a plain key name)");
        }
        if (!known) {
            ctx.fail(join_key(key, name), std::string(unsupported_reason(name)));
        }
        // yaml-cpp keeps both entries of a repeated key; the second would silently be lost.
        if (!seen.insert(name).second) {
            ctx.fail(is_plain_text(name) ? join_key(key, name) : key, "appears twice");
        }
    }
}

std::optional<std::string> read_text(const Context& ctx, const YAML::Node& map,
                                     const std::string& key, std::string_view name) {
    const YAML::Node node = map[std::string(name)];
    if (!node) {
        return std::nullopt;
    }
    if (node.IsNull()) {
        ctx.fail(join_key(key, name), "has no value");
    }
    if (!node.IsScalar()) {
        ctx.fail(join_key(key, name), "must be a string");
    }
    return node.Scalar();
}

std::optional<bool> read_bool(const Context& ctx, const YAML::Node& map, const std::string& key,
                              std::string_view name) {
    const YAML::Node node = map[std::string(name)];
    bool value = false;
    if (!node) {
        return std::nullopt;
    }
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
        ctx.fail(join_key(key, name), "must be true or false");
    }
    return value;
}

std::vector<std::string> read_list(const Context& ctx, const YAML::Node& map,
                                   const std::string& key, std::string_view name) {
    const YAML::Node node = map[std::string(name)];
    std::vector<std::string> values;
    if (is_empty(node)) {
        return values;
    }
    if (!node.IsSequence()) {
        ctx.fail(join_key(key, name), "must be a list of strings");
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        if (!node[i].IsScalar()) {
            ctx.fail(index_key(join_key(key, name), i), "must be a string");
        }
        values.push_back(node[i].Scalar());
    }
    return values;
}

std::optional<std::string> read_path(const Context& ctx, const YAML::Node& map,
                                     const std::string& key, std::string_view name) {
    auto path = read_text(ctx, map, key, name);
    if (path && path->empty()) {
        ctx.fail(join_key(key, name), "must not be empty");
    }
    return path ? std::optional(ctx.resolve(*path)) : std::nullopt;
}

std::optional<TlsVersion> read_version(const Context& ctx, const YAML::Node& map,
                                       const std::string& key, std::string_view name) {
    auto text = read_text(ctx, map, key, name);
    if (!text) {
        return std::nullopt;
    }
    for (auto version :
         {TlsVersion::Tls10, TlsVersion::Tls11, TlsVersion::Tls12, TlsVersion::Tls13}) {
        if (*text == tls_version_name(version)) {
            return version;
        }
    }
    ctx.fail(join_key(key, name),
             quoted_before(*text) + "is not one of TLS10, TLS11, TLS12, TLS13");
}

ClientAuthType read_client_auth(const Context& ctx, const YAML::Node& map, const std::string& key) {
    auto text = read_text(ctx, map, key, "client_auth_type");
    if (!text || text->empty()) {
        return ClientAuthType::NoClientCert;
    }
    for (const auto& entry : kClientAuthTypes) {
        if (*text == entry.name) {
            return entry.type;
        }
    }
    ctx.fail(join_key(key, "client_auth_type"),
             quoted_before(*text) +
                 "is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                 "VerifyClientCertIfGiven, RequireAndVerifyClientCert");
}

std::vector<std::string> read_curves(const Context& ctx, const YAML::Node& map,
                                     const std::string& key) {
    auto curves = read_list(ctx, map, key, "curve_preferences");
    for (std::size_t i = 0; i < curves.size(); ++i) {
        if (std::find(std::begin(kCurves), std::end(kCurves), curves[i]) == std::end(kCurves)) {
            ctx.fail(
                index_key(join_key(key, "curve_preferences"), i),
                quoted_before(curves[i]) + "is not one of CurveP256, CurveP384, CurveP521, X25519");
        }
    }
    return curves;
}

bool verifies_clients(ClientAuthType type) {
    return type == ClientAuthType::VerifyClientCertIfGiven ||
           type == ClientAuthType::RequireAndVerifyClientCert;
}

void read_certificate_pair(const Context& ctx, const YAML::Node& map, const std::string& key,
                           WebTlsConfig& tls) {
    auto cert = read_path(ctx, map, key, "cert_file");
    auto private_key = read_path(ctx, map, key, "key_file");
    if (!cert) {
        ctx.fail(join_key(key, "cert_file"), "is required with tls_server_config");
    }
    if (!private_key) {
        ctx.fail(join_key(key, "key_file"), "is required with tls_server_config");
    }
    tls.cert_file = *cert;
    tls.key_file = *private_key;
}

void read_client_auth_settings(const Context& ctx, const YAML::Node& map, const std::string& key,
                               WebTlsConfig& tls) {
    tls.client_auth_type = read_client_auth(ctx, map, key);
    tls.client_ca_file = read_path(ctx, map, key, "client_ca_file").value_or("");
    const std::string type = client_auth_type_name(tls.client_auth_type);
    if (verifies_clients(tls.client_auth_type) && tls.client_ca_file.empty()) {
        ctx.fail(join_key(key, "client_ca_file"), "is required when client_auth_type is " + type);
    }
    if (tls.client_auth_type == ClientAuthType::NoClientCert && !tls.client_ca_file.empty()) {
        ctx.fail(join_key(key, "client_ca_file"),
                 "is set but client_auth_type is NoClientCert; set a client_auth_type that "
                 "verifies, such as RequireAndVerifyClientCert");
    }
}

std::optional<WebTlsConfig> parse_tls(const Context& ctx, const YAML::Node& node) {
    const std::string key = "tls_server_config";
    if (is_empty(node)) {
        return std::nullopt;
    }
    check_mapping(ctx, node, key, kTlsKeys);
    if (node.size() == 0) {
        return std::nullopt;
    }

    WebTlsConfig tls;
    read_certificate_pair(ctx, node, key, tls);
    read_client_auth_settings(ctx, node, key, tls);
    tls.min_version = read_version(ctx, node, key, "min_version").value_or(tls.min_version);
    tls.max_version = read_version(ctx, node, key, "max_version").value_or(tls.max_version);
    if (tls.max_version < tls.min_version) {
        ctx.fail(join_key(key, "max_version"),
                 "must not be below min_version (" + tls_version_name(tls.min_version) + ")");
    }
    tls.cipher_suites = read_list(ctx, node, key, "cipher_suites");
    tls.curve_preferences = read_curves(ctx, node, key);
    tls.prefer_server_cipher_suites = read_bool(ctx, node, key, "prefer_server_cipher_suites")
                                          .value_or(tls.prefer_server_cipher_suites);
    return tls;
}

const AllowedHeader* find_allowed_header(std::string_view name) {
    for (const auto& header : kAllowedHeaders) {
        if (header.name == name) {
            return &header;
        }
    }
    return nullptr;
}

void check_header(const Context& ctx, const std::string& key, const std::string& name,
                  const std::string& value) {
    const AllowedHeader* allowed = find_allowed_header(name);
    if (allowed == nullptr) {
        ctx.fail(key,
                 "cannot be set; the headers that can are Strict-Transport-Security, "
                 "X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, "
                 "Content-Security-Policy");
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
        ctx.fail(key, "must not hold a line break");
    }
    if (!allowed->values.empty() &&
        std::find(allowed->values.begin(), allowed->values.end(), value) == allowed->values.end()) {
        std::string expected;
        for (auto one : allowed->values) {
            expected += (expected.empty() ? "" : " or ") + std::string(one);
        }
        ctx.fail(key, "must be " + expected);
    }
}

HeaderList parse_headers(const Context& ctx, const YAML::Node& node, const std::string& key) {
    HeaderList headers;
    if (is_empty(node)) {
        return headers;
    }
    check_mapping(ctx, node, key, {});
    for (const auto& entry : node) {
        const std::string& name = entry.first.Scalar();
        const std::string header_key = is_plain_text(name) ? join_key(key, name) : key;
        if (!entry.second.IsScalar()) {
            ctx.fail(header_key, "must be a string");
        }
        check_header(ctx, header_key, name, entry.second.Scalar());
        headers.emplace_back(name, entry.second.Scalar());
    }
    return headers;
}

// http2 is accepted for the schema's sake: the server speaks HTTP/1.1 only.
HeaderList parse_http(const Context& ctx, const YAML::Node& node) {
    const std::string key = "http_server_config";
    if (is_empty(node)) {
        return {};
    }
    check_mapping(ctx, node, key, kHttpKeys);
    (void)read_bool(ctx, node, key, "http2");
    return parse_headers(ctx, node["headers"], join_key(key, "headers"));
}

BasicAuthUsers parse_users(const Context& ctx, const YAML::Node& node) {
    const std::string key = "basic_auth_users";
    BasicAuthUsers users;
    if (is_empty(node)) {
        return users;
    }
    check_mapping(ctx, node, key, {});
    for (const auto& entry : node) {
        const std::string& user = entry.first.Scalar();
        const std::string user_key = is_plain_text(user) ? join_key(key, user) : key;
        if (user.empty() || user.find(':') != std::string::npos) {
            ctx.fail(user_key, "a user name must not be empty nor hold a colon");
        }
        // The hash is not echoed: a plain password put here by mistake must not be logged.
        if (!entry.second.IsScalar() || !is_bcrypt_hash(entry.second.Scalar())) {
            ctx.fail(user_key,
                     "must be a bcrypt hash ($2y$, $2b$ or $2a$), such as htpasswd -nBC 10 makes");
        }
        users.emplace(user, entry.second.Scalar());
    }
    return users;
}

WebConfig parse_root(const Context& ctx, const YAML::Node& root) {
    WebConfig config;
    config.file = ctx.file;
    if (is_empty(root)) {
        return config;
    }
    if (!root.IsMap()) {
        ctx.fail("",
                 "must be a mapping with the keys tls_server_config, http_server_config, "
                 "basic_auth_users");
    }
    check_mapping(ctx, root, "", kTopKeys);
    config.tls = parse_tls(ctx, root["tls_server_config"]);
    config.headers = parse_http(ctx, root["http_server_config"]);
    config.users = parse_users(ctx, root["basic_auth_users"]);
    return config;
}

}  // namespace

WebConfig parse_web_config(const std::string& yaml_text, const std::string& file) {
    const Context ctx{file, fs::path(file).parent_path()};
    const YAML::Node root = detail::load_yaml(yaml_text, file);
    try {
        return parse_root(ctx, root);
    } catch (const YAML::Exception& e) {
        // Every read is checked first; this only keeps a surprise from yaml-cpp naming the file.
        throw ConfigError(file, "", "invalid YAML: " + e.msg);
    }
}

WebConfig load_web_config(const std::string& path) {
    return parse_web_config(detail::read_config_file(path), path);
}

namespace {

// A TLS problem names the file and key, or only the file for options given in code.
[[noreturn]] void tls_fail(const WebConfig& config, std::string_view name,
                           const std::string& message) {
    if (config.file.empty()) {
        throw std::runtime_error("cannot load TLS " + message);
    }
    throw ConfigError(config.file, join_key("tls_server_config", name), message);
}

// The first error OpenSSL queued (the most specific: "No such file or directory" comes before
// "PEM lib"), and the queue cleared for the next call.
std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code != 0 && ERR_SYSTEM_ERROR(code)) {
        return std::generic_category().message(ERR_GET_REASON(code));
    }
    const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    return reason != nullptr ? reason : "unknown error";
}

int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

int openssl_version(TlsVersion version) {
    switch (version) {
        case TlsVersion::Tls10:
            return TLS1_VERSION;
        case TlsVersion::Tls11:
            return TLS1_1_VERSION;
        case TlsVersion::Tls12:
            return TLS1_2_VERSION;
        case TlsVersion::Tls13:
            return TLS1_3_VERSION;
    }
    return TLS1_2_VERSION;
}

void load_certificate_pair(const WebConfig& config, SSL_CTX* context) {
    const WebTlsConfig& tls = *config.tls;
    if (SSL_CTX_use_certificate_chain_file(context, tls.cert_file.c_str()) != 1) {
        tls_fail(config, "cert_file", "certificate " + tls.cert_file + ": " + openssl_error());
    }
    if (SSL_CTX_use_PrivateKey_file(context, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        tls_fail(config, "key_file", "key " + tls.key_file + ": " + openssl_error());
    }
    if (SSL_CTX_check_private_key(context) != 1) {
        tls_fail(config, "key_file",
                 "key " + tls.key_file + ": does not match the certificate: " + openssl_error());
    }
}

void load_client_cas(const WebConfig& config, SSL_CTX* context) {
    const std::string& file = config.tls->client_ca_file;
    if (SSL_CTX_load_verify_locations(context, file.c_str(), nullptr) != 1) {
        tls_fail(config, "client_ca_file", "client CA file " + file + ": " + openssl_error());
    }
    // Tells clients which CAs the server trusts, so that one with several certificates picks
    // the right one.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(file.c_str());
    ERR_clear_error();
    if (names != nullptr) {
        SSL_CTX_set_client_CA_list(context, names);
    }
}

// RequestClientCert and RequireAnyClientCert take any certificate, as Go does: OpenSSL's
// verification still runs, and the callback overrules its verdict.
void set_client_auth(const WebConfig& config, SSL_CTX* context) {
    const WebTlsConfig& tls = *config.tls;
    if (!tls.client_ca_file.empty()) {
        load_client_cas(config, context);
    }
    switch (tls.client_auth_type) {
        case ClientAuthType::NoClientCert:
            return SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
        case ClientAuthType::RequestClientCert:
            return SSL_CTX_set_verify(context, SSL_VERIFY_PEER, accept_any_certificate);
        case ClientAuthType::RequireAnyClientCert:
            return SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                                      accept_any_certificate);
        case ClientAuthType::VerifyClientCertIfGiven:
            return SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
        case ClientAuthType::RequireAndVerifyClientCert:
            return SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                                      nullptr);
    }
}

const SSL_CIPHER* find_cipher(const STACK_OF(SSL_CIPHER) * ciphers, const std::string& name) {
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
        const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
        const char* standard = SSL_CIPHER_standard_name(cipher);
        if (standard != nullptr && name == standard) {
            return cipher;
        }
    }
    return nullptr;
}

// Go names cipher suites by their IANA names, OpenSSL by its own; it knows both. As in Go, the
// list restricts TLS 1.2 and older: TLS 1.3 suites are accepted and change nothing.
std::string openssl_cipher_list(const WebConfig& config) {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> all(SSL_CTX_new(TLS_server_method()),
                                                          &SSL_CTX_free);
    SSL_CTX_set_security_level(all.get(), 0);
    SSL_CTX_set_cipher_list(all.get(), "ALL:COMPLEMENTOFALL");
    const STACK_OF(SSL_CIPHER)* known = SSL_CTX_get_ciphers(all.get());
    const auto& names = config.tls->cipher_suites;
    std::string list;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const SSL_CIPHER* cipher = find_cipher(known, names[i]);
        if (cipher == nullptr) {
            tls_fail(config, index_key("cipher_suites", i),
                     quoted_before(names[i]) + "is not a cipher suite OpenSSL knows");
        }
        if (std::string_view(SSL_CIPHER_get_version(cipher)) != "TLSv1.3") {
            list += (list.empty() ? "" : ":") + std::string(SSL_CIPHER_get_name(cipher));
        }
    }
    ERR_clear_error();
    return list;
}

std::string openssl_groups(const std::vector<std::string>& curves) {
    std::string groups;
    for (const auto& curve : curves) {
        const std::string group = curve == "X25519" ? "X25519" : "P-" + curve.substr(6);
        groups += (groups.empty() ? "" : ":") + group;
    }
    return groups;
}

void set_algorithms(const WebConfig& config, SSL_CTX* context) {
    const WebTlsConfig& tls = *config.tls;
    const std::string ciphers = openssl_cipher_list(config);
    if (!ciphers.empty() && SSL_CTX_set_cipher_list(context, ciphers.c_str()) != 1) {
        tls_fail(config, "cipher_suites",
                 "none of these cipher suites can be used: " + openssl_error());
    }
    const std::string groups = openssl_groups(tls.curve_preferences);
    if (!groups.empty() && SSL_CTX_set1_groups_list(context, groups.c_str()) != 1) {
        tls_fail(config, "curve_preferences", "cannot be used: " + openssl_error());
    }
    if (tls.prefer_server_cipher_suites) {
        SSL_CTX_set_options(context, SSL_OP_CIPHER_SERVER_PREFERENCE);
    }
}

void set_protocol(const WebConfig& config, SSL_CTX* context) {
    const WebTlsConfig& tls = *config.tls;
    SSL_CTX_set_min_proto_version(context, openssl_version(tls.min_version));
    SSL_CTX_set_max_proto_version(context, openssl_version(tls.max_version));
    // A client may not renegotiate: each renegotiation costs the server a handshake.
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
    // Without an id context, a client that resumes a session after its certificate was
    // verified fails the handshake.
    static constexpr unsigned char kSessionContext[] = "engage_voice_exporter";
    SSL_CTX_set_session_id_context(context, kSessionContext, sizeof kSessionContext - 1);
}

}  // namespace

std::shared_ptr<ssl_ctx_st> make_server_tls_context(const WebConfig& config) {
    if (!config.tls) {
        throw std::invalid_argument("make_server_tls_context needs a TLS configuration");
    }
    std::shared_ptr<SSL_CTX> context(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
    if (!context) {
        tls_fail(config, "cert_file", "context: " + openssl_error());
    }
    set_protocol(config, context.get());
    load_certificate_pair(config, context.get());
    set_client_auth(config, context.get());
    set_algorithms(config, context.get());
    return context;
}

std::vector<std::string> watched_files(const WebConfig& config) {
    std::vector<std::string> files{config.file};
    if (config.tls) {
        files.push_back(config.tls->cert_file);
        files.push_back(config.tls->key_file);
        if (!config.tls->client_ca_file.empty()) {
            files.push_back(config.tls->client_ca_file);
        }
    }
    return files;
}

FileStamp stamp_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return FileStamp{};
    }
    return FileStamp{
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
        static_cast<std::int64_t>(info.st_size), static_cast<std::uint64_t>(info.st_ino),
        static_cast<std::uint64_t>(info.st_dev)};
}

std::string tls_version_name(TlsVersion version) {
    switch (version) {
        case TlsVersion::Tls10:
            return "TLS10";
        case TlsVersion::Tls11:
            return "TLS11";
        case TlsVersion::Tls12:
            return "TLS12";
        case TlsVersion::Tls13:
            return "TLS13";
    }
    return "TLS12";
}

std::string client_auth_type_name(ClientAuthType type) {
    for (const auto& entry : kClientAuthTypes) {
        if (entry.type == type) {
            return std::string(entry.name);
        }
    }
    return "NoClientCert";
}

bool is_bcrypt_hash(std::string_view hash) {
    constexpr std::string_view kAlphabet =
        "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    if (hash.size() != 60 || !hash.starts_with("$2") || hash[3] != '$' || hash[6] != '$') {
        return false;
    }
    if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') {
        return false;
    }
    if (std::isdigit(static_cast<unsigned char>(hash[4])) == 0 ||
        std::isdigit(static_cast<unsigned char>(hash[5])) == 0) {
        return false;
    }
    const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
    return cost >= 4 && cost <= 31 &&
           hash.substr(7).find_first_not_of(kAlphabet) == std::string_view::npos;
}

bool bcrypt_matches(const std::string& hash, std::string_view password) {
    if (!is_bcrypt_hash(hash) || password.find('\0') != std::string_view::npos) {
        return false;
    }
    // crypt_data is large (tens of KiB) and must start zeroed; it holds key material after.
    auto data = std::make_unique<crypt_data>();
    std::string phrase(password);
    const char* result = crypt_r(phrase.c_str(), hash.c_str(), data.get());
    const bool matches = result != nullptr && std::strlen(result) == hash.size() &&
                         CRYPTO_memcmp(result, hash.data(), hash.size()) == 0;
    OPENSSL_cleanse(phrase.data(), phrase.size());
    OPENSSL_cleanse(data.get(), sizeof(crypt_data));
    return matches;
}

std::optional<BasicCredentials> parse_basic_authorization(std::string_view value) {
    constexpr std::string_view kScheme = "basic ";
    if (value.size() <= kScheme.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) {
            return std::nullopt;
        }
    }
    value.remove_prefix(kScheme.size());
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    auto decoded = base64_decode(value);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

namespace {

// Lengths go first, so that no two different triples hash the same bytes.
std::array<unsigned char, 32> credentials_key(const std::string& stored_hash,
                                              const BasicCredentials& credentials) {
    std::string material;
    for (const std::string* part : {&credentials.user, &stored_hash, &credentials.password}) {
        material += std::to_string(part->size()) + ":" + *part;
    }
    std::array<unsigned char, 32> key{};
    SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), key.data());
    OPENSSL_cleanse(material.data(), material.size());
    return key;
}

}  // namespace

BasicAuth::BasicAuth(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

bool BasicAuth::verified_before(const BasicAuthUsers& users,
                                const BasicCredentials& credentials) const {
    const auto user = users.find(credentials.user);
    if (user == users.end()) {
        return false;
    }
    const Key key = credentials_key(user->second, credentials);
    std::lock_guard lock(mutex_);
    return known_.count(key) != 0;
}

bool BasicAuth::verify(const BasicAuthUsers& users, const BasicCredentials& credentials) {
    if (users.empty()) {
        return false;
    }
    if (verified_before(users, credentials)) {
        return true;
    }
    const auto user = users.find(credentials.user);
    // An unknown user is checked against a real hash, then refused whatever the result.
    const std::string& hash = user != users.end() ? user->second : users.begin()->second;
    bool matches = false;
    {
        std::lock_guard lock(bcrypt_mutex_);
        matches = bcrypt_matches(hash, credentials.password);
    }
    if (!matches || user == users.end()) {
        return false;
    }
    remember(credentials_key(hash, credentials));
    return true;
}

std::size_t BasicAuth::remembered() const {
    std::lock_guard lock(mutex_);
    return known_.size();
}

void BasicAuth::remember(const Key& key) {
    std::lock_guard lock(mutex_);
    if (!known_.insert(key).second) {
        return;
    }
    order_.push_back(key);
    while (order_.size() > capacity_) {
        known_.erase(order_.front());
        order_.pop_front();
    }
}

}  // namespace engagevoice
