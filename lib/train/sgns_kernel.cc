#include "train/sgns_kernel.h"

#include <cmath>

namespace wb {
namespace {

// Sigmoid saturates beyond |x| = 30 in float; clamping keeps log() finite.
inline float stable_sigmoid(float x) {
  if (x > 30.0f) return 1.0f;
  if (x < -30.0f) return 0.0f;
  return 1.0f / (1.0f + std::exp(-x));
}

inline double log_sigmoid(float x) {
  // log s(x) = -log(1 + e^-x), written to stay finite for large |x|.
  return x >= 0 ? -std::log1p(std::exp(-static_cast<double>(x)))
                : static_cast<double>(x) - std::log1p(std::exp(static_cast<double>(x)));
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
    float* target = targets[t];
    float score = 0.0f;
#pragma omp simd reduction(+ : score)
    for (int64_t d = 0; d < dimension; ++d) score += center[d] * target[d];
    const float label = t == 0 ? 1.0f : 0.0f;
    if (want_loss) loss -= log_sigmoid(t == 0 ? score : -score);
    const float g = (label - stable_sigmoid(score)) * learning_rate;
#pragma omp simd
    for (int64_t d = 0; d < dimension; ++d) {
      center_gradient[d] += g * target[d];
      target[d] += g * center[d];
    }
  }
#pragma omp simd
  for (int64_t d = 0; d < dimension; ++d) center[d] += center_gradient[d];
  return loss;
}

}  // namespace wb
