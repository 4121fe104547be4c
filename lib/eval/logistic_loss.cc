#include "eval/logistic_loss.h"

#include <cmath>

#include "core/parallel.h"

namespace wb {
namespace {

constexpr int64_t kRowsPerChunk = 1 << 13;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
float
dot(const float* a, const float* b, int64_t n) {
  float sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < n; ++j) sum += a[j] * b[j];
  return sum;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void
add_scaled(float* into, const float* row, float scale, int64_t n) {
#pragma omp simd
  for (int64_t j = 0; j < n; ++j) into[j] += scale * row[j];
}

}  // namespace

LogisticLoss logistic_loss(const Matrix& x, const std::vector<float>& labels,
                           const std::vector<float>& weights, double bias, int threads) {
  const int64_t chunks = (x.rows + kRowsPerChunk - 1) / kRowsPerChunk;
  std::vector<std::vector<float>> gradients(static_cast<size_t>(chunks));
  std::vector<double> losses(static_cast<size_t>(chunks)), residuals(static_cast<size_t>(chunks));
  parallel_for_chunks(x.rows, kRowsPerChunk, threads, {}, "eval", [&](int64_t begin, int64_t end) {
    const int64_t chunk = begin / kRowsPerChunk;
    std::vector<float>& gradient = gradients[chunk];
    gradient.assign(static_cast<size_t>(x.cols), 0.0f);
    double loss = 0, residual = 0;
    for (int64_t i = begin; i < end; ++i) {
      const float* row = x.row(i);
      const double z = dot(row, weights.data(), x.cols) + bias;
      // log(1 + e^z) - y z and sigmoid(z) - y from one e^-|z|, which never
      // overflows: exp(-z) for z >= 0 and exp(z) below, as each needs.
      const double e = std::exp(-std::abs(z));
      loss += std::max(z, 0.0) - labels[i] * z + std::log1p(e);
      const double probability = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      const double r = probability - labels[i];
      residual += r;
      add_scaled(gradient.data(), row, static_cast<float>(r), x.cols);
    }
    losses[chunk] = loss;
    residuals[chunk] = residual;
  });
  LogisticLoss total;
  total.gradient_sum.assign(static_cast<size_t>(x.cols), 0.0);
  for (int64_t c = 0; c < chunks; ++c) {
    total.loss_sum += losses[c];
    total.residual_sum += residuals[c];
    for (int64_t j = 0; j < x.cols; ++j) total.gradient_sum[j] += gradients[c][j];
  }
  return total;
}

}  // namespace wb
