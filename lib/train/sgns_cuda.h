#pragma once
// The fused CUDA SGNS kernels' interface (sgns_cuda_kernels.cu): one warp per
// center position does the forward, backward and update of the center, its
// contexts and its negatives, Hogwild, with the tables in fp32, bf16 or fp16
// (arithmetic always in fp32). Plain pointers only, so host code stays free of
// CUDA headers.
#include <cstdint>

#include "train/sgns_schedule.h"

namespace wb {

enum class SgnsStorage { kFp32, kBf16, kFp16 };

struct SgnsLaunch {
  const int32_t* walks = nullptr;  // device, num_walks * walk_length, kNoNode-padded
  int64_t walk_length = 0;
  int64_t num_walks = 0;
  WalkPermutation order;
  int64_t epoch = 0;
  int64_t first_slot = 0;  // this launch trains walks order(first_slot .. end_slot - 1)
  int64_t end_slot = 0;
  void* input = nullptr;  // device tables of `storage` elements, num_nodes * dimension
  void* output = nullptr;
  int dimension = 0;
  NegativeTable negatives;  // device pointers
  int window = 10;
  bool dynamic_window = true;
  int num_negatives = 5;
  bool share_negatives = false;  // one set of negatives per center, for its whole window
  bool stochastic_rounding = true;
  // fp32 tables: add updates in L2 (no update lost to a concurrent warp)
  // instead of storing rows (Hogwild). Experimental: see fused_cuda_trainer.cu.
  // Half-precision tables always store, with stochastic rounding.
  bool atomic_updates = false;
  LearningRateSchedule schedule;
  int64_t walks_total = 1;  // walks in all epochs, for the learning rate
  uint64_t seed = 0;
  // Warps at once. Hogwild loses the updates of two warps that write one row
  // at the same time; on a small graph thousands of warps would collide on
  // every row and barely train, so the trainer caps them by the node count.
  int64_t max_warps = int64_t{1} << 40;
  double* loss_sum = nullptr;  // device accumulators, added to by each warp
  unsigned long long* loss_pairs = nullptr;
  unsigned long long* pairs = nullptr;
};

// What a launch ran, for the run's record and the benchmarks: which kernel,
// the registers a thread uses, the warps an SM holds at once with them, and
// the target rows each warp keeps in flight. Bytes in flight (warps x rows x
// row bytes) are what bound a latency-bound kernel's bandwidth.
struct SgnsKernelInfo {
  bool async = false;
  int registers = 0;
  int warps_per_sm = 0;
  int rows_in_flight = 0;
};

// Largest dimension the kernels hold in registers (16 values per lane).
constexpr int kSgnsCudaMaxDimension = 512;

// Launches the kernel for one chunk of walks on the default stream. A
// deterministic launch uses a single warp, which visits the centers in the
// CPU trainer's order: the result then matches a one-thread CPU run up to
// floating-point summation order.
// WB_SGNS_KERNEL=async (or ring) picks launch_sgns_async where it applies.
SgnsKernelInfo launch_sgns(const SgnsLaunch& launch, SgnsStorage storage, bool deterministic);

// The same training with up to `slots` (8; 4 or 16 at d = 97-128) target rows per warp
// fetched ahead into shared memory (sgns_cuda_async.cu). False, launching
// nothing, where it does not apply: rows whose bytes are not a multiple of
// 16, or atomic updates.
bool launch_sgns_async(const SgnsLaunch& launch, SgnsStorage storage, bool deterministic, int slots,
                       SgnsKernelInfo& info);

}  // namespace wb
