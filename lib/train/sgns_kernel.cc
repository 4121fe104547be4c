#include "train/sgns_kernel.h"

#include <cmath>

#include "train/sgns_schedule.h"

namespace wb {
namespace {

inline double log_sigmoid(float x) {
  // log s(x) = -log(1 + e^-x), written to stay finite for large |x|.
  return x >= 0 ? -std::log1p(std::exp(-static_cast<double>(x)))
                : static_cast<double>(x) - std::log1p(std::exp(static_cast<double>(x)));
}

// Scores one target row against the center, moves the row and accumulates the
// center's gradient; `weight` counts the pairs the row stands for.
inline double update_target(const float* center, float* target, int64_t dimension, float label,
                            float weight, float learning_rate, bool want_loss,
                            float* center_gradient) {
  float score = 0.0f;
#pragma omp simd reduction(+ : score)
  for (int64_t d = 0; d < dimension; ++d) score += center[d] * target[d];
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
