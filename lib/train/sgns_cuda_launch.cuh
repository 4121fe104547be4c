#pragma once
// What the fused CUDA kernels' launchers share (CUDA sources only): the
// occupancy a kernel reaches, asked of the runtime once, the size of their
// persistent grids, and the counters every warp adds its work to at the end.
#include <algorithm>
#include <cstdint>

#include "cuda/cuda_support.h"
#include "train/sgns_cuda.h"

namespace wb {

struct KernelOccupancy {
  int sms = 0;
  int blocks_per_sm = 0;  // at least 1
  int registers = 0;      // per thread
};

template <typename Kernel>
KernelOccupancy query_occupancy(Kernel kernel, int threads_per_block, size_t shared_bytes) {
  KernelOccupancy occupancy;
  int device = 0;
  WB_CUDA_CHECK(cudaGetDevice(&device));
  WB_CUDA_CHECK(cudaDeviceGetAttribute(&occupancy.sms, cudaDevAttrMultiProcessorCount, device));
  WB_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occupancy.blocks_per_sm, kernel,
                                                              threads_per_block, shared_bytes));
  occupancy.blocks_per_sm = std::max(occupancy.blocks_per_sm, 1);
  cudaFuncAttributes attributes{};
  WB_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
  occupancy.registers = attributes.numRegs;
  return occupancy;
}

// A persistent grid: every warp strides over the chunk's center positions, so
// no more blocks than fit at once, than the launch's warp cap allows, or than
// there are centers.
inline unsigned persistent_blocks(const SgnsLaunch& launch, int threads_per_block,
                                  const KernelOccupancy& occupancy) {
  const int64_t warps_per_block = threads_per_block / 32;
  const int64_t warps_needed = (launch.end_slot - launch.first_slot) * launch.walk_length;
  const int64_t blocks_needed = (warps_needed + warps_per_block - 1) / warps_per_block;
  const int64_t blocks_allowed = (launch.max_warps + warps_per_block - 1) / warps_per_block;
  return static_cast<unsigned>(std::max<int64_t>(
      1,
      std::min({blocks_needed, blocks_allowed, int64_t{occupancy.sms} * occupancy.blocks_per_sm})));
}

// A warp's loss sample and pair counts, added once at its end.
__device__ __forceinline__ void add_warp_counts(const SgnsLaunch& a, int lane, float sampled_loss,
                                                unsigned long long sampled_pairs,
                                                unsigned long long pairs) {
  if (lane == 0 && pairs > 0) {
    atomicAdd(a.loss_sum, static_cast<double>(sampled_loss));
    atomicAdd(a.loss_pairs, sampled_pairs);
    atomicAdd(a.pairs, pairs);
  }
}

}  // namespace wb
