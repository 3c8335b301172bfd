#include "engagevoice/secret.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

// A credential is a line or a small PEM; anything larger is the wrong file.
constexpr std::size_t kMaxFileBytes = 64 * 1024;

// Closes the descriptor on every way out of read_file.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

private:
    int fd_;
};

// Reads at most `limit` bytes; nullopt on a read error (errno says which).
std::optional<std::string> read_up_to(int fd, std::size_t limit) {
    std::string value;
    char buffer[8192];
    while (value.size() < limit) {
        std::size_t wanted = std::min(sizeof(buffer), limit - value.size());
        ssize_t got = ::read(fd, buffer, wanted);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return std::nullopt;
        }
        if (got == 0) {
            break;
        }
        value.append(buffer, static_cast<std::size_t>(got));
    }
    return value;
}

// O_NONBLOCK keeps a FIFO from blocking the open; fstat on the open descriptor then refuses
// FIFOs, devices such as /dev/zero and directories without a race against a swapped path.
std::optional<std::string> read_file(const std::string& path, std::string* error) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) {
        return fail_with(error, "cannot read file " + path + ": " + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        return fail_with(error, "cannot read file " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode)) {
        return fail_with(error, "file " + path + " is not a regular file");
    }
    // One byte past the limit tells a file of exactly 64 KiB from a larger one.
    auto contents = read_up_to(fd.get(), kMaxFileBytes + 1);
    if (!contents) {
        return fail_with(error, "cannot read file " + path + ": " + std::strerror(errno));
    }
    if (contents->size() > kMaxFileBytes) {
        return fail_with(error, "file " + path + " is larger than 64 KiB");
    }

    std::string value = std::move(*contents);
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

std::string control_byte_problem(std::string_view value) {
    const auto control = std::find_if(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (control == value.end()) {
        return {};
    }
    std::string name;
    switch (*control) {
        case '\n':
            name = "a line break";
            break;
        case '\r':
            name = "a carriage return";
            break;
        case '\0':
            name = "a NUL";
            break;
        case '\t':
            name = "a tab";
            break;
        default: {
            static constexpr char kHex[] = "0123456789abcdef";
            const auto byte = static_cast<unsigned char>(*control);
            name = std::string("0x") + kHex[byte >> 4] + kHex[byte & 0xf];
        }
    }
    return "holds a control byte (" + name + ") at byte " +
           std::to_string(control - value.begin() + 1);
}

std::ostream& operator<<(std::ostream& out, const Secret& /*secret*/) { return out << "<secret>"; }

}  // namespace engagevoice
