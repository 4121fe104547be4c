#pragma once
// What toml++ reads instead of the user's text: the same TOML in ASCII only.
// toml++ 3.3.0 tests characters against Unicode whitespace tables that reach
// __builtin_unreachable (undefined behaviour) for whole ranges of code points
// (U+00A1..U+0499, U+2CFE..U+3097, U+FB26..U+FEFE) wherever its tokenizer
// looks for whitespace, and on malformed input it looks inside what should be
// strings (found by tools/fuzz.sh: `"""\` then U+FEFB, `s=2"é`, `d=1["ǁ`).
// So every non-ASCII character in a string becomes a \uXXXX escape (literal
// strings become basic strings with their backslashes and quotes escaped),
// comments lose theirs, and one outside strings and comments is refused with
// its line. Lines stay where they were, so toml++'s line numbers hold.
#include <string>

namespace wb {

// Throws ConfigError "source:line: TOML syntax error: ..." for a non-ASCII
// character outside strings and comments, invalid UTF-8 in a string, or a
// backslash before a non-ASCII character.
std::string toml_as_ascii(const std::string& text, const std::string& source);

}  // namespace wb
