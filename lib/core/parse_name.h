#pragma once
// Enumerations named in configuration (edge operators, link heuristics) each
// have name(value) and a list of all values; one lookup serves them all.
#include <string>
#include <vector>

#include "core/errors.h"

namespace wb {

// The value in `all` whose name(value) is `text`; otherwise a ConfigError
// "unknown <what> "<text>" (expected one of ...)".
template <typename T>
T parse_name(const std::string& text, const std::vector<T>& all, const std::string& what) {
  std::string accepted;
  for (const T& value : all) {
    if (text == name(value)) return value;
    accepted += (accepted.empty() ? "" : ", ") + name(value);
  }
  throw ConfigError("unknown " + what + " \"" + text + "\" (expected one of " + accepted + ")");
}

}  // namespace wb
