#include "config/toml_precheck.h"

#include <cstdio>

#include "core/errors.h"

namespace wb {
namespace {

enum class State { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };

bool starts_with(const std::string& text, size_t at, const char* prefix) {
  return text.compare(at, std::char_traits<char>::length(prefix), prefix) == 0;
}

std::string hex_byte(char c) {
  char hex[8];
  std::snprintf(hex, sizeof(hex), "0x%02X", static_cast<unsigned char>(c));
  return hex;
}

// Where scanning goes on after a backslash at `at` in a basic string. toml++
// 3.3.0 tests the characters after a backslash (in a multi-line string also
// those after the whitespace and line ends a line-ending backslash skips)
// with whitespace tables that reach __builtin_unreachable for U+FBB6..U+FEFE
// (found by tools/fuzz.sh). No escape has a non-ASCII character there, so one
// is refused. Line ends skipped here are counted in `line`.
size_t after_escape(const std::string& text, size_t at, bool multi_line, long& line,
                    const std::string& source) {
  size_t next = at + 1;
  while (multi_line && next < text.size() &&
         (text[next] == ' ' || text[next] == '\t' || text[next] == '\r' || text[next] == '\n')) {
    if (text[next] == '\n') ++line;
    ++next;
  }
  if (next < text.size() && static_cast<unsigned char>(text[next]) >= 0x80) {
    throw ConfigError(located(source, line,
                              "TOML syntax error: a backslash before a non-ASCII character (first "
                              "byte " +
                                  hex_byte(text[next]) + ") is not an escape sequence"));
  }
  if (next > at + 1) return next - 1;  // text[next] is read as usual
  // An escaped character cannot end the string; a line end is left to the caller.
  return next < text.size() && text[next] != '\n' ? next : at;
}

// A string may start only where TOML has a key or a value: at a line start or
// after '=', '[', ',', '{' or '.'. toml++ 3.3.0 reads a quote glued to a value
// (s=2"...) as part of it and tests the next character with the whitespace
// tables that reach __builtin_unreachable for non-ASCII characters (found by
// tools/fuzz.sh), so such a quote is refused before it gets there.
void check_string_start(char before, long line, const std::string& source) {
  if (before == '\n' || before == '=' || before == '[' || before == ',' || before == '{' ||
      before == '.') {
    return;
  }
  throw ConfigError(
      located(source, line,
              std::string("TOML syntax error: a quote right after '") + before +
                  "' (a string starts a key or a value: after '=', ',', '[' or '{')"));
}

}  // namespace

void check_toml_characters(const std::string& text, const std::string& source) {
  State state = State::kCode;
  long line = 1;
  char before = '\n';  // the last character of code, blanks aside; '\n' at a line start
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      before = '\n';
      if (state == State::kComment || state == State::kBasic || state == State::kLiteral) {
        state = State::kCode;  // single-line strings end here (toml++ reports the error)
      }
      continue;
    }
    switch (state) {
      case State::kCode:
        if (c == ' ' || c == '\t' || c == '\r') break;
        if (c == '"' || c == '\'') check_string_start(before, line, source);
        before = c;  // a string's closing quote leaves '"' or '\'' here too
        if (c == '#') {
          state = State::kComment;
        } else if (starts_with(text, i, "\"\"\"")) {
          state = State::kMultiBasic, i += 2;
        } else if (starts_with(text, i, "'''")) {
          state = State::kMultiLiteral, i += 2;
        } else if (c == '"') {
          state = State::kBasic;
        } else if (c == '\'') {
          state = State::kLiteral;
        } else if (static_cast<unsigned char>(c) >= 0x80) {
          throw ConfigError(
              located(source, line,
                      "TOML syntax error: a non-ASCII character (first byte " + hex_byte(c) +
                          ") outside a quoted string or comment; typographic quotes pasted from a "
                          "document are a common cause"));
        }
        break;
      case State::kComment:
        break;
      case State::kBasic:
        if (c == '\\')
          i = after_escape(text, i, false, line, source);
        else if (c == '"')
          state = State::kCode;
        break;
      case State::kLiteral:
        if (c == '\'') state = State::kCode;
        break;
      case State::kMultiBasic:
        if (c == '\\')
          i = after_escape(text, i, true, line, source);
        else if (starts_with(text, i, "\"\"\""))
          state = State::kCode, i += 2;
        break;
      case State::kMultiLiteral:
        if (starts_with(text, i, "'''")) state = State::kCode, i += 2;
        break;
    }
  }
}

}  // namespace wb
