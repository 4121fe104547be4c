#include "eval/one_vs_rest.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/errors.h"
#include "eval/lbfgs_options.h"

namespace wb {

void OneVsRestClassifier::fit(const Matrix& x, const std::vector<std::vector<int32_t>>& labels,
                              int64_t num_labels) {
  if (x.rows != static_cast<int64_t>(labels.size()) || x.rows == 0 || num_labels < 1) {
    throw Error("one-vs-rest: " + std::to_string(x.rows) + " rows, " +
                std::to_string(labels.size()) + " label sets, " + std::to_string(num_labels) +
                " labels");
  }
  const at::Device device(options_.device == "cuda" ? at::kCUDA : at::kCPU);
  at::AutoGradMode enable_grad(true);
  const at::Tensor features =
      at::from_blob(const_cast<float*>(x.values.data()), {x.rows, x.cols}, at::kFloat);
  at::Tensor targets = at::zeros({x.rows, num_labels}, at::kFloat);
  auto target_data = targets.accessor<float, 2>();
  for (int64_t i = 0; i < x.rows; ++i) {
    for (int32_t label : labels[i]) target_data[i][label] = 1.0;
  }
  // Raw features, as the protocol's scikit-learn LogisticRegression (C = 1 / l2)
  // sees them: standardising would change what the penalty means.
  const at::Tensor inputs = features.to(at::kFloat).to(device);
  targets = targets.to(device);

  at::Tensor w = at::zeros({x.cols, num_labels}, at::TensorOptions(at::kFloat).device(device))
                     .requires_grad_(true);
  at::Tensor b =
      at::zeros({num_labels}, at::TensorOptions(at::kFloat).device(device)).requires_grad_(true);
  const double penalty = options_.l2 / (2.0 * static_cast<double>(x.rows));
  torch::optim::LBFGS optimizer({w, b}, classifier_lbfgs_options(options_.max_iterations));
  auto closure = [&]() {
    optimizer.zero_grad();
    const at::Tensor logits = at::addmm(b, inputs, w);
    // Summed over labels, averaged over rows: each label's own objective.
    at::Tensor loss =
        at::binary_cross_entropy_with_logits(logits, targets, {}, {}, at::Reduction::Sum) /
            static_cast<double>(x.rows) +
        penalty * (w * w).sum();
    loss.backward();
    return loss;
  };
  optimizer.step(closure);

  at::NoGradGuard no_grad;
  const at::Tensor raw_w = w.detach().to(at::kCPU).contiguous();
  const at::Tensor raw_b = b.detach().to(at::kCPU).to(at::kDouble).contiguous();
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
