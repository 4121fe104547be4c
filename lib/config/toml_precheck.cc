#include "config/toml_precheck.h"

#include <cstdio>

#include "core/errors.h"

namespace wb {
namespace {

enum class State { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };

bool starts_with(const std::string& text, size_t at, const char* prefix) {
  return text.compare(at, std::char_traits<char>::length(prefix), prefix) == 0;
}

}  // namespace

void check_toml_characters(const std::string& text, const std::string& source) {
  State state = State::kCode;
  long line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      if (state == State::kComment || state == State::kBasic || state == State::kLiteral) {
        state = State::kCode;  // single-line strings end here (toml++ reports the error)
      }
      continue;
    }
    switch (state) {
      case State::kCode:
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
          char hex[8];
          std::snprintf(hex, sizeof(hex), "0x%02X", static_cast<unsigned char>(c));
          throw ConfigError(
              located(source, line,
                      std::string("TOML syntax error: a non-ASCII character (first byte ") + hex +
                          ") outside a quoted string or comment; typographic quotes pasted from a "
                          "document are a common cause"));
        }
        break;
      case State::kComment:
        break;
      case State::kBasic:
        if (c == '\\')
          ++i;  // an escape: the next character cannot end the string
        else if (c == '"')
          state = State::kCode;
        break;
      case State::kLiteral:
        if (c == '\'') state = State::kCode;
        break;
      case State::kMultiBasic:
        if (c == '\\')
          ++i;
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
