#pragma once
// The classifiers' change of variables for L-BFGS: weights = A v with
// A = M^-1/2 for M, the objective's curvature estimated from the features'
// covariance plus the penalty's own. In v the curvature is about the
// identity, where L-BFGS needs the fewest evaluations; the optimum does not
// depend on A, so estimates are good enough.
#include <ATen/ATen.h>

namespace wb {

// M^-1/2 = V diag(1 / sqrt(lambda)) for the symmetric positive semi-definite
// M = V diag(lambda) V^T ([d, d], doubles, on the CPU), as floats. Directions
// of (almost) no curvature, such as constant columns without a penalty, are
// clamped at 1e-12 of the largest: nothing there moves the objective, so any
// finite scale will do. An all-zero M gives the identity.
at::Tensor inverse_square_root(const at::Tensor& curvature);

}  // namespace wb
