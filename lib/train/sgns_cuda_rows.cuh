#pragma once
// Device helpers of the fused CUDA kernels (CUDA sources only): a lane's slice
// of a table row in fp32 registers, loaded and stored in the table's storage
// type, with stochastic rounding for bf16 and fp16.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

namespace wb {

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

// How a row is read. From global memory loads bypass L1 (ld.global.cg):
// other SMs' updates of a row land in L2, and a line cached in this SM's L1
// would hide them. Rows a warp fetched into shared memory are read plainly.
struct GlobalLoads {
  template <typename W>
  __device__ W operator()(const W* p) const {
    return __ldcg(p);
  }
};
struct SharedLoads {
  template <typename W>
  __device__ W operator()(const W* p) const {
    return *p;
  }
};

// A row's slice held by one lane: elements lane*VEC .. lane*VEC+VEC-1.
template <typename T, int VEC, typename Loads = GlobalLoads>
__device__ __forceinline__ void load_row(const T* row, int lane, int dimension, bool whole,
                                         float (&v)[VEC], Loads load = {}) {
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
      for (int i = 0; i < kBytes / 16; ++i) chunk.v16[i] = load(source + i);
    } else if constexpr (kBytes == 8) {
      chunk.v8 = load(reinterpret_cast<const uint2*>(row + base));
    } else if constexpr (kBytes == 4) {
      chunk.v4 = load(reinterpret_cast<const unsigned int*>(row + base));
    } else {
      chunk.v2 = load(reinterpret_cast<const unsigned short*>(row + base));
    }
#pragma unroll
    for (int i = 0; i < VEC; ++i) v[i] = to_float(chunk.values[i]);
  } else {
#pragma unroll
    for (int i = 0; i < VEC; ++i) {
      v[i] = base + i < dimension ? to_float(load(row + base + i)) : 0.0f;
    }
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

// Adds `delta` to an fp32 row in L2 (red.global.add): concurrent warps'
// updates of a popular row accumulate instead of overwriting each other.
template <int VEC>
__device__ __forceinline__ void add_to_row(float* row, int lane, int dimension, bool whole,
                                           const float (&delta)[VEC]) {
  const int base = lane * VEC;
  if (whole) {
    if constexpr (VEC % 4 == 0) {
#pragma unroll
      for (int i = 0; i < VEC; i += 4) {
        atomicAdd(reinterpret_cast<float4*>(row + base + i),
                  make_float4(delta[i], delta[i + 1], delta[i + 2], delta[i + 3]));
      }
    } else if constexpr (VEC == 2) {
      atomicAdd(reinterpret_cast<float2*>(row + base), make_float2(delta[0], delta[1]));
    } else {
      atomicAdd(row + base, delta[0]);
    }
  } else {
#pragma unroll
    for (int i = 0; i < VEC; ++i) {
      if (base + i < dimension) atomicAdd(row + base + i, delta[i]);
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

}  // namespace wb
