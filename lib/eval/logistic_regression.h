#pragma once
// L2-regularised binary logistic regression: the edge classifier of the
// node2vec link-prediction protocol. LibTorch stays inside the .cc; the model
// is a plain weight vector once fitted.
#include <string>
#include <vector>

#include "core/matrix.h"

namespace wb {

struct LogisticRegressionOptions {
  // Minimises  mean_i logloss_i + l2 / (2 n) * ||w||^2  over standardised
  // features, the intercept unpenalised: scikit-learn's LogisticRegression
  // objective with C = 1 / l2, divided by C * n. Larger is stronger.
  double l2 = 1.0;
  // Full-batch L-BFGS iterations (strong-Wolfe line search).
  int max_iterations = 200;
  // "cuda" fits on the GPU: millions of edge features per operator make the
  // CPU fit the slowest phase of a GPU run.
  std::string device = "cpu";
  int threads = 1;  // for the CPU passes over the features (statistics, scoring)
  // On the CPU the loss and gradient come from one pass over the rows
  // (logistic_loss.h); true takes LibTorch autograd's forward and backward
  // instead, as on CUDA: the reference the one-pass gradient is tested against.
  bool autograd = false;
  // L-BFGS in whitened coordinates (the same optimum in fewer passes over the
  // features); false: on the standardised weights themselves, as before.
  bool whiten = true;
};

class LogisticRegression {
 public:
  explicit LogisticRegression(LogisticRegressionOptions options = {});

  // y[i] is 0 or 1 and both classes must occur (Error otherwise). Features are
  // standardised with the mean and standard deviation of x. Deterministic for
  // a given input and thread count. Throws NumericError if the fit diverges.
  void fit(const Matrix& x, const std::vector<int>& y);
  // P(y = 1) for each row. Throws Error before fit or on a column mismatch.
  std::vector<double> predict_proba(const Matrix& x) const;
  // The log-odds behind predict_proba: the same ranking, but without the ties
  // that saturated probabilities (1.0 in double from about 37) would create.
  std::vector<double> decision_function(const Matrix& x) const;

  // The fitted model in the units of the raw (unstandardised) features.
  const std::vector<double>& weights() const { return weights_; }
  double intercept() const { return intercept_; }
  // How many times the fit evaluated the objective (each a pass over x).
  int evaluations() const { return evaluations_; }

 private:
  LogisticRegressionOptions options_;
  std::vector<double> weights_;
  double intercept_ = 0.0;
  int evaluations_ = 0;
  bool fitted_ = false;
};

}  // namespace wb
