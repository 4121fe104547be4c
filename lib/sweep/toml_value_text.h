#pragma once
// Sweep values travel as TOML text ("0.25", "\"node2vec\"", "[\"hadamard\"]"):
// the form `--set section.key=value` overrides take, so a trial's overrides
// go through the same validation as a user's.
#include <toml++/toml.h>

#include <string>

namespace wb {

// Throws ConfigError (without a location: the caller adds it) for a value a
// setting cannot hold, such as a date or a table.
std::string toml_value_text(const toml::node& node);

// The shortest text that reads back as exactly `value`, always a TOML float.
std::string toml_real_text(double value);

}  // namespace wb
