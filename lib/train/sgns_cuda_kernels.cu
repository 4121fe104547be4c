// Fused SGNS on the GPU. A warp owns one center position at a time: it keeps
// the center row (VEC values per lane) and its gradient in registers, streams
// the target rows (contexts, negatives) through registers with the next row's
// load in flight while the current one is scored, and writes each row back
// once. Draws come from the center's own stream in the CPU trainer's order.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdlib>
#include <string>
#include <type_traits>

#include "cuda/cuda_support.h"
#include "train/sgns_cuda.h"
#include "train/sgns_cuda_launch.cuh"
#include "train/sgns_cuda_plan.cuh"
#include "train/sgns_cuda_rows.cuh"

namespace wb {
namespace {

constexpr int kThreadsPerBlock = 128;
constexpr int kDefaultPrefetchDepth = 1;
constexpr int kDefaultAsyncSlots = 8;
// WB_SGNS_KERNEL ("ring" or "async") picks the kernel; unset, this does. The
// shared-memory kernel has not run on a GPU yet, so it is opt-in until its
// [cuda] tests pass and its benchmark rows beat the register ring's.
constexpr bool kAsyncByDefault = false;

// DEPTH target rows are in flight while one is scored: a warp alone cannot
// cover the memory latency with one outstanding row.
// ATOMIC (fp32 tables): updates are added in L2 rather than stored, so no
// update is lost when warps train the same row at once.
template <typename T, int VEC, int DEPTH, bool ATOMIC>
__global__ void __launch_bounds__(kThreadsPerBlock) sgns_kernel(SgnsLaunch a) {
  constexpr int kSlots = DEPTH + 1;
  constexpr unsigned kAll = 0xffffffffu;
  const int lane = threadIdx.x & 31;
  const int64_t warp = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
  const int64_t num_warps = (static_cast<int64_t>(gridDim.x) * blockDim.x) >> 5;
  const int64_t length = a.walk_length;
  const int64_t chunk_walks = a.end_slot - a.first_slot;
  const int64_t centers = chunk_walks * length;
  const bool walk_major = num_warps == 1;
  const int d = a.dimension;
  const bool whole = lane * VEC + VEC <= d && d % VEC == 0;
  T* input = static_cast<T*>(a.input);
  T* output = static_cast<T*>(a.output);
  float sampled_loss = 0.0f;
  unsigned long long sampled_pairs = 0, pairs = 0;

  for (int64_t c = warp; c < centers; c += num_warps) {
    CenterPlan plan;
    if (!plan_center(a, c, walk_major, plan)) continue;
    Rounder rounder{
        static_cast<uint32_t>(mix64(plan.stream ^ (static_cast<uint64_t>(lane) << 56)))};

    float center_row[VEC], gradient[VEC], center_change[VEC];
    T* center_pointer = input + static_cast<int64_t>(plan.center) * d;
    load_row<T, VEC>(center_pointer, lane, d, whole, center_row);
#pragma unroll
    for (int i = 0; i < VEC; ++i) gradient[i] = center_change[i] = 0.0f;

    const int64_t num_targets = plan.targets();
    for (int64_t batch = 0; batch < num_targets; batch += 32) {
      // Lane l resolves target batch + l; the rows then stream through a ring
      // of kSlots registers sets, slot r holding targets r, r + kSlots, ...
      const int count = static_cast<int>(num_targets - batch < 32 ? num_targets - batch : 32);
      const int32_t lane_id = lane < count ? plan.id(batch + lane, a.negatives) : -1;
      float rows[kSlots][VEC];
      int32_t ids[kSlots];
      unsigned stale = 0;  // bit r: slot r was read before a pending store to the same row
#pragma unroll
      for (int r = 0; r < kSlots; ++r) {
        ids[r] = __shfl_sync(kAll, lane_id, r);
        if (r < count) {
          bool repeated = false;
#pragma unroll
          for (int s = 0; s < r; ++s) repeated |= ids[s] == ids[r];
          if (repeated)
            stale |= 1u << r;
          else
            load_row<T, VEC>(output + static_cast<int64_t>(ids[r]) * d, lane, d, whole, rows[r]);
        }
      }
      for (int base = 0; base < count; base += kSlots) {
#pragma unroll
        for (int r = 0; r < kSlots; ++r) {
          const int j = base + r;
          if (j >= count) break;
          const int64_t t = batch + j;
          T* target = output + static_cast<int64_t>(ids[r]) * d;
          // The row's earlier update is stored by now; own stores are visible.
          if (stale & (1u << r)) load_row<T, VEC>(target, lane, d, whole, rows[r]);
          float partial = 0.0f;
#pragma unroll
          for (int i = 0; i < VEC; ++i) partial += center_row[i] * rows[r][i];
          const float score = warp_sum(partial);
          const float label = plan.is_context(t) ? 1.0f : 0.0f;
          const float weight = plan.weight(t);
          const float g = (label - stable_sigmoid(score)) * plan.lr * weight;
          if (plan.want_loss) sampled_loss -= weight * log_sigmoid(label > 0 ? score : -score);
          if constexpr (ATOMIC) {
            float delta[VEC];
#pragma unroll
            for (int i = 0; i < VEC; ++i) {
              gradient[i] += g * rows[r][i];
              delta[i] = g * center_row[i];
            }
            add_to_row<VEC>(reinterpret_cast<float*>(target), lane, d, whole, delta);
          } else {
#pragma unroll
            for (int i = 0; i < VEC; ++i) {
              gradient[i] += g * rows[r][i];
              rows[r][i] += g * center_row[i];
            }
            store_row<T, VEC>(target, lane, d, whole, rows[r], rounder, a.stochastic_rounding);
          }
          if (plan.ends_pair(t)) {
            // Pair by pair, as word2vec: the center moves before the next pair.
#pragma unroll
            for (int i = 0; i < VEC; ++i) {
              center_row[i] += gradient[i];
              center_change[i] += gradient[i];
              gradient[i] = 0.0f;
            }
          }
          stale &= ~(1u << r);
          const int refill = j + kSlots;
          // Shuffles need every lane, whatever the branch: refill is warp-uniform.
          ids[r] = __shfl_sync(kAll, lane_id, refill < 32 ? refill : 0);
          if (refill < count) {
            bool pending = false;  // the other slots' rows are not stored yet
#pragma unroll
            for (int s = 0; s < kSlots; ++s) pending |= s != r && ids[s] == ids[r];
            if (pending)
              stale |= 1u << r;
            else
              load_row<T, VEC>(output + static_cast<int64_t>(ids[r]) * d, lane, d, whole, rows[r]);
          }
        }
      }
    }
    if (plan.shared) {
#pragma unroll
      for (int i = 0; i < VEC; ++i) {
        center_row[i] += gradient[i];
        center_change[i] += gradient[i];
      }
    }
    if constexpr (ATOMIC) {
      add_to_row<VEC>(reinterpret_cast<float*>(center_pointer), lane, d, whole, center_change);
    } else {
      store_row<T, VEC>(center_pointer, lane, d, whole, center_row, rounder, a.stochastic_rounding);
    }
    pairs += plan.contexts;
    if (plan.want_loss) sampled_pairs += plan.contexts;
  }
  add_warp_counts(a, lane, sampled_loss, sampled_pairs, pairs);
}

template <typename T, int VEC, int DEPTH, bool ATOMIC>
SgnsKernelInfo launch_with(const SgnsLaunch& launch, bool deterministic) {
  auto kernel = sgns_kernel<T, VEC, DEPTH, ATOMIC>;
  static const KernelOccupancy occupancy = query_occupancy(kernel, kThreadsPerBlock, 0);
  if (deterministic) {
    kernel<<<1, 32>>>(launch);
  } else {
    kernel<<<persistent_blocks(launch, kThreadsPerBlock, occupancy), kThreadsPerBlock>>>(launch);
  }
  WB_CUDA_CHECK(cudaGetLastError());
  return {false, occupancy.registers, occupancy.blocks_per_sm * kThreadsPerBlock / 32, DEPTH};
}

// Depth 4 is for half-precision rows, whose 8 bytes per lane leave too few
// bytes in flight per warp at depth 1-2 to cover the latency (unmeasured yet).
template <typename T, int VEC, bool ATOMIC>
SgnsKernelInfo launch_with_depth(const SgnsLaunch& launch, bool deterministic, int depth) {
  if constexpr (VEC <= 4) {
    if (depth >= 4) return launch_with<T, VEC, 4, ATOMIC>(launch, deterministic);
    if (depth >= 2) return launch_with<T, VEC, 2, ATOMIC>(launch, deterministic);
  }
  return launch_with<T, VEC, 1, ATOMIC>(launch, deterministic);
}

template <typename T, int VEC>
SgnsKernelInfo launch_with_updates(const SgnsLaunch& launch, bool deterministic, int depth) {
  if constexpr (std::is_same_v<T, float>) {
    if (launch.atomic_updates) return launch_with_depth<T, VEC, true>(launch, deterministic, depth);
  }
  return launch_with_depth<T, VEC, false>(launch, deterministic, depth);
}

template <typename T>
SgnsKernelInfo launch_for_type(const SgnsLaunch& launch, bool deterministic, int depth) {
  const int d = launch.dimension;
  if (d <= 32) return launch_with_updates<T, 1>(launch, deterministic, depth);
  if (d <= 64) return launch_with_updates<T, 2>(launch, deterministic, depth);
  if (d <= 128) return launch_with_updates<T, 4>(launch, deterministic, depth);
  if (d <= 256) return launch_with_updates<T, 8>(launch, deterministic, depth);
  return launch_with_updates<T, 16>(launch, deterministic, depth);
}

// Rows in flight per warp; WB_SGNS_PREFETCH overrides it for benchmarks and
// tests: 1, 2 or 4 in the register kernel, 4, 8 or 16 slots in the async one
// (1 there means its default).
int prefetch_depth() {
  const char* text = std::getenv("WB_SGNS_PREFETCH");
  return text != nullptr ? std::atoi(text) : kDefaultPrefetchDepth;
}

}  // namespace

SgnsKernelInfo launch_sgns(const SgnsLaunch& launch, SgnsStorage storage, bool deterministic) {
  const int depth = prefetch_depth();
  const char* kernel = std::getenv("WB_SGNS_KERNEL");
  const bool async = kernel != nullptr ? std::string(kernel) == "async" : kAsyncByDefault;
  SgnsKernelInfo info;
  if (async && launch_sgns_async(launch, storage, deterministic,
                                 depth > 1 ? depth : kDefaultAsyncSlots, info)) {
    return info;
  }
  switch (storage) {
    case SgnsStorage::kFp32:
      return launch_for_type<float>(launch, deterministic, depth);
    case SgnsStorage::kBf16:
      return launch_for_type<__nv_bfloat16>(launch, deterministic, depth);
    case SgnsStorage::kFp16:
      return launch_for_type<__half>(launch, deterministic, depth);
  }
  return info;
}

}  // namespace wb
