#pragma once
// A double-quoted string literal that is valid both as a JSON string and as a
// TOML basic string: the two share their escapes (\" \\ \n \r \t \uXXXX).
#include <string>

namespace wb {

std::string double_quoted(const std::string& text);

}  // namespace wb
