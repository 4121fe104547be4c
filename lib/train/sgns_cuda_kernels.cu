// Fused SGNS on the GPU. A warp owns one center position at a time: it keeps
// the center row (VEC values per lane) and its gradient in registers, streams
// the target rows (contexts, negatives) through registers with the next row's
// load in flight while the current one is scored, and writes each row back
// once. Draws come from the center's own stream in the CPU trainer's order.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cstdlib>

#include "cuda/cuda_support.h"
#include "train/sgns_cuda.h"

namespace wb {
namespace {

constexpr int kThreadsPerBlock = 128;
constexpr int kDefaultPrefetchDepth = 2;

__device__ __forceinline__ float to_float(float x) { return x; }
__device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }
__device__ __forceinline__ float to_float(__half x) { return __half2float(x); }

// Rounding to the storage type. Updates of lr * gradient are often far below
// half precision's resolution at the row's magnitude; rounding them away every
// time would freeze training, so stochastic rounding keeps them in expectation.
struct Rounder {
  uint32_t state;
  __device__ uint32_t bits() {
    state = state * 1664525u + 1013904223u;  // LCG: its high bits are the useful ones
    return state;
  }
  __device__ void round(float v, __nv_bfloat16& out, bool stochastic) {
    if (stochastic && isfinite(v)) {
      // Adding 16 random bits below bf16's last bit, then truncating, rounds
      // up with probability equal to the dropped fraction.
      const uint32_t raised = __float_as_uint(v) + (bits() >> 16);
      out = __ushort_as_bfloat16(static_cast<unsigned short>(raised >> 16));
    } else {
      out = __float2bfloat16_rn(v);
    }
  }
  __device__ void round(float v, __half& out, bool stochastic) {
    if (!stochastic) {
      out = __float2half_rn(v);
      return;
    }
    const __half down = __float2half_rd(v), up = __float2half_ru(v);
    const float low = __half2float(down), high = __half2float(up);
    out = (high > low && static_cast<float>(bits()) * 0x1.0p-32f < (v - low) / (high - low)) ? up
                                                                                            : down;
  }
  __device__ void round(float v, float& out, bool) { out = v; }
};

// A row's slice held by one lane: elements lane*VEC .. lane*VEC+VEC-1.
template <typename T, int VEC>
__device__ __forceinline__ void load_row(const T* row, int lane, int dimension, bool whole,
                                         float (&v)[VEC]) {
  const int base = lane * VEC;
  if (whole) {
    constexpr int kBytes = VEC * static_cast<int>(sizeof(T));
    union {
      T values[VEC];
      uint4 v16[(kBytes + 15) / 16];
      uint2 v8;
      uint32_t v4;
      unsigned short v2;
    } chunk;
    if constexpr (kBytes >= 16) {
      const uint4* source = reinterpret_cast<const uint4*>(row + base);
#pragma unroll
      for (int i = 0; i < kBytes / 16; ++i) chunk.v16[i] = source[i];
    } else if constexpr (kBytes == 8) {
      chunk.v8 = *reinterpret_cast<const uint2*>(row + base);
    } else if constexpr (kBytes == 4) {
      chunk.v4 = *reinterpret_cast<const uint32_t*>(row + base);
    } else {
      chunk.v2 = *reinterpret_cast<const unsigned short*>(row + base);
    }
#pragma unroll
    for (int i = 0; i < VEC; ++i) v[i] = to_float(chunk.values[i]);
  } else {
#pragma unroll
    for (int i = 0; i < VEC; ++i) v[i] = base + i < dimension ? to_float(row[base + i]) : 0.0f;
  }
}

template <typename T, int VEC>
__device__ __forceinline__ void store_row(T* row, int lane, int dimension, bool whole,
                                          const float (&v)[VEC], Rounder& rounder,
                                          bool stochastic) {
  const int base = lane * VEC;
  union {
    T values[VEC];
    uint4 v16[(VEC * sizeof(T) + 15) / 16];
    uint2 v8;
    uint32_t v4;
    unsigned short v2;
  } chunk;
#pragma unroll
  for (int i = 0; i < VEC; ++i) rounder.round(v[i], chunk.values[i], stochastic);
  if (whole) {
    constexpr int kBytes = VEC * static_cast<int>(sizeof(T));
    if constexpr (kBytes >= 16) {
      uint4* target = reinterpret_cast<uint4*>(row + base);
#pragma unroll
      for (int i = 0; i < kBytes / 16; ++i) target[i] = chunk.v16[i];
    } else if constexpr (kBytes == 8) {
      *reinterpret_cast<uint2*>(row + base) = chunk.v8;
    } else if constexpr (kBytes == 4) {
      *reinterpret_cast<uint32_t*>(row + base) = chunk.v4;
    } else {
      *reinterpret_cast<unsigned short*>(row + base) = chunk.v2;
    }
  } else {
#pragma unroll
    for (int i = 0; i < VEC; ++i) {
      if (base + i < dimension) row[base + i] = chunk.values[i];
    }
  }
}

__device__ __forceinline__ float warp_sum(float x) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(0xffffffffu, x, offset);
  return x;
}

