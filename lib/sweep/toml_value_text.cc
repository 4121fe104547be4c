#include "sweep/toml_value_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/errors.h"
#include "core/quoted_string.h"

namespace wb {
std::string toml_real_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 64> buffer{};
  const auto written = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string text(buffer.data(), written.ptr);
  // "2" would read back as an integer; TOML floats need a point or an exponent.
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string toml_value_text(const toml::node& node) {
  if (node.is_integer()) return std::to_string(*node.value<int64_t>());
  if (node.is_floating_point()) return toml_real_text(*node.value<double>());
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  if (node.is_string()) return double_quoted(*node.value<std::string>());
  if (const toml::array* array = node.as_array()) {
    std::string text = "[";
    for (const toml::node& item : *array) {
      if (text.size() > 1) text += ", ";
      text += toml_value_text(item);
    }
    return text + "]";
  }
  throw ConfigError("expected a number, a string, true/false or a list of them");
}

}  // namespace wb
