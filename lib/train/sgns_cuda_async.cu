// Fused SGNS on the GPU with the target rows fetched ahead into shared memory.
//
// Why: the register-ring kernel (sgns_cuda_kernels.cu) keeps every row in
// flight in registers, so a warp has one or two rows outstanding and an SM as
// many as its registers allow: on an H200 that is about 60% of the bytes in
// flight that HBM needs at d = 128 fp32 and 30% with bf16 rows, which is what
// it measured (0.57 and 0.30 of the bandwidth). Here cp.async copies the next
// SLOTS target rows of a warp into its shared memory, which costs no
// registers, so SLOTS rows stay in flight per warp whatever the storage type.
//
// A warp is a producer and a consumer of one queue of targets in the CPU
// trainer's order. The producer plans centers and issues their rows (the
// center row too), at most one center ahead of the consumer; the consumer
// scores, updates and stores each target as the register kernel does. A row
// fetched while the warp still had an update of the same row to store (the
// last 32 targets, the last two centers) is read again from global memory
// after that store, so a single warp trains exactly as the CPU does.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "cuda/cuda_support.h"
#include "train/sgns_cuda.h"
#include "train/sgns_cuda_launch.cuh"
#include "train/sgns_cuda_plan.cuh"
#include "train/sgns_cuda_rows.cuh"

