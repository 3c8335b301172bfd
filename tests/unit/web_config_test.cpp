#include "engagevoice/web_config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "engagevoice/config.hpp"
#include "engagevoice/http_server.hpp"

using namespace engagevoice;

namespace {

namespace fs = std::filesystem;

const std::string kWebDir = std::string(ENGAGEVOICE_FIXTURES_DIR) + "/web/";
const std::string kTlsDir = std::string(ENGAGEVOICE_FIXTURES_DIR) + "/tls/";

// The hashes of tests/fixtures/web/tls_and_users.yml, made with libxcrypt at cost 10.
const std::string kHash2y = "$2y$10$aOcY4GiZd8Z8gG2cx1dJCeVHwcS42gBBgUYc8q/s2NfECXeFm5kpC";
const std::string kHash2b = "$2b$10$g/aJ8G9inK.0rifyUQmGYeMVCBU67N4ShD4hTkmFbbTim8WMaWpTu";
const std::string kHash2a = "$2a$10$1uN0QyrxofDC8..3clyy0eSgmaLjvSyAv6c.e48qUDqGs5vY.QO2e";
const std::string kPassword = "scrape-secret";
const std::string kOtherHash = "$2b$10$elOay9j8uos0nW/Sv.p2b.XN.hoymP77zMmaIkXXOoRXK2Vc5zGJK";
const std::string kOtherPassword = "other-secret";

std::string first_line_value(const std::string& path, const std::string& prefix) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return line.substr(prefix.size());
        }
    }
    return "";
}

std::string canonical(const std::string& path) { return fs::weakly_canonical(path).string(); }

}  // namespace

TEST_CASE("web config reads tls, headers and users, with paths from the file's directory",
          "[web_config]") {
    const WebConfig config = load_web_config(kWebDir + "tls_and_users.yml");

    CHECK(config.file == kWebDir + "tls_and_users.yml");
    REQUIRE(config.tls);
    CHECK(canonical(config.tls->cert_file) == canonical(kTlsDir + "localhost_cert.pem"));
    CHECK(canonical(config.tls->key_file) == canonical(kTlsDir + "localhost_key.pem"));
    CHECK(config.tls->client_auth_type == ClientAuthType::NoClientCert);
    CHECK(config.tls->client_ca_file.empty());
    CHECK(config.tls->min_version == TlsVersion::Tls12);
    CHECK(config.tls->max_version == TlsVersion::Tls13);
    CHECK(config.tls->cipher_suites.empty());
    CHECK(config.tls->prefer_server_cipher_suites);
    CHECK(config.headers == HeaderList{{"X-Content-Type-Options", "nosniff"},
                                       {"Strict-Transport-Security", "max-age=31536000"}});
    CHECK(config.users == BasicAuthUsers{{"prometheus", kHash2y}, {"grafana", kOtherHash}});
    CHECK(watched_files(config) ==
          std::vector<std::string>{config.file, config.tls->cert_file, config.tls->key_file});
}

