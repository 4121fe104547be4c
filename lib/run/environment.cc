#include "run/environment.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/headeronly/version.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "core/errors.h"
#include "core/memory_size.h"
#include "train/sgns_kernel.h"

#ifdef WORKBENCH_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace wb {
namespace {

std::string read_cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string version_text(long encoded, long major_unit, long minor_unit) {
  if (encoded <= 0) return "";
  return std::to_string(encoded / major_unit) + "." +
         std::to_string((encoded % major_unit) / minor_unit);
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

int usable_gpu_count() {
  if (!at::globalContext().hasCUDA()) return 0;
  return static_cast<int>(at::detail::getCUDAHooks().deviceCount());
}

}  // namespace

Environment detect_environment() {
  Environment env;
  env.torch_version = std::to_string(TORCH_VERSION_MAJOR) + "." +
                      std::to_string(TORCH_VERSION_MINOR) + "." +
                      std::to_string(TORCH_VERSION_PATCH);
#ifdef WORKBENCH_WITH_CUDA
  env.torch_built_with_cuda = true;
#endif
  const int gpus = usable_gpu_count();
  if (gpus > 0) {
    const auto& hooks = at::detail::getCUDAHooks();
    env.cuda_runtime_version = version_text(hooks.versionCUDART(), 1000, 10);
    env.cudnn_version = version_text(hooks.versionCuDNN(), 10000, 100);
  }
#ifdef WORKBENCH_WITH_CUDA
  for (int i = 0; i < gpus; ++i) {
    const cudaDeviceProp* props = at::cuda::getDeviceProperties(static_cast<c10::DeviceIndex>(i));
    env.gpus.push_back({props->name, static_cast<double>(props->totalGlobalMem) / (1 << 30),
                        props->major, props->minor});
  }
#endif
  env.cpu_model = read_cpu_model();
  env.cpu_kernel = sgns_kernel_variant();
  env.hardware_threads = static_cast<int>(std::thread::hardware_concurrency());
  env.memory_gib = physical_memory_bytes() / kGiB;
  env.usable_memory_gib = usable_memory_bytes() / kGiB;
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  env.hostname = host;
#if defined(__clang__)
  env.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  env.compiler = "gcc " __VERSION__;
#endif
#ifdef NDEBUG
  env.build_type = "release";
#else
  env.build_type = "debug";
#endif
  return env;
}

std::vector<std::pair<std::string, std::string>> environment_pairs(const Environment& env) {
  std::vector<std::pair<std::string, std::string>> pairs = {
      {"torch_version", env.torch_version},
      {"torch_cuda_build", env.torch_built_with_cuda ? "true" : "false"},
      {"cuda_runtime_version", env.cuda_runtime_version},
      {"cudnn_version", env.cudnn_version},
      {"gpu_count", std::to_string(env.gpus.size())},
      {"cpu_model", env.cpu_model},
      {"cpu_kernel", env.cpu_kernel},
      {"hardware_threads", std::to_string(env.hardware_threads)},
      {"memory_gib", format_number(env.memory_gib)},
      {"usable_memory_gib", format_number(env.usable_memory_gib)},
      {"hostname", env.hostname},
      {"compiler", env.compiler},
      {"build_type", env.build_type},
  };
  for (size_t i = 0; i < env.gpus.size(); ++i) {
    const std::string prefix = "gpu" + std::to_string(i) + "_";
    pairs.emplace_back(prefix + "name", env.gpus[i].name);
    pairs.emplace_back(prefix + "memory_gib", format_number(env.gpus[i].memory_gib));
    pairs.emplace_back(prefix + "compute_capability",
                       std::to_string(env.gpus[i].compute_major) + "." +
                           std::to_string(env.gpus[i].compute_minor));
  }
  return pairs;
}

std::string resolve_device(const std::string& requested) {
  const bool has_gpu = usable_gpu_count() > 0;
  if (requested == "cpu") return "cpu";
  if (requested == "cuda") {
    if (!has_gpu) {
      throw ConfigError(
          "experiment.device = \"cuda\" but no usable CUDA device was found "
          "(see `workbench doctor`)");
    }
    return "cuda";
  }
  return has_gpu ? "cuda" : "cpu";
}

}  // namespace wb