namespace wb {
namespace {

constexpr int kAsyncThreadsPerBlock = 128;
constexpr int kWarpsPerBlock = kAsyncThreadsPerBlock / 32;
// 5 blocks (20 warps) per SM: 96 registers a thread, no spills with d = 128
// (6 blocks spill). 20 warps with 8 slots each keep 160 rows per SM in
// flight, several times what HBM's latency needs.
constexpr int kAsyncMinBlocks = 5;
constexpr unsigned kAll = 0xffffffffu;

// What the consumer needs of a center the producer planned.
struct CenterInfo {
  int32_t center;
  int32_t contexts;
  int32_t targets;
  float lr;
  int32_t want_loss;
  int32_t stale;  // one of the last two centers too: read after their store
};

__device__ __forceinline__ void copy_16_async(void* shared, const void* global) {
  const auto address = static_cast<unsigned>(__cvta_generic_to_shared(shared));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(address), "l"(global)
               : "memory");
}

__device__ __forceinline__ void commit_copies() {
  asm volatile("cp.async.commit_group;\n" ::: "memory");
}

// Waits until at most `newer` of this lane's copy groups are in flight (the
// count must be an immediate; waiting for fewer is only slower).
template <int N>
__device__ __forceinline__ void wait_copies(int newer) {
  if constexpr (N == 0) {
    asm volatile("cp.async.wait_group 0;\n" ::: "memory");
  } else {
    if (newer >= N) {
      asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
    } else {
      wait_copies<N - 1>(newer);
    }
  }
}

// The warp copies a row in 16-byte pieces, lane by lane.
template <typename T>
__device__ __forceinline__ void fetch_row(T* shared_row, const T* row, int lane, int pieces) {
  for (int p = lane; p < pieces; p += 32) {
    copy_16_async(reinterpret_cast<uint4*>(shared_row) + p,
                  reinterpret_cast<const uint4*>(row) + p);
  }
}

template <typename T>
constexpr size_t shared_bytes_per_block(int slots, int dimension) {
  return kWarpsPerBlock *
         ((slots + 2) * static_cast<size_t>(dimension) * sizeof(T) + 2 * sizeof(CenterInfo));
}

template <typename T, int VEC, int SLOTS>
__global__ void __launch_bounds__(kAsyncThreadsPerBlock, kAsyncMinBlocks)
    sgns_async_kernel(SgnsLaunch a) {
  extern __shared__ __align__(16) unsigned char shared_memory[];
  static_assert(SLOTS <= 32, "slot bookkeeping is one lane per slot");
  const int lane = threadIdx.x & 31;
  const int warp_in_block = threadIdx.x >> 5;
  const int64_t warp = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
  const int64_t num_warps = (static_cast<int64_t>(gridDim.x) * blockDim.x) >> 5;
  const int64_t centers = (a.end_slot - a.first_slot) * a.walk_length;
  const bool walk_major = num_warps == 1;
  const int d = a.dimension;
  const int pieces = d * static_cast<int>(sizeof(T)) / 16;
  const bool whole = lane * VEC + VEC <= d && d % VEC == 0;
  const bool shared = a.share_negatives;
  const int k = a.num_negatives;
  T* input = static_cast<T*>(a.input);
  T* output = static_cast<T*>(a.output);
  // This warp's shared memory: SLOTS target rows, then two center rows; the
  // block's center infos follow all rows.
  T* rows = reinterpret_cast<T*>(shared_memory) + warp_in_block * (SLOTS + 2) * d;
  T* center_rows = rows + SLOTS * d;
  CenterInfo* infos =
      reinterpret_cast<CenterInfo*>(shared_memory + kWarpsPerBlock * (SLOTS + 2) *
                                                        static_cast<size_t>(d) * sizeof(T)) +
      2 * warp_in_block;

  // Producer: the center it issues targets of, and the queue's bookkeeping.
  // Lane s holds slot s's row id and copy group; lane i % 32 the id of the
  // i-th target issued, so the last 32 can be searched with one vote.
  CenterPlan plan;
  int64_t next_center = warp;
  int32_t produced = 0, plan_targets = 0;
  int producer_centers = 0, consumer_centers = 0;
  bool exhausted = false;
  int32_t lane_ids = -1, next_lane_ids = -1, recent_ids = -1, slot_id = -1;
  int32_t recent_centers[2] = {-1, -1};
  // Counters of targets issued and consumed wrap around; only their
  // differences and low bits are used.
  uint32_t slot_group = 0, committed = 0, stale_slots = 0, issued = 0, consumed = 0;

  auto resolve = [&](int32_t t) -> int32_t {
    return t + lane < plan_targets ? plan.id(t + lane, a.negatives) : -1;
  };
  auto plan_next_center = [&]() -> bool {
    while (next_center < centers) {
      const int64_t c = next_center;
      next_center += num_warps;
      if (!plan_center(a, c, walk_major, plan)) continue;
      const int parity = producer_centers & 1;
      const bool stale = plan.center == recent_centers[0] || plan.center == recent_centers[1];
      recent_centers[1] = recent_centers[0];
      recent_centers[0] = plan.center;
      plan_targets = plan.targets();
      produced = 0;
      if (lane == 0) {
        infos[parity] = CenterInfo{plan.center, plan.contexts,          plan_targets,
                                   plan.lr,     plan.want_loss ? 1 : 0, stale ? 1 : 0};
      }
      if (!stale) {
        fetch_row(center_rows + parity * d, input + static_cast<int64_t>(plan.center) * d, lane,
                  pieces);
      }
      commit_copies();
      ++committed;
      ++producer_centers;
      lane_ids = resolve(0);
      next_lane_ids = resolve(32);
      return true;
    }
    exhausted = true;
    return false;
  };
  auto can_issue = [&]() -> bool {
    if (issued - consumed >= SLOTS) return false;
    if (produced < plan_targets) return true;
    // At most two centers' rows are held: the next center is planned once
    // the consumer has started the producer's.
    if (exhausted || consumer_centers != producer_centers) return false;
    return plan_next_center();
  };
  auto issue = [&]() {
    const int32_t id = __shfl_sync(kAll, lane_ids, produced & 31);
    const int slot = static_cast<int>(issued % SLOTS);
    const bool stale = __any_sync(kAll, recent_ids == id);
    if (lane == static_cast<int>(issued & 31)) recent_ids = id;
    if (!stale) fetch_row(rows + slot * d, output + static_cast<int64_t>(id) * d, lane, pieces);
    commit_copies();
    if (lane == slot) {
      slot_id = id;
      slot_group = committed;
    }
    stale_slots = stale ? stale_slots | (1u << slot) : stale_slots & ~(1u << slot);
    ++committed;
    ++issued;
    ++produced;
    if ((produced & 31) == 0 && produced < plan_targets) {
      lane_ids = next_lane_ids;
      next_lane_ids = resolve(produced + 32);
    }
  };

  // Consumer: the center it trains, as the register kernel does.
  CenterInfo info{-1, 0, 0, 0.0f, 0, 0};
  int32_t t = 0;
  T* center_pointer = input;
  float center_row[VEC], gradient[VEC];
  Rounder rounder{static_cast<uint32_t>(
      mix64(a.seed ^ mix64(static_cast<uint64_t>(a.epoch) << 40 ^ a.first_slot << 8) ^
            (static_cast<uint64_t>(warp) << 5 | static_cast<uint64_t>(lane))))};
  float sampled_loss = 0.0f;
  unsigned long long sampled_pairs = 0, pairs = 0;

  while (can_issue()) issue();
  while (consumed != issued) {
    const int slot = static_cast<int>(consumed % SLOTS);
    const int32_t id = __shfl_sync(kAll, slot_id, slot);
    const auto group = __shfl_sync(kAll, slot_group, slot);
    wait_copies<SLOTS + 2>(static_cast<int>(committed - 1 - group));
    __syncwarp();
    if (t == info.targets) {
      // The first target of the next center: its row's copy group is older.
      const int parity = consumer_centers & 1;
      info = infos[parity];
      ++consumer_centers;
      center_pointer = input + static_cast<int64_t>(info.center) * d;
      if (info.stale) {
        load_row<T, VEC>(center_pointer, lane, d, whole, center_row);
      } else {
        load_row<T, VEC>(center_rows + parity * d, lane, d, whole, center_row, SharedLoads{});
      }
#pragma unroll
      for (int i = 0; i < VEC; ++i) gradient[i] = 0.0f;
      t = 0;
    }
    float row[VEC];
    T* target = output + static_cast<int64_t>(id) * d;
    if (stale_slots & (1u << slot)) {
      load_row<T, VEC>(target, lane, d, whole, row);
    } else {
      load_row<T, VEC>(rows + slot * d, lane, d, whole, row, SharedLoads{});
    }
    __syncwarp();  // every lane has read the slot: it may be refilled
    ++consumed;
    while (can_issue()) issue();

    const bool is_context = is_context_target(t, info.contexts, k, shared);
    float partial = 0.0f;
#pragma unroll
    for (int i = 0; i < VEC; ++i) partial += center_row[i] * row[i];
    const float score = warp_sum(partial);
    const float label = is_context ? 1.0f : 0.0f;
    const float weight = target_weight(t, info.contexts, k, shared);
    const float g = (label - stable_sigmoid(score)) * info.lr * weight;
    if (info.want_loss) sampled_loss -= weight * log_sigmoid(label > 0 ? score : -score);
#pragma unroll
    for (int i = 0; i < VEC; ++i) {
      gradient[i] += g * row[i];
      row[i] += g * center_row[i];
    }
    store_row<T, VEC>(target, lane, d, whole, row, rounder, a.stochastic_rounding);
    const bool pair_done = ends_pair(t, k, shared);
    ++t;
    if (pair_done || (shared && t == info.targets)) {
      // Pair by pair, as word2vec: the center moves before the next pair;
      // shared, once its whole window is done.
#pragma unroll
      for (int i = 0; i < VEC; ++i) {
        center_row[i] += gradient[i];
        gradient[i] = 0.0f;
      }
    }
    if (t == info.targets) {
      store_row<T, VEC>(center_pointer, lane, d, whole, center_row, rounder, a.stochastic_rounding);
      pairs += info.contexts;
      if (info.want_loss) sampled_pairs += info.contexts;
    }
  }
  add_warp_counts(a, lane, sampled_loss, sampled_pairs, pairs);
}

template <typename T, int VEC, int SLOTS>
SgnsKernelInfo launch_async_with(const SgnsLaunch& launch, bool deterministic) {
  auto kernel = sgns_async_kernel<T, VEC, SLOTS>;
  const size_t bytes = shared_bytes_per_block<T>(SLOTS, launch.dimension);
  // Asked once per kernel and shared-memory size (launches come 8 to an epoch).
  static size_t prepared_bytes = 0;
  static KernelOccupancy occupancy;
  if (prepared_bytes != bytes) {
    WB_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(bytes)));
    occupancy = query_occupancy(kernel, kAsyncThreadsPerBlock, bytes);
    prepared_bytes = bytes;
  }
  if (deterministic) {
    kernel<<<1, 32, bytes>>>(launch);
  } else {
    kernel<<<persistent_blocks(launch, kAsyncThreadsPerBlock, occupancy), kAsyncThreadsPerBlock,
             bytes>>>(launch);
  }
  WB_CUDA_CHECK(cudaGetLastError());
  return {true, occupancy.registers, occupancy.blocks_per_sm * kWarpsPerBlock, SLOTS};
}