TEST_CASE("web config reads client certificate settings, versions, ciphers and curves",
          "[web_config]") {
    const WebConfig config = load_web_config(kWebDir + "mutual_tls.yml");

    REQUIRE(config.tls);
    CHECK(config.tls->client_auth_type == ClientAuthType::RequireAndVerifyClientCert);
    CHECK(canonical(config.tls->client_ca_file) == canonical(kTlsDir + "client_ca_cert.pem"));
    CHECK(config.tls->cipher_suites ==
          std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                   "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                                   "TLS_AES_128_GCM_SHA256"});
    CHECK(config.tls->curve_preferences == std::vector<std::string>{"X25519", "CurveP256"});
    CHECK(config.users.empty());
    CHECK(watched_files(config).size() == 4);
    CHECK(watched_files(config).back() == config.tls->client_ca_file);
    CHECK(make_server_tls_context(config) != nullptr);
}

TEST_CASE("web config names every client auth type and tls version as the file does",
          "[web_config]") {
    auto type_of = [](const std::string& name) {
        return parse_web_config(
                   "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n"
                   "  client_auth_type: " +
                       name + "\n  client_ca_file: ca.pem\n",
                   "/etc/web.yml")
            .tls->client_auth_type;
    };

    for (auto type :
         {ClientAuthType::RequestClientCert, ClientAuthType::RequireAnyClientCert,
          ClientAuthType::VerifyClientCertIfGiven, ClientAuthType::RequireAndVerifyClientCert}) {
        CHECK(type_of(client_auth_type_name(type)) == type);
    }
    CHECK(type_of("RequireClientCert") == ClientAuthType::RequireAnyClientCert);
    CHECK(client_auth_type_name(ClientAuthType::NoClientCert) == "NoClientCert");
    CHECK(tls_version_name(TlsVersion::Tls10) == "TLS10");
    CHECK(tls_version_name(TlsVersion::Tls13) == "TLS13");
    CHECK(parse_web_config("tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n",
                           "/etc/web.yml")
              .tls->cert_file == "/etc/c.pem");
}

TEST_CASE("web config without settings serves plain http without authentication", "[web_config]") {
    for (const std::string text :
         {"", "# nothing yet\n", "tls_server_config:\n", "tls_server_config: {}\n",
          "http_server_config:\n  http2: true\nbasic_auth_users: {}\n"}) {
        INFO(text);
        const WebConfig config = parse_web_config(text, "web.yml");
        CHECK_FALSE(config.tls);
        CHECK(config.users.empty());
        CHECK(config.headers.empty());
    }
}

TEST_CASE("web config refuses each invalid file, naming the file and the key", "[web_config]") {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(kWebDir + "invalid")) {
        files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 30);

    for (const auto& file : files) {
        INFO(file);
        std::string key = first_line_value(file, "# key: ");
        key = key == "(the file)" ? "" : key;
        const std::string error = first_line_value(file, "# error: ");
        REQUIRE_FALSE(error.empty());
        try {
            check_web_config(file);
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK(e.file() == file);
            CHECK(e.key() == key);
            CHECK_THAT(e.what(), Catch::StartsWith(file + ": " + (key.empty() ? "" : key + ": ")));
            CHECK_THAT(e.what(), Catch::Contains(error));
            // plain_password.yml holds this password where a hash belongs.
            CHECK_THAT(e.what(), !Catch::Contains(kPassword));
        }
    }
}

TEST_CASE("web config refuses a file it cannot read", "[web_config]") {
    const std::string missing = kWebDir + "missing.yml";

    CHECK_THROWS_WITH(load_web_config(missing), Catch::StartsWith(missing + ": cannot read"));
    CHECK_THROWS_WITH(load_web_config(kWebDir + "invalid"), Catch::Contains("directory"));
}

TEST_CASE("bcrypt hashes of every variant match their password and nothing else",
          "[web_config][basic_auth]") {
    for (const auto& hash : {kHash2y, kHash2b, kHash2a}) {
        INFO(hash);
        CHECK(is_bcrypt_hash(hash));
        CHECK(bcrypt_matches(hash, kPassword));
        CHECK_FALSE(bcrypt_matches(hash, "scrape-secreT"));
        CHECK_FALSE(bcrypt_matches(hash, ""));
        CHECK_FALSE(bcrypt_matches(hash, kPassword + std::string(1, '\0') + "more"));
    }
    CHECK(bcrypt_matches(kOtherHash, kOtherPassword));
    CHECK_FALSE(bcrypt_matches(kOtherHash, kPassword));
}

TEST_CASE("bcrypt hashes are checked for their form before use", "[web_config][basic_auth]") {
    CHECK_FALSE(is_bcrypt_hash(""));
    CHECK_FALSE(is_bcrypt_hash(kPassword));
    CHECK_FALSE(is_bcrypt_hash(kHash2y.substr(0, 59)));
    CHECK_FALSE(is_bcrypt_hash(kHash2y + "x"));
    CHECK_FALSE(is_bcrypt_hash("$2x$" + kHash2y.substr(4)));
    CHECK_FALSE(is_bcrypt_hash("$2y$03$" + kHash2y.substr(7)));
    CHECK_FALSE(is_bcrypt_hash("$2y$32$" + kHash2y.substr(7)));
    CHECK_FALSE(is_bcrypt_hash("$2y$10$" + kHash2y.substr(7, 52) + "!"));
    CHECK_FALSE(is_bcrypt_hash("$1$abcdefgh$abcdefghijklmnopqrstuv"));
    CHECK_FALSE(bcrypt_matches("$1$abcdefgh$abcdefghijklmnopqrstuv", kPassword));
    CHECK(is_bcrypt_hash("$2b$04$" + kHash2y.substr(7)));
    CHECK(is_bcrypt_hash("$2b$31$" + kHash2y.substr(7)));
}

