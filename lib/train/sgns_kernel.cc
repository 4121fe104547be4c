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

// Sixteen floats as one value: GCC lowers the arithmetic to one AVX-512
// register, two AVX2 ones or four SSE ones, whichever clone it compiles.
typedef float Floats16 __attribute__((vector_size(64)));
typedef float Floats8 __attribute__((vector_size(32)));
typedef float Floats4 __attribute__((vector_size(16)));

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
  const Floats16 sum16 = even + odd;
  const Floats8 sum8 = __builtin_shufflevector(sum16, sum16, 0, 1, 2, 3, 4, 5, 6, 7) +
                       __builtin_shufflevector(sum16, sum16, 8, 9, 10, 11, 12, 13, 14, 15);
  const Floats4 sum4 = __builtin_shufflevector(sum8, sum8, 0, 1, 2, 3) +
                       __builtin_shufflevector(sum8, sum8, 4, 5, 6, 7);
  float score = (sum4[0] + sum4[2]) + (sum4[1] + sum4[3]);
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

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
double
sgns_update(float* center, float* const* targets, int64_t num_targets, int64_t dimension,
            float learning_rate, bool want_loss, float* center_gradient) {
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
