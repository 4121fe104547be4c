#pragma once
// Small host-side helpers for the CUDA sources (.cu only): errors become
// exceptions naming the call, device memory is owned by RAII buffers, and a
// job checks that its tables fit before it allocates them.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/errors.h"

namespace wb {

inline void cuda_check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw Error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
  }
}
#define WB_CUDA_CHECK(call) ::wb::cuda_check((call), #call)

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t count) { resize(count); }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void resize(size_t count) {
    release();
    count_ = count;
    if (count > 0) WB_CUDA_CHECK(cudaMalloc(&data_, count * sizeof(T)));
  }
  void upload(const T* host, size_t count) {
    resize(count);
    if (count > 0)
      WB_CUDA_CHECK(cudaMemcpy(data_, host, count * sizeof(T), cudaMemcpyHostToDevice));
  }
  void upload(const std::vector<T>& host) { upload(host.data(), host.size()); }
  void download(T* host, size_t count) const {
    if (count > 0)
      WB_CUDA_CHECK(cudaMemcpy(host, data_, count * sizeof(T), cudaMemcpyDeviceToHost));
  }
  void zero() {
    if (count_ > 0) WB_CUDA_CHECK(cudaMemset(data_, 0, count_ * sizeof(T)));
  }
  T* data() const { return data_; }
  size_t size() const { return count_; }
  size_t bytes() const { return count_ * sizeof(T); }

 private:
  void release() {
    if (data_ != nullptr) cudaFree(data_);
    data_ = nullptr;
    count_ = 0;
  }
  T* data_ = nullptr;
  size_t count_ = 0;
};

// Throws ConfigError when no GPU can be used (no device, or a driver older
// than the runtime), before any other CUDA call fails with a vaguer message.
inline void require_cuda_device(const std::string& what) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    throw ConfigError(what + " needs a CUDA device, and none is usable here (" +
                      (status != cudaSuccess ? cudaGetErrorString(status) : "no device") +
                      "); set experiment.device = \"cpu\"");
  }
}

// Throws ResourceError, before anything is allocated, when `bytes` would not
// fit in the device's free memory (with a margin for the runtime).
inline void require_device_memory(double bytes, const std::string& what) {
  size_t free_bytes = 0, total_bytes = 0;
  WB_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const double usable = 0.9 * static_cast<double>(free_bytes);
  if (bytes > usable) {
    char text[256];
    std::snprintf(text, sizeof(text),
                  " needs %.2f GiB of GPU memory but only %.2f GiB of %.2f GiB are free",
                  bytes / (1 << 30), free_bytes / double(1 << 30), total_bytes / double(1 << 30));
    throw ResourceError(what + text +
                        " (use a smaller graph, fewer walks, bf16 storage or "
                        "experiment.device = \"cpu\")");
  }
}

// Times GPU work with events, as the benchmarks report it.
class GpuTimer {
 public:
  GpuTimer() {
    WB_CUDA_CHECK(cudaEventCreate(&start_));
    WB_CUDA_CHECK(cudaEventCreate(&stop_));
  }
  ~GpuTimer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  void start() { WB_CUDA_CHECK(cudaEventRecord(start_)); }
  double stop_seconds() {
    WB_CUDA_CHECK(cudaEventRecord(stop_));
    WB_CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0;
    WB_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return ms / 1e3;
  }

 private:
  cudaEvent_t start_{}, stop_{};
};

}  // namespace wb
