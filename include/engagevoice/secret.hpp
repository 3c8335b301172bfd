// A credential from the configuration that never prints itself.
//
// A secret is given inline, as a file to read (`*_file` keys) or as `${ENV_VAR}`. It is read
// when it is needed, so a rotated file is picked up at the next sign-in. Printing or logging a
// Secret shows "<secret>".
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace engagevoice {

class Secret {
public:
    enum class Source { None, Inline, File, Env };

    Secret() = default;
    static Secret from_inline(std::string value);
    static Secret from_file(std::string path);
    static Secret from_env(std::string variable);

    Source source() const { return source_; }
    bool empty() const { return source_ == Source::None; }

    // Reads the value now: the inline text, the file's contents without trailing newlines, or
    // the environment variable. nullopt when the file cannot be read, the variable is unset, or
    // the value is empty; `error` then says why without the value ("cannot read file
    // /etc/engage/jwt: No such file or directory", "environment variable JWT is not set").
    std::optional<std::string> resolve(std::string* error = nullptr) const;

    // Where the value comes from, safe to show: "inline", "file /etc/engage/jwt", "env JWT".
    std::string describe() const;

    // The same source: the same file, the same variable or the same inline value.
    bool operator==(const Secret&) const = default;

private:
    Source source_ = Source::None;
    std::string ref_;  // the value, path or variable name
};

// Empty when `value` is one line of text; else what is wrong, without the value: "holds a
// control byte (a NUL) at byte 3". A control byte (below 0x20, or 0x7f) has no place in a
// header, a form field or a URL: a line break would even split a header in two.
std::string control_byte_problem(std::string_view value);

// Prints "<secret>", whatever the source.
std::ostream& operator<<(std::ostream& out, const Secret& secret);

}  // namespace engagevoice
