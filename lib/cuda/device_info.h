#pragma once
// What the benchmarks need to know of the GPU, callable from code built
// without CUDA headers (and answering "none" in builds without nvcc).
#include <string>

namespace wb {

bool cuda_device_usable();
std::string cuda_device_name();
// Device-to-device copy rate (bytes read + written per second, in GB/s) over
// a 2 GiB buffer: the "measured bandwidth" that fractions are reported against.
double measured_device_bandwidth_gbs();

}  // namespace wb
