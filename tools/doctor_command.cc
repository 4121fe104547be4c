// `workbench doctor`: what this machine offers the workbench.
#include <cstdio>

#include "commands.h"
#include "core/sha256.h"
#include "run/environment.h"
#include "train/sgns_kernel.h"
#include "train/trainer.h"
#include "walk/walk_sampler.h"

namespace wb::cli {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

int run_doctor() {
  const Environment env = detect_environment();
  std::printf("torch version:      %s (CUDA build: %s)\n", env.torch_version.c_str(),
              env.torch_built_with_cuda ? "yes" : "no");
  std::printf("CUDA available:     %s\n", env.gpus.empty() ? "no" : "yes");
  std::printf("GPU count:          %zu\n", env.gpus.size());
  for (size_t i = 0; i < env.gpus.size(); ++i) {
    std::printf("GPU %zu:              %s, %.1f GiB, compute capability %d.%d\n", i,
                env.gpus[i].name.c_str(), env.gpus[i].memory_gib, env.gpus[i].compute_major,
                env.gpus[i].compute_minor);
  }
  std::printf("CUDA runtime:       %s\n",
              env.cuda_runtime_version.empty() ? "-" : env.cuda_runtime_version.c_str());
  std::printf("cuDNN:              %s\n",
              env.cudnn_version.empty() ? "-" : env.cudnn_version.c_str());
  std::printf("CPU:                %s\n", env.cpu_model.c_str());
  std::printf("hardware threads:   %d\n", env.hardware_threads);
  std::printf("memory:             %.1f GiB\n", env.memory_gib);
  if (env.usable_memory_gib < env.memory_gib) {
    std::printf(
        "usable memory:      %.1f GiB (the cgroup's limit; walk.max_memory_gb defaults "
        "to half)\n",
        env.usable_memory_gib);
  }
  std::printf("fused CPU kernel:   %s (this CPU runs: %s)\n", env.cpu_kernel.c_str(),
              join(sgns_kernel_variants()).c_str());
  std::printf("input digests:      SHA-256, %s\n",
              Sha256::uses_cpu_extensions() ? "on the CPU's SHA extensions"
                                            : "portable (no SHA extensions: about 4x slower)");
  std::printf("default device:     %s\n", resolve_device("auto").c_str());
  std::printf("walk samplers:      %s\n", join(walk_sampler_names()).c_str());
  std::printf("trainers:           %s\n", join(trainer_names()).c_str());
  return 0;
}

}  // namespace

void add_doctor_command(CLI::App& app, int& exit_code) {
  auto* doctor =
      app.add_subcommand("doctor", "Show the GPUs, CUDA, torch and CPU the workbench sees");
  doctor->callback([&exit_code] { exit_code = run_doctor(); });
}

}  // namespace wb::cli
