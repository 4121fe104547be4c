#pragma once
// The logistic regression's loss and gradient in one pass over the rows.
// Autograd's forward (X w) and backward (X^T r) each read the whole feature
// matrix, and a link-prediction fit is bound by reading it: 4M pairs x 128
// features is 2 GB, read twice per L-BFGS evaluation.
#include <cstdint>
#include <vector>

#include "core/matrix.h"

namespace wb {

struct LogisticLoss {
  double loss_sum = 0;               // sum over rows of the log-loss of z = x.w + bias
  std::vector<double> gradient_sum;  // sum over rows of (sigmoid(z) - y) x
  double residual_sum = 0;           // sum over rows of sigmoid(z) - y
};

// Summed per fixed chunk of rows and merged in chunk order: the same doubles
// whatever the thread count.
LogisticLoss logistic_loss(const Matrix& x, const std::vector<float>& labels,
                           const std::vector<float>& weights, double bias, int threads);

}  // namespace wb
