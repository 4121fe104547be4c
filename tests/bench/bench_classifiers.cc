// The evaluation's classifier fits: the link-prediction edge classifier on
// 1M pairs, and node classification's one-vs-rest fit on a BlogCatalog-sized
// set, each in the ways the library can fit it, side by side.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/parallel.h"
#include "core/random.h"
#include "eval/logistic_regression.h"
#include "eval/one_vs_rest.h"

namespace wb {
namespace {

// `rows` rows of 128 columns drawn as embeddings are: 16 latent values mixed
// into every column (so the columns correlate) plus noise, each column with
// its own offset and spread.
Matrix correlated_rows(int64_t rows, Rng& rng, std::vector<float>& latent) {
  const int64_t cols = 128, factors = 16;
  std::vector<float> mixing(static_cast<size_t>(cols * factors));
  for (float& m : mixing) m = rng.uniform_float() - 0.5f;
  Matrix x(rows, cols);
  latent.resize(static_cast<size_t>(rows * factors));
  for (int64_t i = 0; i < rows; ++i) {
    float* s = latent.data() + i * factors;
    for (int64_t f = 0; f < factors; ++f) s[f] = rng.uniform_float() + rng.uniform_float() - 1.0f;
    for (int64_t j = 0; j < cols; ++j) {
      float v = 1.0f * (rng.uniform_float() - 0.5f);
      for (int64_t f = 0; f < factors; ++f) v += mixing[j * factors + f] * s[f];
      x.row(i)[j] = 0.05f * static_cast<float>(j % 7) + (0.5f + static_cast<float>(j % 5)) * v;
    }
  }
  return x;
}

struct LogisticFitCase {
  bool autograd = false;
  bool whiten = true;
};

// The edge classifier's fit on 1M pairs of 128 correlated features (512 MB,
// as a feature matrix of d = 128): L-BFGS evaluations are bound by reading
// the matrix, which autograd reads twice per evaluation, and whitening needs
// fewer evaluations.
void BM_LogisticFit(benchmark::State& state, LogisticFitCase fit) {
  const int64_t rows = 1 << 20;
  Rng rng(9, 0);
  std::vector<float> latent;
  const Matrix x = correlated_rows(rows, rng, latent);
  std::vector<int> labels(rows);
  for (int64_t i = 0; i < rows; ++i) {
    const float* s = latent.data() + i * 16;
    labels[i] = s[0] - s[1] + 0.5f * s[2] + (rng.uniform_float() - 0.5f) > 0 ? 1 : 0;
  }
  LogisticRegressionOptions options;
  options.threads = resolve_thread_count(0);
  options.autograd = fit.autograd;
  options.whiten = fit.whiten;
  int evaluations = 0;
  for (auto _ : state) {
    LogisticRegression model(options);
    model.fit(x, labels);
    evaluations = model.evaluations();
    benchmark::DoNotOptimize(model.weights().data());
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["evaluations"] = evaluations;
  state.counters["threads"] = options.threads;
}

// One one-vs-rest fit as a BlogCatalog split has it (4,125 nodes, 39 labels
// of uneven frequency, one or two per node, l2 = 0.01), run to convergence:
// within the evaluation's 200 iterations neither reaches the optimum on
// these rows (at convergence: raw 1.96K evaluations, whitened 383).
void BM_OneVsRestFit(benchmark::State& state, bool whiten) {
  const int64_t rows = 4125, num_labels = 39;
  Rng rng(11, 0);
  std::vector<float> latent;
  const Matrix x = correlated_rows(rows, rng, latent);
  std::vector<std::vector<int32_t>> labels(rows);
  std::vector<float> scores(num_labels);
  for (int64_t i = 0; i < rows; ++i) {
    // The best and, for two nodes in five, the second best of 39 noisy scores
    // of the latent values, label l favoured by 0.03 l.
    const float* s = latent.data() + i * 16;
    for (int32_t l = 0; l < num_labels; ++l) {
      scores[l] = s[l % 16] - 0.5f * s[(l + 5) % 16] + 0.03f * static_cast<float>(l) +
                  rng.uniform_float() - 0.5f;
    }
    std::vector<int32_t> order(num_labels);
    for (int32_t l = 0; l < num_labels; ++l) order[l] = l;
    std::partial_sort(order.begin(), order.begin() + 2, order.end(),
                      [&](int32_t a, int32_t b) { return scores[a] > scores[b]; });
    labels[i] = {order[0]};
    if (rng.uniform_float() < 0.4f) labels[i].push_back(order[1]);
  }
  OneVsRestOptions options;
  options.l2 = 0.01;
  options.max_iterations = 5000;
  options.whiten = whiten;
  int evaluations = 0;
  for (auto _ : state) {
    OneVsRestClassifier classifier(options);
    classifier.fit(x, labels, num_labels);
    evaluations = classifier.evaluations();
    benchmark::DoNotOptimize(classifier.weights().values.data());
  }
  state.counters["evaluations"] = evaluations;
}

// Rates are per wall-clock second: the work runs on worker threads.
BENCHMARK_CAPTURE(BM_LogisticFit, autograd, LogisticFitCase{true, false})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LogisticFit, one_pass_standardised, LogisticFitCase{false, false})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LogisticFit, one_pass_whitened, LogisticFitCase{false, true})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_OneVsRestFit, raw_autograd, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_OneVsRestFit, whitened, true)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace wb
