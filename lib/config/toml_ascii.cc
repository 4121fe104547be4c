#include "config/toml_ascii.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "core/errors.h"

namespace wb {
namespace {

enum class State { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };

std::string hex_byte(char c) {
  char hex[8];
  std::snprintf(hex, sizeof(hex), "0x%02X", static_cast<unsigned char>(c));
  return hex;
}

// How many quote characters `quote` start at `at`.
size_t quote_run(const std::string& text, size_t at, char quote) {
  size_t n = 0;
  while (at + n < text.size() && text[at + n] == quote) ++n;
  return n;
}

class AsciiWriter {
 public:
  AsciiWriter(const std::string& text, const std::string& source) : text_(text), source_(source) {
    out_.reserve(text.size() + text.size() / 8);
  }

  std::string run() {
    for (i_ = 0; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (c == '\n') {
        ++line_;
        if (state_ == State::kComment || state_ == State::kBasic || state_ == State::kLiteral) {
          state_ = State::kCode;  // single-line strings end here (toml++ reports the error)
        }
        out_ += c;
        continue;
      }
      switch (state_) {
        case State::kCode:
          code(c);
          break;
        case State::kComment:
          out_ += static_cast<unsigned char>(c) < 0x80 ? c : '?';  // toml++ ignores it
          break;
        case State::kBasic:
        case State::kMultiBasic:
          basic(c);
          break;
        case State::kLiteral:
        case State::kMultiLiteral:
          literal(c);
          break;
      }
    }
    return out_;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw ConfigError(located(source_, line_, "TOML syntax error: " + message));
  }

  void code(char c) {
    if (c == '#') {
      state_ = State::kComment;
      out_ += c;
    } else if (c == '"' || c == '\'') {
      const bool multi = quote_run(text_, i_, c) >= 3;
      state_ = c == '"' ? (multi ? State::kMultiBasic : State::kBasic)
                        : (multi ? State::kMultiLiteral : State::kLiteral);
      // Literal strings become basic strings, so that what they hold can be
      // written with escapes.
      out_ += multi ? "\"\"\"" : "\"";
      if (multi) i_ += 2;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      fail("a non-ASCII character (first byte " + hex_byte(c) +
           ") outside a quoted string or comment; typographic quotes pasted from a document are "
           "a common cause");
    } else {
      out_ += c;
    }
  }

  // True when a closing delimiter starts here; up to two quotes before it
  // belong to the string, as TOML allows in multi-line strings.
  bool closes(char quote, bool multi) {
    if (!multi) return text_[i_] == quote;
    const size_t run = quote_run(text_, i_, quote);
    if (run < 3) return false;
    const size_t content = std::min<size_t>(run - 3, 2);
    for (size_t k = 0; k < content; ++k) out_ += quote == '"' ? "\\\"" : "'";
    i_ += content;
    return true;
  }

  void close(bool multi) {
    out_ += multi ? "\"\"\"" : "\"";
    if (multi) i_ += 2;
    state_ = State::kCode;
  }

  void basic(char c) {
    const bool multi = state_ == State::kMultiBasic;
    if (c == '\\') {
      // An escape: copied with the character it escapes, which is never
      // non-ASCII in valid TOML.
      out_ += c;
      if (i_ + 1 < text_.size() && text_[i_ + 1] != '\n') {
        if (static_cast<unsigned char>(text_[i_ + 1]) >= 0x80) {
          fail("a backslash before a non-ASCII character (first byte " + hex_byte(text_[i_ + 1]) +
               ") is not an escape sequence");
        }
        out_ += text_[++i_];
      }
    } else if (c == '"' && closes('"', multi)) {
      close(multi);
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      escape_code_point();
    } else {
      out_ += c;
    }
  }

  void literal(char c) {
    const bool multi = state_ == State::kMultiLiteral;
    if (c == '\'' && closes('\'', multi)) {
      close(multi);
    } else if (c == '\\' || c == '"') {
      out_ += '\\';
      out_ += c;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      escape_code_point();
    } else {
      out_ += c;
    }
  }

  // The UTF-8 sequence at i_ as a \uXXXX or \UXXXXXXXX escape.
  void escape_code_point() {
    const auto lead = static_cast<unsigned char>(text_[i_]);
    const int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || i_ + length > text_.size()) {
      fail("invalid UTF-8 (byte " + hex_byte(text_[i_]) + ") in a string");
    }
    uint32_t code_point = lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text_[i_ + k]);
      if ((next & 0xC0) != 0x80)
        fail("invalid UTF-8 (byte " + hex_byte(text_[i_ + k]) + ") in a string");
      code_point = (code_point << 6) | (next & 0x3F);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      fail("invalid UTF-8 (an overlong, surrogate or out-of-range sequence) in a string");
    }
    char escape[16];
    std::snprintf(escape, sizeof(escape), code_point <= 0xFFFF ? "\\u%04X" : "\\U%08X",
                  static_cast<unsigned>(code_point));
    out_ += escape;
    i_ += static_cast<size_t>(length - 1);
  }

  const std::string& text_;
  const std::string& source_;
  std::string out_;
  State state_ = State::kCode;
  size_t i_ = 0;
  long line_ = 1;
};

}  // namespace

std::string toml_as_ascii(const std::string& text, const std::string& source) {
  return AsciiWriter(text, source).run();
}

}  // namespace wb