__device__ __forceinline__ float log_sigmoid(float x) {
  return x >= 0 ? -log1pf(expf(-x)) : x - log1pf(expf(x));
}

// The rows one center position trains, in the CPU's order: per pair the
// context then k negatives, or (shared) all contexts then k negatives once.
struct CenterPlan {
  const int32_t* walk;
  int64_t position, first;
  int64_t contexts;  // m
  bool shared;
  int num_negatives;
  __device__ int64_t targets() const {
    return shared ? contexts + num_negatives : contexts * (num_negatives + 1);
  }
  // Called for t = 0, 1, 2, ... in order: negatives are drawn as they come.
  __device__ int32_t target(int64_t t, const NegativeTable& negatives, Rng& rng, float& label,
                            float& weight, bool& ends_pair) const {
    weight = 1.0f;
    if (shared) {
      ends_pair = t + 1 == targets();
      if (t < contexts) return label = 1.0f, walk[context_position(t)];
      weight = static_cast<float>(contexts);
      return label = 0.0f, negatives.sample(rng);
    }
    const int64_t pair = t / (num_negatives + 1), slot = t % (num_negatives + 1);
    ends_pair = slot == num_negatives;
    if (slot == 0) return label = 1.0f, walk[context_position(pair)];
    return label = 0.0f, negatives.sample(rng);
  }
  __device__ int64_t context_position(int64_t i) const {
    const int64_t j = first + i;
    return j < position ? j : j + 1;
  }
};

// DEPTH target rows are in flight while one is scored: a warp alone cannot
// cover the memory latency with one outstanding row.
template <typename T, int VEC, int DEPTH>
__global__ void __launch_bounds__(kThreadsPerBlock) sgns_kernel(SgnsLaunch a) {
  constexpr int kSlots = DEPTH + 1;
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
    // Walk-major (a single warp: the CPU's order) or position-major: then
    // neighbouring warps train different walks, and two centers of one walk,
    // which share most of their contexts, are never trained at once.
    const int64_t slot = a.first_slot + (walk_major ? c / length : c % chunk_walks);
    const int64_t position = walk_major ? c % length : c / chunk_walks;
    const int64_t walk_id = a.order(slot);
    const int32_t* walk = a.walks + walk_id * length;
    const int32_t center = walk[position];
    if (center < 0) continue;
    Rng rng = center_rng(a.seed, a.epoch, walk_id, length, position);
    const int64_t reach =
        a.dynamic_window ? 1 + static_cast<int64_t>(rng.below(a.window)) : a.window;
    const int64_t first = position > reach ? position - reach : 0;
    int64_t last = position + reach < length - 1 ? position + reach : length - 1;
    while (last > position && walk[last] < 0) --last;
    const CenterPlan plan{walk, position, first, last - first, a.share_negatives,
                          a.num_negatives};
    if (plan.contexts == 0) continue;
    const float lr = a.schedule.at(a.epoch * a.num_walks + slot, a.walks_total);
    const bool want_loss = measures_loss(position);
    Rounder rounder{static_cast<uint32_t>(mix64(a.seed ^ (c * 32 + lane) ^ (a.epoch << 50)))};

    float center_row[VEC], gradient[VEC];
    T* center_pointer = input + static_cast<int64_t>(center) * d;
    load_row<T, VEC>(center_pointer, lane, d, whole, center_row);
#pragma unroll
    for (int i = 0; i < VEC; ++i) gradient[i] = 0.0f;

    // A ring of kSlots target rows: slot r holds targets r, r + kSlots, ...
    float rows[kSlots][VEC], labels[kSlots], weights[kSlots];
    int32_t ids[kSlots];
    bool ends_pair[kSlots];
    unsigned stale = 0;  // bit r: slot r was read before a pending store to the same row
    const int64_t num_targets = plan.targets();
#pragma unroll
    for (int r = 0; r < kSlots; ++r) {
      if (r < num_targets) {
        ids[r] = plan.target(r, a.negatives, rng, labels[r], weights[r], ends_pair[r]);
        bool repeated = false;
#pragma unroll
        for (int s = 0; s < r; ++s) repeated |= ids[s] == ids[r];
        if (repeated) stale |= 1u << r;
        else load_row<T, VEC>(output + static_cast<int64_t>(ids[r]) * d, lane, d, whole, rows[r]);
      }
    }
    for (int64_t base = 0; base < num_targets; base += kSlots) {
#pragma unroll
      for (int r = 0; r < kSlots; ++r) {
        const int64_t t = base + r;
        if (t >= num_targets) break;
        T* target = output + static_cast<int64_t>(ids[r]) * d;
        // The row's earlier update is stored by now; own stores are visible.
        if (stale & (1u << r)) load_row<T, VEC>(target, lane, d, whole, rows[r]);
        float partial = 0.0f;
#pragma unroll
        for (int i = 0; i < VEC; ++i) partial += center_row[i] * rows[r][i];
        const float score = warp_sum(partial);
        const float g = (labels[r] - stable_sigmoid(score)) * lr * weights[r];
        if (want_loss) sampled_loss -= weights[r] * log_sigmoid(labels[r] > 0 ? score : -score);
#pragma unroll
        for (int i = 0; i < VEC; ++i) {
          gradient[i] += g * rows[r][i];
          rows[r][i] += g * center_row[i];
        }
        store_row<T, VEC>(target, lane, d, whole, rows[r], rounder, a.stochastic_rounding);
        if (ends_pair[r] && !plan.shared) {
          // Pair by pair, as word2vec: the center moves before the next pair.
#pragma unroll
          for (int i = 0; i < VEC; ++i) {
            center_row[i] += gradient[i];
            gradient[i] = 0.0f;
          }
        }
        stale &= ~(1u << r);
        const int64_t refill = t + kSlots;
        if (refill < num_targets) {
          ids[r] = plan.target(refill, a.negatives, rng, labels[r], weights[r], ends_pair[r]);
          bool pending = false;  // the other slots' rows are not stored yet
#pragma unroll
          for (int s = 0; s < kSlots; ++s) pending |= s != r && ids[s] == ids[r];
          if (pending) stale |= 1u << r;
          else load_row<T, VEC>(output + static_cast<int64_t>(ids[r]) * d, lane, d, whole, rows[r]);
        }
      }
    }
    if (plan.shared) {
#pragma unroll
      for (int i = 0; i < VEC; ++i) center_row[i] += gradient[i];
    }
    store_row<T, VEC>(center_pointer, lane, d, whole, center_row, rounder, a.stochastic_rounding);
    pairs += plan.contexts;
    if (want_loss) sampled_pairs += plan.contexts;
  }
  if (lane == 0 && pairs > 0) {
    atomicAdd(a.loss_sum, static_cast<double>(sampled_loss));
    atomicAdd(a.loss_pairs, sampled_pairs);
    atomicAdd(a.pairs, pairs);
  }
}

