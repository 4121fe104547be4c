#ifndef WORKBENCH_WITH_CUDA
#include "cuda/device_info.h"

namespace wb {

bool cuda_device_usable() { return false; }
std::string cuda_device_name() { return "none"; }
double measured_device_bandwidth_gbs() { return 0; }

}  // namespace wb
#endif
