#pragma once
// Vector arithmetic for the fused CPU kernel (sgns_kernel.cc), written with
// GCC's vector extensions so that one source compiles to AVX-512, AVX2 or
// baseline SSE instructions, depending on the target of the function it is
// inlined into. Internal to the kernel; included by it and its tests only.
#include <cstdint>
#include <cstring>

// The functions below return vectors by value. GCC warns that this changes
// the calling convention between targets; they are always inlined, so no call
// (and no convention) is left.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace wb {
namespace lanes {

typedef float Floats16 __attribute__((vector_size(64)));
typedef float Floats8 __attribute__((vector_size(32)));
typedef float Floats4 __attribute__((vector_size(16)));
typedef int32_t Ints8 __attribute__((vector_size(32)));

template <typename Vec>
constexpr int width() {
  return static_cast<int>(sizeof(Vec) / sizeof(float));
}

// Rows are only float-aligned, so loads and stores go through memcpy, which
// compiles to unaligned vector moves.
template <typename Vec>
__attribute__((always_inline)) inline Vec load(const float* from) {
  Vec v;
  std::memcpy(&v, from, sizeof v);
  return v;
}

template <typename Vec>
__attribute__((always_inline)) inline void store(float* to, const Vec& v) {
  std::memcpy(to, &v, sizeof v);
}

// The sum of a vector's lanes, added in halves. (Vectors pass by reference:
// by value they would change the calling convention between targets.)
__attribute__((always_inline)) inline float fold(const Floats8& sum8) {
  const Floats4 sum4 = __builtin_shufflevector(sum8, sum8, 0, 1, 2, 3) +
                       __builtin_shufflevector(sum8, sum8, 4, 5, 6, 7);
  return (sum4[0] + sum4[2]) + (sum4[1] + sum4[3]);
}

__attribute__((always_inline)) inline float fold(const Floats16& sum16) {
  const Floats8 sum8 = __builtin_shufflevector(sum16, sum16, 0, 1, 2, 3, 4, 5, 6, 7) +
                       __builtin_shufflevector(sum16, sum16, 8, 9, 10, 11, 12, 13, 14, 15);
  return fold(sum8);
}

// e^x in each lane for |x| <= 30: Cephes' expf, 2^n e^r with |r| <= ln 2 / 2
// and a degree-6 polynomial, within 2 ulp of libm. Eight lanes at once cost
// what one scalar libm call would, and a call would make the kernel spill its
// vector registers (all are caller-saved).
__attribute__((always_inline)) inline Floats8 exp_within_30(const Floats8& x) {
  const float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const Floats8 n = (x * 1.44269504088896341f + kRound) - kRound;
  const Floats8 r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  Floats8 p = r * 1.9875691500e-4f + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const Floats8 e_r = p * r * r + r + 1.0f;
  const Ints8 exponent_bits = (__builtin_convertvector(n, Ints8) + 127) << 23;
  Floats8 scale;
  std::memcpy(&scale, &exponent_bits, sizeof scale);
  return e_r * scale;
}

// stable_sigmoid() (sgns_schedule.h, shared with the CUDA kernels) in each
// lane, with the exponential above.
__attribute__((always_inline)) inline Floats8 sigmoid(const Floats8& x) {
  const Floats8 limit = Floats8{} + 30.0f;
  const Floats8 inside = x > limit ? limit : (x < -limit ? -limit : x);
  const Floats8 s = 1.0f / (1.0f + exp_within_30(-inside));
  const Floats8 one = Floats8{} + 1.0f;
  return x > limit ? one : (x < -limit ? Floats8{} : s);
}

}  // namespace lanes
}  // namespace wb

#pragma GCC diagnostic pop