template <typename T, int VEC, int DEPTH>
void launch_with(const SgnsLaunch& launch, bool deterministic) {
  static int blocks_per_sm = 0, sms = 0;
  if (sms == 0) {
    int device = 0;
    WB_CUDA_CHECK(cudaGetDevice(&device));
    WB_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
    WB_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
        &blocks_per_sm, sgns_kernel<T, VEC, DEPTH>, kThreadsPerBlock, 0));
    blocks_per_sm = std::max(blocks_per_sm, 1);
  }
  if (deterministic) {
    sgns_kernel<T, VEC, DEPTH><<<1, 32>>>(launch);
  } else {
    // A persistent grid: every warp strides over the chunk's center positions.
    const int64_t warps_needed = (launch.end_slot - launch.first_slot) * launch.walk_length;
    const int64_t blocks_needed = (warps_needed + kThreadsPerBlock / 32 - 1) / (kThreadsPerBlock / 32);
    const auto blocks = static_cast<unsigned>(
        std::max<int64_t>(1, std::min<int64_t>(blocks_needed, int64_t{sms} * blocks_per_sm)));
    sgns_kernel<T, VEC, DEPTH><<<blocks, kThreadsPerBlock>>>(launch);
  }
  WB_CUDA_CHECK(cudaGetLastError());
}

template <typename T, int VEC>
void launch_with_depth(const SgnsLaunch& launch, bool deterministic, int depth) {
  if constexpr (VEC <= 4) {
    if (depth <= 1) return launch_with<T, VEC, 1>(launch, deterministic);
    if (depth >= 4) return launch_with<T, VEC, 4>(launch, deterministic);
    return launch_with<T, VEC, 2>(launch, deterministic);
  } else {
    return launch_with<T, VEC, 1>(launch, deterministic);  // registers are full already
  }
}

template <typename T>
void launch_for_type(const SgnsLaunch& launch, bool deterministic, int depth) {
  const int d = launch.dimension;
  if (d <= 32) return launch_with_depth<T, 1>(launch, deterministic, depth);
  if (d <= 64) return launch_with_depth<T, 2>(launch, deterministic, depth);
  if (d <= 128) return launch_with_depth<T, 4>(launch, deterministic, depth);
  if (d <= 256) return launch_with_depth<T, 8>(launch, deterministic, depth);
  return launch_with_depth<T, 16>(launch, deterministic, depth);
}

// Rows in flight per warp; WB_SGNS_PREFETCH (1, 2 or 4) overrides it for
// benchmarks and tests.
int prefetch_depth() {
  const char* text = std::getenv("WB_SGNS_PREFETCH");
  return text != nullptr ? std::atoi(text) : kDefaultPrefetchDepth;
}

}  // namespace

void launch_sgns(const SgnsLaunch& launch, SgnsStorage storage, bool deterministic) {
  const int depth = prefetch_depth();
  switch (storage) {
    case SgnsStorage::kFp32: return launch_for_type<float>(launch, deterministic, depth);
    case SgnsStorage::kBf16: return launch_for_type<__nv_bfloat16>(launch, deterministic, depth);
    case SgnsStorage::kFp16: return launch_for_type<__half>(launch, deterministic, depth);
  }
}

}  // namespace wb
