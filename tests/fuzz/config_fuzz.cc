// libFuzzer target: TOML text to a validated experiment config (the one place
// settings are parsed and checked), then written back and parsed again: a
// config that validates once must validate from its own TOML.
#include <string>

#include "config/experiment_config.h"
#include "core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  wb::ExperimentConfig config;
  try {
    config = wb::parse_experiment_config(text, "fuzz.toml");
  } catch (const wb::Error&) {
    return 0;
  }
  try {
    wb::parse_experiment_config(wb::to_toml(config), "written.toml");
  } catch (const wb::Error&) {
    __builtin_trap();  // the writer produced a file the parser refuses
  }
  return 0;
}
