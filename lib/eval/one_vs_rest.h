#pragma once
// One-vs-rest L2 logistic regression for (multi-label) node classification,
// as in the node2vec and DeepWalk protocols. The per-label objectives are
// separable, so all labels are fitted in one L-BFGS run over a [d, labels]
// weight matrix (the same optimum as separate fits, one pass over the data).
// L-BFGS runs in whitened coordinates (the training rows centred and turned
// to unit covariance), where embeddings' correlated, uneven dimensions no
// longer slow it down; the penalty stays on the raw weights, so the optimum
// is the one the objective below states.
#include <cstdint>
#include <string>
#include <vector>

#include "core/matrix.h"

namespace wb {

struct OneVsRestOptions {
  // Per label: mean log-loss + l2 / (2 n) ||w||^2 on the raw embeddings, i.e.
  // scikit-learn's LogisticRegression with C = 1 / l2, as the protocol uses it.
  double l2 = 1.0;
  int max_iterations = 200;
  std::string device = "cpu";
  // false: L-BFGS on the raw weights with autograd, as before whitening; kept
  // as the reference the tests hold the whitened fit to.
  bool whiten = true;
};

class OneVsRestClassifier {
 public:
  explicit OneVsRestClassifier(OneVsRestOptions options = {}) : options_(options) {}
  // labels[i]: the label indices of row i (at least one each), all < num_labels.
  void fit(const Matrix& x, const std::vector<std::vector<int32_t>>& labels, int64_t num_labels);
  // Log-odds per row and label, [rows x num_labels].
  Matrix decision_function(const Matrix& x) const;
  const Matrix& weights() const { return weights_; }
  const std::vector<double>& intercepts() const { return intercepts_; }
  // How many times the fit evaluated the objective.
  int evaluations() const { return evaluations_; }

 private:
  OneVsRestOptions options_;
  Matrix weights_;  // [d x labels], in raw feature units
  std::vector<double> intercepts_;
  int evaluations_ = 0;
};

// For each row, the `counts[i]` labels with the highest scores (the protocol's
// "k known" rule: as many labels as the node truly has), sorted.
std::vector<std::vector<int32_t>> top_labels(const Matrix& scores,
                                             const std::vector<int64_t>& counts);

}  // namespace wb
