#include "engagevoice/secret.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <utility>

namespace engagevoice {
namespace {

std::optional<std::string> fail_with(std::string* error, std::string reason) {
    if (error != nullptr) {
        *error = std::move(reason);
    }
    return std::nullopt;
}

// Files written by editors and `echo` end in a newline that is never part of the credential.
void strip_trailing_newlines(std::string& value) {
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
        value.pop_back();
    }
}

std::optional<std::string> read_file(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail_with(error, "cannot read file " + path + ": " + std::strerror(errno));
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    if (in.bad()) {
        return fail_with(error, "cannot read file " + path);
    }

    std::string value = contents.str();
    strip_trailing_newlines(value);
    if (value.empty()) {
        return fail_with(error, "file " + path + " is empty");
    }
    return value;
}

std::optional<std::string> read_env(const std::string& variable, std::string* error) {
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr) {
        return fail_with(error, "environment variable " + variable + " is not set");
    }
    if (*value == '\0') {
        return fail_with(error, "environment variable " + variable + " is empty");
    }
    return std::string(value);
}

}  // namespace

Secret Secret::from_inline(std::string value) {
    Secret secret;
    secret.source_ = Source::Inline;
    secret.ref_ = std::move(value);
    return secret;
}

Secret Secret::from_file(std::string path) {
    Secret secret;
    secret.source_ = Source::File;
    secret.ref_ = std::move(path);
    return secret;
}

Secret Secret::from_env(std::string variable) {
    Secret secret;
    secret.source_ = Source::Env;
    secret.ref_ = std::move(variable);
    return secret;
}

std::optional<std::string> Secret::resolve(std::string* error) const {
    switch (source_) {
        case Source::None:
            return fail_with(error, "no value is configured");
        case Source::Inline:
            if (ref_.empty()) {
                return fail_with(error, "the inline value is empty");
            }
            return ref_;
        case Source::File:
            return read_file(ref_, error);
        case Source::Env:
            return read_env(ref_, error);
    }
    return fail_with(error, "no value is configured");
}

std::string Secret::describe() const {
    switch (source_) {
        case Source::None:
            return "none";
        case Source::Inline:
            return "inline";
        case Source::File:
            return "file " + ref_;
        case Source::Env:
            return "env " + ref_;
    }
    return "none";
}

std::ostream& operator<<(std::ostream& out, const Secret& /*secret*/) { return out << "<secret>"; }

}  // namespace engagevoice
