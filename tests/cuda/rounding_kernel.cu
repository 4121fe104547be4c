#include "core/random.h"
#include "cuda/cuda_support.h"
#include "rounding_kernel.h"
#include "train/sgns_cuda_rows.cuh"

namespace wb::test {
namespace {

template <typename T>
__global__ void accumulate(T* values, int count, float start, float increment, int steps,
                           bool stochastic) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count) return;
  Rounder rounder{static_cast<uint32_t>(mix64(i))};
  T value;
  rounder.round(start, value, false);
  for (int s = 0; s < steps; ++s) rounder.round(to_float(value) + increment, value, stochastic);
  values[i] = value;
}

template <typename T>
double run(bool stochastic, float start, float increment, int steps, int count) {
  DeviceBuffer<T> values(static_cast<size_t>(count));
  accumulate<T>
      <<<(count + 255) / 256, 256>>>(values.data(), count, start, increment, steps, stochastic);
  WB_CUDA_CHECK(cudaGetLastError());
  std::vector<T> host(static_cast<size_t>(count));
  values.download(host.data(), host.size());
  double sum = 0;
  for (const T& v : host) sum += static_cast<double>(static_cast<float>(v));
  return sum / count;
}

}  // namespace

double accumulate_in_storage(const std::string& storage, bool stochastic, float start,
                             float increment, int steps, int values) {
  if (storage == "bf16") return run<__nv_bfloat16>(stochastic, start, increment, steps, values);
  return run<__half>(stochastic, start, increment, steps, values);
}

}  // namespace wb::test
