#pragma once
// Where a run happens: library versions, accelerators and the CPU. Recorded
// with every run and printed by `workbench doctor`.
#include <string>
#include <utility>
#include <vector>

namespace wb {

struct GpuInfo {
  std::string name;
  double memory_gib = 0;
  int compute_major = 0;
  int compute_minor = 0;
};

struct Environment {
  std::string torch_version;
  bool torch_built_with_cuda = false;
  std::string cuda_runtime_version;  // empty without CUDA
  std::string cudnn_version;         // empty without cuDNN
  std::vector<GpuInfo> gpus;
  std::string cpu_model;
  // The fused CPU kernel's instruction set (sgns_kernel.h): runs on another
  // variant differ in the last bits of their sums.
  std::string cpu_kernel;
  int hardware_threads = 0;
  double memory_gib = 0;
  double usable_memory_gib = 0;  // lower than memory_gib under a cgroup memory limit
  std::string hostname;
  std::string compiler;
  std::string build_type;
};

Environment detect_environment();
// Flat key/value pairs for the run store.
std::vector<std::pair<std::string, std::string>> environment_pairs(const Environment& env);

// "auto" becomes "cuda" when a GPU is usable, else "cpu". Asking for "cuda"
// without one is a ConfigError naming experiment.device.
std::string resolve_device(const std::string& requested);

}  // namespace wb
