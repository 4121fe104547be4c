#pragma once
// A pass over TOML text before toml++ reads it. toml++ 3.3.0 reaches
// __builtin_unreachable (undefined behaviour) on some non-ASCII characters
// outside strings and comments, e.g. typographic quotes pasted into a file
// (found by tools/fuzz.sh). TOML allows only ASCII there, so such a character
// is refused here with its line, before the parser can misbehave; so is a
// backslash before a non-ASCII character in a basic string (never a valid
// escape, and another path to the same undefined behaviour).
#include <string>

namespace wb {

// Throws ConfigError "source:line: ..." at the first non-ASCII byte outside a
// string or comment, or after a backslash in a basic string.
void check_toml_characters(const std::string& text, const std::string& source);

}  // namespace wb