TEST_CASE("basic authorization values give the user and the password", "[web_config][basic_auth]") {
    auto credentials = parse_basic_authorization("Basic cHJvbWV0aGV1czpzY3JhcGUtc2VjcmV0");
    REQUIRE(credentials);
    CHECK(credentials->user == "prometheus");
    CHECK(credentials->password == kPassword);

    // "a:b:c": the password may hold colons; the scheme is case-insensitive.
    credentials = parse_basic_authorization("basic YTpiOmM=");
    REQUIRE(credentials);
    CHECK(credentials->user == "a");
    CHECK(credentials->password == "b:c");
    // ":" alone: an empty user and password are still credentials, which no user matches.
    credentials = parse_basic_authorization("BASIC Og==");
    REQUIRE(credentials);
    CHECK(credentials->user.empty());

    CHECK_FALSE(parse_basic_authorization(""));
    CHECK_FALSE(parse_basic_authorization("Basic"));
    CHECK_FALSE(parse_basic_authorization("Basic "));
    CHECK_FALSE(parse_basic_authorization("Bearer cHJvbWV0aGV1czpzY3JhcGUtc2VjcmV0"));
    CHECK_FALSE(parse_basic_authorization("Basic not*base64"));
    CHECK_FALSE(parse_basic_authorization("Basic cHJvbWV0aGV1cw=="));  // "prometheus"
}

TEST_CASE("basic auth remembers successes, not failures, per stored hash",
          "[web_config][basic_auth]") {
    const BasicAuthUsers users{{"prometheus", kHash2y}, {"grafana", kOtherHash}};
    const BasicCredentials right{"prometheus", kPassword};
    const BasicCredentials wrong{"prometheus", "guess"};
    BasicAuth auth;

    CHECK_FALSE(auth.verified_before(users, right));
    CHECK(auth.verify(users, right));
    CHECK(auth.verified_before(users, right));
    CHECK(auth.verify(users, right));
    CHECK(auth.remembered() == 1);

    CHECK_FALSE(auth.verify(users, wrong));
    CHECK_FALSE(auth.verified_before(users, wrong));
    CHECK_FALSE(auth.verify(users, {"nobody", kPassword}));
    CHECK_FALSE(auth.verify(users, {"grafana", kPassword}));
    CHECK_FALSE(auth.verify({}, right));
    CHECK(auth.remembered() == 1);

    // A new hash for the same user, as after a password change, needs the new password.
    const BasicAuthUsers changed{{"prometheus", kOtherHash}};
    CHECK_FALSE(auth.verified_before(changed, right));
    CHECK_FALSE(auth.verify(changed, right));
    CHECK(auth.verify(changed, {"prometheus", kOtherPassword}));
    CHECK(auth.remembered() == 2);
}

TEST_CASE("basic auth forgets the oldest success beyond its capacity", "[web_config][basic_auth]") {
    const BasicAuthUsers users{{"prometheus", kHash2b}, {"grafana", kOtherHash}};
    BasicAuth auth(1);

    REQUIRE(auth.verify(users, {"prometheus", kPassword}));
    REQUIRE(auth.verify(users, {"grafana", kOtherPassword}));

    CHECK(auth.remembered() == 1);
    CHECK(auth.verified_before(users, {"grafana", kOtherPassword}));
    CHECK_FALSE(auth.verified_before(users, {"prometheus", kPassword}));
}

TEST_CASE("file stamps change when a file is replaced and are zero when it is gone",
          "[web_config]") {
    const fs::path dir =
        fs::temp_directory_path() / ("web_config_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string file = (dir / "cert.pem").string();

    CHECK(stamp_file(file) == FileStamp{});
    std::ofstream(file) << "one";
    const FileStamp first = stamp_file(file);
    CHECK(first.size == 3);
    CHECK(stamp_file(file) == first);
    std::ofstream(dir / "next.pem") << "two";
    fs::rename(dir / "next.pem", file);
    CHECK_FALSE(stamp_file(file) == first);

    fs::remove_all(dir);
}
