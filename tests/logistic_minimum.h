#pragma once
// The L2 logistic regression objective in doubles and its minimum by Newton's
// method: the reference optimum the classifiers' L-BFGS fits are held to.
// Newton's steps do not depend on the columns' units, so this holds however
// badly scaled or correlated the features are.
#include <vector>

#include "core/matrix.h"

namespace wb::test {

// Mean over rows of the log-loss of z = x.w + b, plus l2 / (2 n) ||w||^2
// (the intercept unpenalised); y holds 0 or 1 per row.
double logistic_objective(const Matrix& x, const std::vector<double>& y,
                          const std::vector<double>& w, double b, double l2);

// The objective's minimum over w and b (100 Newton steps, each with a halving
// line search, far more than the few a well-posed problem needs).
double logistic_minimum(const Matrix& x, const std::vector<double>& y, double l2);

}  // namespace wb::test
