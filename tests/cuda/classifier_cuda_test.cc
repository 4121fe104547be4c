// The evaluation's classifiers fitted on the GPU (a run's device) against the
// same fits on the CPU: the objective is the same and both reach its optimum
// in whitened coordinates, so their predictions must agree.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/random.h"
#include "eval/logistic_regression.h"
#include "eval/one_vs_rest.h"

using namespace wb;

namespace {

// 2,000 rows of 16 correlated columns with offsets, from 4 latent values;
// `latent` keeps them for the labels.
Matrix correlated_rows(std::vector<float>& latent) {
  const int64_t n = 2000, d = 16;
  Rng rng(21, 0);
  Matrix x(n, d);
  latent.resize(n * 4);
  for (int64_t i = 0; i < n; ++i) {
    for (int f = 0; f < 4; ++f) latent[i * 4 + f] = rng.uniform_float() - 0.5f;
    for (int64_t j = 0; j < d; ++j) {
      x.row(i)[j] = 1.0f + 0.5f * static_cast<float>(j % 3) +
                    (1.0f + static_cast<float>(j)) * 0.1f *
                        (latent[i * 4 + j % 4] + 0.3f * (rng.uniform_float() - 0.5f));
    }
  }
  return x;
}

double largest_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double largest = 0;
  for (size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::abs(a[i] - b[i]));
  return largest;
}

}  // namespace

TEST_CASE("one-vs-rest fits on the GPU predict as the CPU's", "[cuda][eval]") {
  std::vector<float> latent;
  const Matrix x = correlated_rows(latent);
  std::vector<std::vector<int32_t>> labels(x.rows);
  for (int64_t i = 0; i < x.rows; ++i) {
    const float* s = latent.data() + i * 4;
    labels[i] = {s[0] > s[1] ? 0 : 1};
    if (s[2] > 0.2f) labels[i].push_back(2);
  }
  for (double l2 : {1.0, 0.01}) {
    CAPTURE(l2);
    OneVsRestOptions options;
    options.l2 = l2;
    OneVsRestClassifier cpu(options);
    cpu.fit(x, labels, 3);
    options.device = "cuda";
    OneVsRestClassifier gpu(options);
    gpu.fit(x, labels, 3);
    const Matrix on_cpu = cpu.decision_function(x), on_gpu = gpu.decision_function(x);
    const std::vector<double> a(on_cpu.values.begin(), on_cpu.values.end());
    const std::vector<double> b(on_gpu.values.begin(), on_gpu.values.end());
    REQUIRE(largest_difference(a, b) < 1e-2);
  }
}

TEST_CASE("edge classifier fits on the GPU predict as the CPU's", "[cuda][eval]") {
  std::vector<float> latent;
  const Matrix x = correlated_rows(latent);
  std::vector<int> labels(x.rows);
  Rng rng(22, 0);
  for (int64_t i = 0; i < x.rows; ++i) {
    const float* s = latent.data() + i * 4;
    labels[i] = s[0] - s[3] + 0.5f * (rng.uniform_float() - 0.5f) > 0 ? 1 : 0;
  }
  LogisticRegressionOptions options;
  LogisticRegression cpu(options);
  cpu.fit(x, labels);
  options.device = "cuda";
  LogisticRegression gpu(options);
  gpu.fit(x, labels);
  REQUIRE(largest_difference(cpu.decision_function(x), gpu.decision_function(x)) < 1e-2);
}
