#include <algorithm>

#include "cuda/cuda_support.h"
#include "cuda/device_info.h"

namespace wb {

bool cuda_device_usable() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

std::string cuda_device_name() {
  if (!cuda_device_usable()) return "none";
  cudaDeviceProp props{};
  WB_CUDA_CHECK(cudaGetDeviceProperties(&props, 0));
  return props.name;
}

double measured_device_bandwidth_gbs() {
  const size_t bytes = size_t{1} << 31;
  DeviceBuffer<char> source(bytes), target(bytes);
  WB_CUDA_CHECK(cudaMemset(source.data(), 1, bytes));
  GpuTimer timer;
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    timer.start();
    WB_CUDA_CHECK(cudaMemcpy(target.data(), source.data(), bytes, cudaMemcpyDeviceToDevice));
    best = std::max(best, 2.0 * bytes / timer.stop_seconds() / 1e9);
  }
  return best;
}

}  // namespace wb
