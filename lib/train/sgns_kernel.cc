#include "train/sgns_kernel.h"

#include <cmath>
#include <cstring>

#include "train/sgns_schedule.h"

namespace wb {
namespace {

inline double log_sigmoid(float x) {
  // log s(x) = -log(1 + e^-x), written to stay finite for large |x|.
  return x >= 0 ? -std::log1p(std::exp(-static_cast<double>(x)))
                : static_cast<double>(x) - std::log1p(std::exp(static_cast<double>(x)));
}

// e^x for |x| <= 30, inline: Cephes' expf, 2^n e^r with |r| <= ln 2 / 2 and
// a degree-6 polynomial, within 2 ulp of libm. A libm call would make the
// register-resident kernel below spill every vector register around it (all
// are caller-saved).
inline float exp_within_30(float x) {
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float n = (x * 1.44269504088896341f + kRound) - kRound;
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e_r = p * r * r + r + 1.0f;
  const int32_t exponent_bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &exponent_bits, sizeof scale);
  return e_r * scale;
}

// stable_sigmoid() (sgns_schedule.h, shared with the CUDA kernels) with the
// exponential above.
inline float inline_sigmoid(float x) {
  if (x > 30.0f) return 1.0f;
  if (x < -30.0f) return 0.0f;
  return 1.0f / (1.0f + exp_within_30(-x));
}

// Sixteen floats as one value: GCC lowers the arithmetic to one AVX-512
// register, two AVX2 ones or four SSE ones, whichever clone it compiles.
typedef float Floats16 __attribute__((vector_size(64)));
typedef float Floats8 __attribute__((vector_size(32)));
typedef float Floats4 __attribute__((vector_size(16)));

// The sum of the sixteen lanes, added in halves. (Vectors pass by reference:
// by value they would change the calling convention between clones.)
inline float fold(const Floats16& sum16) {
  const Floats8 sum8 = __builtin_shufflevector(sum16, sum16, 0, 1, 2, 3, 4, 5, 6, 7) +
                       __builtin_shufflevector(sum16, sum16, 8, 9, 10, 11, 12, 13, 14, 15);
  const Floats4 sum4 = __builtin_shufflevector(sum8, sum8, 0, 1, 2, 3) +
                       __builtin_shufflevector(sum8, sum8, 4, 5, 6, 7);
  return (sum4[0] + sum4[2]) + (sum4[1] + sum4[3]);
}

// u.v with two independent vector sums folded in halves at the end. Written
// as a plain reduction, each multiply-add waited for the previous one and GCC
// added the sixteen lanes one by one through the stack: a fifth of the
// kernel's time in a profile.
inline float dot(const float* a, const float* b, int64_t dimension) {
  Floats16 even = {}, odd = {};
  int64_t d = 0;
  Floats16 x, y, z, w;  // rows are only float-aligned: loaded by memcpy
  for (; d + 32 <= dimension; d += 32) {
    std::memcpy(&x, a + d, sizeof x);
    std::memcpy(&y, b + d, sizeof y);
    std::memcpy(&z, a + d + 16, sizeof z);
    std::memcpy(&w, b + d + 16, sizeof w);
    even += x * y;
    odd += z * w;
  }
  if (d + 16 <= dimension) {
    std::memcpy(&x, a + d, sizeof x);
    std::memcpy(&y, b + d, sizeof y);
    even += x * y;
    d += 16;
  }
  float score = fold(even + odd);
  for (; d < dimension; ++d) score += a[d] * b[d];
  return score;
}

// Scores one target row against the center, moves the row and accumulates the
// center's gradient; `weight` counts the pairs the row stands for.
inline double update_target(const float* center, float* target, int64_t dimension, float label,
                            float weight, float learning_rate, bool want_loss,
                            float* center_gradient) {
  const float score = dot(center, target, dimension);
  const float g = (label - stable_sigmoid(score)) * learning_rate * weight;
#pragma omp simd
  for (int64_t d = 0; d < dimension; ++d) {
    center_gradient[d] += g * target[d];
    target[d] += g * center[d];
  }
  return want_loss ? -weight * log_sigmoid(label > 0 ? score : -score) : 0.0;
}

// sgns_update() for a dimension of 16 * kBlocks: the center and its gradient
// stay in registers for the whole pair (on AVX-512, 2 * 8 of the 32 for
// d = 128) and each target row is loaded once, where the general loops read
// the target twice and the center and gradient once per target.
// Always inlined: a separate function would be compiled for the baseline
// target only, not for each clone of its caller. The loss is a template
// argument so that the usual path has no libm call in its loop.
template <int kBlocks, bool kWantLoss>
__attribute__((always_inline)) inline double sgns_update_in_registers(float* center,
                                                                      float* const* targets,
                                                                      int64_t num_targets,
                                                                      float learning_rate) {
  Floats16 c[kBlocks], gradient[kBlocks], row[kBlocks];
#pragma GCC unroll 16
  for (int b = 0; b < kBlocks; ++b) {
    std::memcpy(&c[b], center + 16 * b, sizeof c[b]);
    gradient[b] = Floats16{};
  }
  double loss = 0;
  for (int64_t t = 0; t < num_targets; ++t) {
    float* target = targets[t];
    Floats16 even = {}, odd = {};
#pragma GCC unroll 16
    for (int b = 0; b < kBlocks; ++b) {
      std::memcpy(&row[b], target + 16 * b, sizeof row[b]);
      if (b % 2 == 0) {
        even += c[b] * row[b];
      } else {
        odd += c[b] * row[b];
      }
    }
    const float score = fold(even + odd);
    const float label = t == 0 ? 1.0f : 0.0f;
    const float g = (label - inline_sigmoid(score)) * learning_rate;
#pragma GCC unroll 16
    for (int b = 0; b < kBlocks; ++b) {
      gradient[b] += g * row[b];
      row[b] += g * c[b];
      std::memcpy(target + 16 * b, &row[b], sizeof row[b]);
    }
    if (kWantLoss) loss -= log_sigmoid(t == 0 ? score : -score);
  }
#pragma GCC unroll 16
  for (int b = 0; b < kBlocks; ++b) {
    c[b] += gradient[b];
    std::memcpy(center + 16 * b, &c[b], sizeof c[b]);
  }
  return loss;
}

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
double
sgns_update(float* center, float* const* targets, int64_t num_targets, int64_t dimension,
            float learning_rate, bool want_loss, float* center_gradient) {
  if (dimension == 128) {
    return want_loss
               ? sgns_update_in_registers<8, true>(center, targets, num_targets, learning_rate)
               : sgns_update_in_registers<8, false>(center, targets, num_targets, learning_rate);
  }
  if (dimension == 64) {
    return want_loss
               ? sgns_update_in_registers<4, true>(center, targets, num_targets, learning_rate)
               : sgns_update_in_registers<4, false>(center, targets, num_targets, learning_rate);
  }
  double loss = 0;
#pragma omp simd
  for (int64_t d = 0; d < dimension; ++d) center_gradient[d] = 0.0f;
  for (int64_t t = 0; t < num_targets; ++t) {
    loss += update_target(center, targets[t], dimension, t == 0 ? 1.0f : 0.0f, 1.0f, learning_rate,
                          want_loss, center_gradient);
  }
#pragma omp simd
  for (int64_t d = 0; d < dimension; ++d) center[d] += center_gradient[d];
  return loss;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
double
sgns_window_update(float* center, float* const* contexts, int64_t num_contexts,
                   float* const* negatives, int64_t num_negatives, int64_t dimension,
                   float learning_rate, bool want_loss, float* center_gradient) {
  double loss = 0;
#pragma omp simd
  for (int64_t d = 0; d < dimension; ++d) center_gradient[d] = 0.0f;
  for (int64_t t = 0; t < num_contexts; ++t) {
    loss += update_target(center, contexts[t], dimension, 1.0f, 1.0f, learning_rate, want_loss,
                          center_gradient);
  }
  const float weight = static_cast<float>(num_contexts);
  for (int64_t t = 0; t < num_negatives; ++t) {
    loss += update_target(center, negatives[t], dimension, 0.0f, weight, learning_rate, want_loss,
                          center_gradient);
  }
#pragma omp simd
  for (int64_t d = 0; d < dimension; ++d) center[d] += center_gradient[d];
  return loss;
}

}  // namespace wb
