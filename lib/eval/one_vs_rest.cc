#include "eval/one_vs_rest.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/errors.h"
#include "eval/lbfgs_options.h"
#include "eval/preconditioner.h"

namespace wb {
namespace {

// L-BFGS's coordinates: logits are (x - mean) A w + b for whitened weights w,
// so the raw weights are A w, with A = M^-1/2 for M = Sigma + (l2 / n) I:
// Sigma, the training rows' covariance, shapes the log-loss's curvature (at
// most Sigma / 4; weighting it fully ran fastest on BlogCatalog, where most
// labels are rare), and l2 / n is the penalty's own curvature, which
// dominates in columns of small spread. Embeddings' correlated dimensions of
// uneven spread then no longer slow L-BFGS down. A only conditions the
// problem (any invertible A has the same optimum), so floats do for the
// correlations, summed over columns scaled to unit spread so that they stay
// accurate whatever the columns' units; the spreads come back in doubles.
struct Whitening {
  at::Tensor mean;       // [d]
  at::Tensor transform;  // [d, d], A
};

Whitening whitening_of(const at::Tensor& inputs, double penalty) {
  const at::Tensor mean = inputs.mean(0);
  at::Tensor centred = inputs - mean;
  const at::Tensor spread = centred.square().mean(0).sqrt_();
  centred.mul_(at::where(spread > 0, spread.reciprocal(), at::ones_like(spread)));
  const at::Tensor correlation =
      (at::mm(centred.t(), centred) / static_cast<double>(inputs.size(0)))
          .to(at::kCPU)
          .to(at::kDouble);
  const at::Tensor spread64 = spread.to(at::kCPU).to(at::kDouble);
  const at::Tensor curvature = spread64.unsqueeze(1) * correlation * spread64.unsqueeze(0) +
                               2.0 * penalty * at::eye(inputs.size(1), at::kDouble);
  return {mean, inverse_square_root(curvature).to(inputs.device())};
}

struct FittedWeights {
  at::Tensor weights;     // [d, labels], raw feature units
  at::Tensor intercepts;  // [labels]
  int evaluations = 0;    // of the objective, by L-BFGS
};

// The objective (summed over labels, averaged over rows) and its gradient
// without autograd: two matrix products and one sigmoid per evaluation.
FittedWeights fit_whitened(const at::Tensor& inputs, const at::Tensor& targets, double penalty,
                           int max_iterations) {
  const Whitening whitening = whitening_of(inputs, penalty);
  const at::Tensor& a = whitening.transform;
  const auto options = at::TensorOptions(at::kFloat).device(inputs.device());
  at::Tensor w = at::zeros({inputs.size(1), targets.size(1)}, options).requires_grad_(true);
  at::Tensor b = at::zeros({targets.size(1)}, options).requires_grad_(true);
  const auto rows = static_cast<double>(inputs.size(0));
  auto raw = [&](const at::Tensor& w_now, const at::Tensor& b_now) {
    const at::Tensor raw_w = at::mm(a, w_now);
    return FittedWeights{raw_w, b_now - at::mv(raw_w.t(), whitening.mean)};
  };
  torch::optim::LBFGS optimizer({w, b}, classifier_lbfgs_options(max_iterations));
  auto closure = [&]() {
    at::NoGradGuard no_grad;
    const FittedWeights current = raw(w, b);
    at::Tensor logits = at::addmm(current.intercepts, inputs, current.weights);
    const at::Tensor loss =
        at::binary_cross_entropy_with_logits(logits, targets, {}, {}, at::Reduction::Sum) / rows +
        penalty * current.weights.square().sum();
    const at::Tensor residual = logits.sigmoid_().sub_(targets);
    const at::Tensor residual_sum = residual.sum(0);
    // d/d raw_w: (x - mean)^T r / n + 2 penalty raw_w; then through raw_w = A w.
    at::Tensor raw_gradient = at::mm(inputs.t(), residual);
    raw_gradient.sub_(at::outer(whitening.mean, residual_sum))
        .div_(rows)
        .add_(current.weights, 2.0 * penalty);
    w.mutable_grad() = at::mm(a.t(), raw_gradient);
    b.mutable_grad() = residual_sum / rows;
    return loss;
  };
  const int evaluations = step_counting_evaluations(optimizer, closure);
  at::NoGradGuard no_grad;
  FittedWeights fitted = raw(w.detach(), b.detach());
  fitted.evaluations = evaluations;
  return fitted;
}

// The reference: L-BFGS on the raw weights, gradients by autograd.
FittedWeights fit_raw(const at::Tensor& inputs, const at::Tensor& targets, double penalty,
                      int max_iterations) {
  at::AutoGradMode enable_grad(true);
  const auto options = at::TensorOptions(at::kFloat).device(inputs.device());
  at::Tensor w = at::zeros({inputs.size(1), targets.size(1)}, options).requires_grad_(true);
  at::Tensor b = at::zeros({targets.size(1)}, options).requires_grad_(true);
  torch::optim::LBFGS optimizer({w, b}, classifier_lbfgs_options(max_iterations));
  auto closure = [&]() {
    optimizer.zero_grad();
    const at::Tensor logits = at::addmm(b, inputs, w);
    at::Tensor loss =
        at::binary_cross_entropy_with_logits(logits, targets, {}, {}, at::Reduction::Sum) /
            static_cast<double>(inputs.size(0)) +
        penalty * (w * w).sum();
    loss.backward();
    return loss;
  };
  const int evaluations = step_counting_evaluations(optimizer, closure);
  return {w.detach(), b.detach(), evaluations};
}

}  // namespace

void OneVsRestClassifier::fit(const Matrix& x, const std::vector<std::vector<int32_t>>& labels,
                              int64_t num_labels) {
  if (x.rows != static_cast<int64_t>(labels.size()) || x.rows == 0 || num_labels < 1) {
    throw Error("one-vs-rest: " + std::to_string(x.rows) + " rows, " +
                std::to_string(labels.size()) + " label sets, " + std::to_string(num_labels) +
                " labels");
  }
  const at::Device device(options_.device == "cuda" ? at::kCUDA : at::kCPU);
  at::Tensor targets = at::zeros({x.rows, num_labels}, at::kFloat);
  auto target_data = targets.accessor<float, 2>();
  for (int64_t i = 0; i < x.rows; ++i) {
    for (int32_t label : labels[i]) target_data[i][label] = 1.0;
  }
  // Raw features, as the protocol's scikit-learn LogisticRegression (C = 1 / l2)
  // sees them: standardising them would change what the penalty means.
  const at::Tensor inputs =
      at::from_blob(const_cast<float*>(x.values.data()), {x.rows, x.cols}, at::kFloat).to(device);
  targets = targets.to(device);
  // Per label: l2 / (2 n) ||w||^2 beside the mean log-loss.
  const double penalty = options_.l2 / (2.0 * static_cast<double>(x.rows));
  const FittedWeights fitted = options_.whiten
                                   ? fit_whitened(inputs, targets, penalty, options_.max_iterations)
                                   : fit_raw(inputs, targets, penalty, options_.max_iterations);
  evaluations_ = fitted.evaluations;

  const at::Tensor raw_w = fitted.weights.to(at::kCPU).contiguous();
  const at::Tensor raw_b = fitted.intercepts.to(at::kCPU).to(at::kDouble).contiguous();
  weights_ = Matrix(x.cols, num_labels);
  std::copy(raw_w.data_ptr<float>(), raw_w.data_ptr<float>() + raw_w.numel(),
            weights_.values.begin());
  intercepts_.assign(raw_b.data_ptr<double>(), raw_b.data_ptr<double>() + num_labels);
  for (float v : weights_.values) {
    if (!std::isfinite(v)) throw NumericError("one-vs-rest logistic regression diverged");
  }
}

Matrix OneVsRestClassifier::decision_function(const Matrix& x) const {
  if (x.cols != weights_.rows) throw Error("one-vs-rest: used before fit or on other features");
  const int64_t num_labels = weights_.cols;
  Matrix scores(x.rows, num_labels);
  for (int64_t i = 0; i < x.rows; ++i) {
    float* out = scores.row(i);
    for (int64_t l = 0; l < num_labels; ++l) out[l] = static_cast<float>(intercepts_[l]);
    const float* row = x.row(i);
    for (int64_t j = 0; j < x.cols; ++j) {
      const float* w = weights_.row(j);
      for (int64_t l = 0; l < num_labels; ++l) out[l] += row[j] * w[l];
    }
  }
  return scores;
}

std::vector<std::vector<int32_t>> top_labels(const Matrix& scores,
                                             const std::vector<int64_t>& counts) {
  std::vector<std::vector<int32_t>> predicted(static_cast<size_t>(scores.rows));
  std::vector<int32_t> order(static_cast<size_t>(scores.cols));
  for (int64_t i = 0; i < scores.rows; ++i) {
    const float* row = scores.row(i);
    std::iota(order.begin(), order.end(), 0);
    const int64_t k = std::clamp<int64_t>(counts[i], 1, scores.cols);
    // Ties go to the lower label index, so the choice is reproducible.
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int32_t a, int32_t b) {
      return row[a] > row[b] || (row[a] == row[b] && a < b);
    });
    predicted[i].assign(order.begin(), order.begin() + k);
    std::sort(predicted[i].begin(), predicted[i].end());
  }
  return predicted;
}

}  // namespace wb
