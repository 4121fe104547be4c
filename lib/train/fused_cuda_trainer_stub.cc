// Without nvcc the fused CUDA trainer exists only to say so.
#ifndef WORKBENCH_WITH_CUDA
#include "core/errors.h"
#include "train/trainer.h"

namespace wb {

std::unique_ptr<Trainer> make_fused_cuda_trainer() {
  throw ConfigError(
      "train.trainer = \"fused\" on experiment.device = \"cuda\": this build of workbench has "
      "no CUDA support (nvcc was not found)");
}

}  // namespace wb
#endif
