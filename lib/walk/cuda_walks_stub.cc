// Without nvcc the GPU walkers exist only to say so.
#ifndef WORKBENCH_WITH_CUDA
#include "core/errors.h"
#include "walk/cuda_walks.h"

namespace wb {

struct CudaWalkGenerator::State {};

CudaWalkGenerator::CudaWalkGenerator(const Graph&, const WalkOptions&, CudaWalkMethod, int64_t) {
  throw ConfigError("this build of workbench has no CUDA support (nvcc was not found)");
}
CudaWalkGenerator::~CudaWalkGenerator() = default;
double CudaWalkGenerator::run(int64_t, const Progress&) { return 0; }
Walks CudaWalkGenerator::download(WalkNodes /*storage*/) const { return {}; }
int64_t CudaWalkGenerator::device_bytes() const { return 0; }

}  // namespace wb
#endif
