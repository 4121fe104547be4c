#include "eval/logistic_regression.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "core/errors.h"
#include "core/parallel.h"
#include "eval/lbfgs_options.h"
#include "eval/logistic_loss.h"
#include "eval/preconditioner.h"

namespace wb {
namespace {

struct Standardisation {
  std::vector<double> mean;
  std::vector<double> scale;  // standard deviation; 1 for constant columns, as sklearn
};

constexpr int64_t kRowsPerChunk = 1 << 15;

// Column means and standard deviations, summed per fixed chunk of rows and
// merged in chunk order: the same doubles whatever the thread count.
Standardisation column_statistics(const Matrix& x, int threads) {
  const int64_t chunks = (x.rows + kRowsPerChunk - 1) / kRowsPerChunk;
  std::vector<std::vector<double>> partial(static_cast<size_t>(chunks),
                                           std::vector<double>(static_cast<size_t>(x.cols)));
  auto sum_chunks = [&](auto&& add_row) {
    parallel_for_chunks(x.rows, kRowsPerChunk, threads, {}, "eval",
                        [&](int64_t begin, int64_t end) {
                          std::vector<double>& sums = partial[begin / kRowsPerChunk];
                          std::fill(sums.begin(), sums.end(), 0.0);
                          for (int64_t i = begin; i < end; ++i) add_row(x.row(i), sums);
                        });
    std::vector<double> total(static_cast<size_t>(x.cols), 0.0);
    for (const auto& sums : partial) {
      for (int64_t j = 0; j < x.cols; ++j) total[j] += sums[j];
    }
    return total;
  };
  Standardisation s;
  s.mean = sum_chunks([&](const float* row, std::vector<double>& sums) {
    for (int64_t j = 0; j < x.cols; ++j) sums[j] += row[j];
  });
  for (double& m : s.mean) m /= static_cast<double>(x.rows);
  // Two passes rather than E[x^2] - E[x]^2, which cancels badly in doubles
  // summed over millions of rows.
  s.scale = sum_chunks([&](const float* row, std::vector<double>& sums) {
    for (int64_t j = 0; j < x.cols; ++j) {
      const double d = row[j] - s.mean[j];
      sums[j] += d * d;
    }
  });
  for (double& v : s.scale) {
    v = std::sqrt(v / static_cast<double>(x.rows));
    if (!(v > 1e-12)) v = 1.0;
  }
  return s;
}

// L-BFGS's coordinates: the standardised weights are A v for A = M^-1/2,
// M = R + (l2 / n) I, R the standardised features' correlations, so that
// correlated features (the operators' products and differences of embedding
// dimensions are) no longer slow L-BFGS down; l2 / n is the penalty's own
// curvature. A only conditions the problem, so R comes from a sample of at
// most 65536 rows spread evenly over x, summed in floats.
at::Tensor whitening_transform(const Matrix& x, const Standardisation& s, double penalty) {
  const int64_t sample = std::min<int64_t>(x.rows, int64_t{1} << 16);
  at::Tensor rows = at::empty({sample, x.cols}, at::kFloat);
  float* out = rows.data_ptr<float>();
  for (int64_t k = 0; k < sample; ++k) {
    const float* row = x.row(k * x.rows / sample);
    for (int64_t j = 0; j < x.cols; ++j) {
      out[k * x.cols + j] = static_cast<float>((row[j] - s.mean[j]) / s.scale[j]);
    }
  }
  const at::Tensor curvature =
      (at::mm(rows.t(), rows) / static_cast<double>(sample)).to(at::kDouble) +
      2.0 * penalty * at::eye(x.cols, at::kDouble);
  return inverse_square_root(curvature);
}

at::Tensor to_float_tensor(const std::vector<double>& values) {
  at::Tensor t = at::empty({static_cast<int64_t>(values.size())}, at::kFloat);
  float* data = t.data_ptr<float>();
  for (size_t i = 0; i < values.size(); ++i) data[i] = static_cast<float>(values[i]);
  return t;
}

}  // namespace

LogisticRegression::LogisticRegression(LogisticRegressionOptions options) : options_(options) {}

void LogisticRegression::fit(const Matrix& x, const std::vector<int>& y) {
  if (x.rows != static_cast<int64_t>(y.size())) {
    throw Error("logistic regression: " + std::to_string(x.rows) + " rows but " +
                std::to_string(y.size()) + " labels");
  }
  int64_t positives = 0;
  for (int label : y) {
    if (label != 0 && label != 1) {
      throw Error("logistic regression: label " + std::to_string(label) + " is neither 0 nor 1");
    }
    positives += label;
  }
  if (positives == 0 || positives == x.rows) {
    throw Error("logistic regression needs examples of both classes");
  }
  if (!(options_.l2 >= 0.0) || options_.max_iterations < 1) {
    throw ConfigError("logistic regression: l2 must be >= 0 and max_iterations >= 1");
  }

  const Standardisation standardisation = column_statistics(x, options_.threads);
  // A caller may be inside a no-grad scope; the fit needs gradients.
  at::AutoGradMode enable_grad(true);
  // from_blob borrows the matrix without copying; it is only read.
  const at::Device device(options_.device == "cuda" ? at::kCUDA : at::kCPU);
  const at::Tensor features =
      at::from_blob(const_cast<float*>(x.values.data()), {x.rows, x.cols}, at::kFloat).to(device);
  at::Tensor targets = at::empty({x.rows}, at::kFloat);
  for (int64_t i = 0; i < x.rows; ++i) targets.data_ptr<float>()[i] = static_cast<float>(y[i]);
  targets = targets.to(device);
  const at::Tensor mean = to_float_tensor(standardisation.mean).to(device);
  const at::Tensor inverse_scale =
      at::reciprocal(to_float_tensor(standardisation.scale)).to(device);

  // L-BFGS moves v; w = A v lives in standardised units. Folding the
  // standardisation into the weights ((x - mean) / scale . w =
  // x . (w / scale) - mean . (w / scale)) avoids a standardised copy of a
  // feature matrix that can be gigabytes.
  const double penalty = options_.l2 / (2.0 * static_cast<double>(x.rows));
  const at::Tensor a = (options_.whiten ? whitening_transform(x, standardisation, penalty)
                                        : at::eye(x.cols, at::kFloat))
                           .to(device);
  at::Tensor v =
      at::zeros({x.cols}, at::TensorOptions(at::kFloat).device(device)).requires_grad_(true);
  at::Tensor b = at::zeros({1}, at::TensorOptions(at::kFloat).device(device)).requires_grad_(true);

  torch::optim::LBFGS optimizer({v, b}, classifier_lbfgs_options(options_.max_iterations));
  // On the CPU the objective and its gradient come from one pass over the
  // rows (logistic_loss.h) instead of autograd's two.
  const bool one_pass = device.is_cpu() && !options_.autograd;
  const std::vector<float> labels =
      one_pass ? std::vector<float>(y.begin(), y.end()) : std::vector<float>();
  const auto rows = static_cast<double>(x.rows);
  std::function<at::Tensor()> closure;
  if (one_pass) {
    closure = [&]() {
      at::NoGradGuard no_grad;
      const at::Tensor w = at::mv(a, v);
      const at::Tensor raw_w = (w * inverse_scale).contiguous();
      const float* raw = raw_w.data_ptr<float>();
      const std::vector<float> raw_weights(raw, raw + x.cols);
      const double bias = b.item<double>() - at::dot(raw_w, mean).item<double>();
      const LogisticLoss pass = logistic_loss(x, labels, raw_weights, bias, options_.threads);
      const double mean_residual = pass.residual_sum / rows;
      const float* w_data = w.data_ptr<float>();
      const float* mean_data = mean.data_ptr<float>();
      const float* inverse_scale_data = inverse_scale.data_ptr<float>();
      at::Tensor w_gradient = at::empty({x.cols}, at::kFloat);
      float* gradient = w_gradient.data_ptr<float>();
      double squared_norm = 0;
      for (int64_t j = 0; j < x.cols; ++j) {
        gradient[j] = static_cast<float>(
            inverse_scale_data[j] * (pass.gradient_sum[j] / rows - mean_data[j] * mean_residual) +
            2.0 * penalty * w_data[j]);
        squared_norm += static_cast<double>(w_data[j]) * w_data[j];
      }
      v.mutable_grad() = at::mv(a.t(), w_gradient);
      b.mutable_grad() = at::full({1}, mean_residual, at::kFloat);
      return at::scalar_tensor(pass.loss_sum / rows + penalty * squared_norm, at::kFloat);
    };
  } else {
    closure = [&]() {
      optimizer.zero_grad();
      const at::Tensor w = at::mv(a, v);
      const at::Tensor raw_w = w * inverse_scale;
      const at::Tensor logits = at::matmul(features, raw_w) + (b - at::dot(raw_w, mean));
      at::Tensor loss =
          at::binary_cross_entropy_with_logits(logits, targets) + penalty * at::dot(w, w);
      loss.backward();
      return loss;
    };
  }
  evaluations_ = step_counting_evaluations(optimizer, closure);

  at::NoGradGuard no_grad;
  const at::Tensor w_fitted = at::mv(a, v.detach()).to(at::kCPU).to(at::kDouble).contiguous();
  const double* w_data = w_fitted.data_ptr<double>();
  weights_.assign(static_cast<size_t>(x.cols), 0.0);
  intercept_ = b.item<double>();
  for (int64_t j = 0; j < x.cols; ++j) {
    weights_[j] = w_data[j] / standardisation.scale[j];
    intercept_ -= weights_[j] * standardisation.mean[j];
  }
  for (double v : weights_) {
    if (!std::isfinite(v)) throw NumericError("logistic regression diverged (non-finite weight)");
  }
  if (!std::isfinite(intercept_)) throw NumericError("logistic regression diverged");
  fitted_ = true;
}

std::vector<double> LogisticRegression::decision_function(const Matrix& x) const {
  if (!fitted_) throw Error("logistic regression: used before fit");
  if (x.cols != static_cast<int64_t>(weights_.size())) {
    throw Error("logistic regression: fitted on " + std::to_string(weights_.size()) +
                " features, asked about " + std::to_string(x.cols));
  }
  std::vector<double> log_odds(static_cast<size_t>(x.rows));
  parallel_for_chunks(x.rows, kRowsPerChunk, options_.threads, {}, "eval",
                      [&](int64_t begin, int64_t end) {
                        for (int64_t i = begin; i < end; ++i) {
                          const float* row = x.row(i);
                          double z = intercept_;
                          for (int64_t j = 0; j < x.cols; ++j) z += weights_[j] * row[j];
                          log_odds[i] = z;
                        }
                      });
  return log_odds;
}

std::vector<double> LogisticRegression::predict_proba(const Matrix& x) const {
  std::vector<double> probabilities = decision_function(x);
  for (double& z : probabilities) {
    // Written so that exp never overflows for large |z|.
    z = z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
  }
  return probabilities;
}

}  // namespace wb