// 4 and 16 slots only where they are benchmarked (d = 128): each variant is
// a kernel to compile, in CI too.
template <typename T, int VEC>
SgnsKernelInfo launch_async_with_slots(const SgnsLaunch& launch, bool deterministic, int slots) {
  if constexpr (VEC == 4) {
    if (slots <= 4) return launch_async_with<T, VEC, 4>(launch, deterministic);
    if (slots > 8) return launch_async_with<T, VEC, 16>(launch, deterministic);
  }
  return launch_async_with<T, VEC, 8>(launch, deterministic);
}

template <typename T>
bool launch_async_for_type(const SgnsLaunch& launch, bool deterministic, int slots,
                           SgnsKernelInfo& info) {
  const int d = launch.dimension;
  // Rows are copied in 16-byte pieces from 16-byte aligned addresses.
  if (d * sizeof(T) % 16 != 0) return false;
  if (d <= 32) {
    info = launch_async_with_slots<T, 1>(launch, deterministic, slots);
  } else if (d <= 64) {
    info = launch_async_with_slots<T, 2>(launch, deterministic, slots);
  } else if (d <= 128) {
    info = launch_async_with_slots<T, 4>(launch, deterministic, slots);
  } else if (d <= 256) {
    info = launch_async_with_slots<T, 8>(launch, deterministic, slots);
  } else {
    info = launch_async_with_slots<T, 16>(launch, deterministic, slots);
  }
  return true;
}

}  // namespace

bool launch_sgns_async(const SgnsLaunch& launch, SgnsStorage storage, bool deterministic, int slots,
                       SgnsKernelInfo& info) {
  if (launch.atomic_updates) return false;
  switch (storage) {
    case SgnsStorage::kFp32:
      return launch_async_for_type<float>(launch, deterministic, slots, info);
    case SgnsStorage::kBf16:
      return launch_async_for_type<__nv_bfloat16>(launch, deterministic, slots, info);
    case SgnsStorage::kFp16:
      return launch_async_for_type<__half>(launch, deterministic, slots, info);
  }
  return false;
}

}  // namespace wb
