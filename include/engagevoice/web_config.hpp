// The web configuration file (--web.config.file): TLS, basic auth and extra response headers,
// in the schema of Prometheus' exporter-toolkit.
//
// parse_web_config checks the YAML alone: keys, values and the form of the bcrypt hashes.
// make_server_tls_context loads the certificate, key and CA files it names. BasicAuth checks a
// user's password against the file's bcrypt hashes and remembers the successes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engagevoice/http_headers.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace engagevoice {

enum class ClientAuthType {
    NoClientCert,                // no client certificate asked for
    RequestClientCert,           // asked for, not required, not verified
    RequireAnyClientCert,        // required, not verified
    VerifyClientCertIfGiven,     // not required; verified against client_ca_file when sent
    RequireAndVerifyClientCert,  // required and verified against client_ca_file
};

enum class TlsVersion { Tls10, Tls11, Tls12, Tls13 };

// tls_server_config. Paths are absolute, or made so from the web config file's directory.
struct WebTlsConfig {
    std::string cert_file;  // PEM chain, the server's certificate first
    std::string key_file;   // PEM private key
    ClientAuthType client_auth_type = ClientAuthType::NoClientCert;
    std::string client_ca_file;  // PEM CAs for client certificates; "" when none
    TlsVersion min_version = TlsVersion::Tls12;
    TlsVersion max_version = TlsVersion::Tls13;
    // IANA names as Go spells them ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"); they restrict
    // TLS 1.2 and older, as in Go. Empty for OpenSSL's defaults. Checked when the server loads.
    std::vector<std::string> cipher_suites;
    // "CurveP256", "CurveP384", "CurveP521", "X25519", in order of preference; empty for
    // OpenSSL's defaults.
    std::vector<std::string> curve_preferences;
    bool prefer_server_cipher_suites = true;
};

// basic_auth_users: user name to bcrypt hash.
using BasicAuthUsers = std::map<std::string, std::string, std::less<>>;

struct WebConfig {
    std::string file;
    // nullopt serves plain HTTP: tls_server_config absent or empty.
    std::optional<WebTlsConfig> tls;
    // http_server_config.headers, added to every response, in the file's order.
    HeaderList headers;
    // Empty: no authentication. Otherwise every request needs one of these users.
    BasicAuthUsers users;
};

// Parses a web configuration. `file` names the file in errors, and relative paths are taken
// from its directory. Throws ConfigError naming the file and the key
// ("tls_server_config.client_ca_file") for unknown keys, missing or contradictory values and
// hashes that are not bcrypt. An empty file is valid: plain HTTP without authentication.
WebConfig parse_web_config(const std::string& yaml_text, const std::string& file);

// Reads and parses `path`; throws ConfigError when it cannot be read or is invalid.
WebConfig load_web_config(const std::string& path);

// "TLS12" and so on, as the file spells the versions.
std::string tls_version_name(TlsVersion version);
// "RequireAndVerifyClientCert" and so on.
std::string client_auth_type_name(ClientAuthType type);

// An OpenSSL server context for config.tls, which must be set: the certificate chain, key and
// client CAs loaded, the versions, client auth, cipher suites and curves set. Throws ConfigError
// naming config.file and the key ("tls_server_config.key_file") when a file does not load or a
// cipher suite is unknown; std::runtime_error instead when config.file is empty (options given
// in code rather than a file).
std::shared_ptr<ssl_ctx_st> make_server_tls_context(const WebConfig& config);

// The files a web configuration depends on: the file itself, then its certificate, key and
// client CA files.
std::vector<std::string> watched_files(const WebConfig& config);

// What tells one version of a file from the next. All zero for a file that cannot be read.
struct FileStamp {
    std::int64_t modified_ns = 0;
    std::int64_t size = 0;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;

    bool operator==(const FileStamp&) const = default;
};

// Follows symbolic links, so a Kubernetes Secret volume, which swaps a link, reads as changed.
FileStamp stamp_file(const std::string& path);

// True when `hash` has the form of a bcrypt hash: "$2a$", "$2b$" or "$2y$", a cost from 04 to
// 31, "$" and 53 characters of bcrypt's Base64.
bool is_bcrypt_hash(std::string_view hash);

// True when `password` matches the bcrypt `hash`, compared in constant time. False for a hash
// of another form, a password holding a NUL byte, or when crypt fails. Slow by design (tens of
// milliseconds at cost 10). Thread-safe.
bool bcrypt_matches(const std::string& hash, std::string_view password);

struct BasicCredentials {
    std::string user;
    std::string password;
};

// The user and password of an "Authorization: Basic <base64>" value; nullopt for another
// scheme, bad Base64 or no colon. The scheme name is case-insensitive.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view value);

// Checks basic auth credentials and remembers the successes, keyed by a SHA-256 of the user,
// the password and the stored hash: a scrape every 15 s costs one bcrypt at first, then a
// hash. Failures are not remembered, so wrong passwords cannot push good entries out. A
// changed hash or a removed user no longer matches any entry. Thread-safe.
class BasicAuth {
public:
    // Remembers up to `capacity` successes, dropping the oldest beyond.
    explicit BasicAuth(std::size_t capacity = 256);

    // True when these credentials succeeded before against the same users. Cheap.
    bool verified_before(const BasicAuthUsers& users, const BasicCredentials& credentials) const;
    // True when the user exists and the password matches its hash; remembers a success. An
    // unknown user costs one bcrypt like a known one, so timing does not tell which names
    // exist. The bcrypt runs one at a time, so a flood of guesses takes one core at most.
    bool verify(const BasicAuthUsers& users, const BasicCredentials& credentials);

    // The number of successes remembered.
    std::size_t remembered() const;

private:
    using Key = std::array<unsigned char, 32>;

    void remember(const Key& key);

    std::size_t capacity_;
    mutable std::mutex mutex_;  // guards known_ and order_
    std::set<Key> known_;
    std::deque<Key> order_;    // oldest first
    std::mutex bcrypt_mutex_;  // one bcrypt at a time
};

}  // namespace engagevoice
