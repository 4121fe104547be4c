#pragma once
// A small counter-seeded generator. Each walk, split or worker derives its own
// stream from (seed, stream id), so results never depend on thread count or
// scheduling order.
#include <cstdint>

#include "core/host_device.h"

namespace wb {

WB_HOST_DEVICE inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  WB_HOST_DEVICE Rng() : state_(0) {}  // a placeholder, to be assigned a seeded one
  WB_HOST_DEVICE Rng(uint64_t seed, uint64_t stream)
      : state_(mix64(seed ^ mix64(stream + 0x632be59bd9b4e019ULL))) {}

  WB_HOST_DEVICE uint64_t next() {  // SplitMix64
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Skips n draws of next(): SplitMix64's state only counts, so a stream's
  // stretches can be drawn on different threads.
  WB_HOST_DEVICE void discard(uint64_t n) { state_ += n * 0x9e3779b97f4a7c15ULL; }
  // Uniform in [0, 1) with 53 bits.
  WB_HOST_DEVICE double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  WB_HOST_DEVICE float uniform_float() { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < 2^-32 for n < 2^32).
  WB_HOST_DEVICE uint64_t below(uint64_t n) {
#if defined(__CUDA_ARCH__)
    return __umul64hi(next(), n);  // the same high word as the 128-bit product below
#else
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
#endif
  }

 private:
  uint64_t state_;
};

}  // namespace wb
