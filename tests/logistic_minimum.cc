#include "logistic_minimum.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace wb::test {
namespace {

// Solves a x = b in place (b becomes x) by Gaussian elimination with partial
// pivoting; `a` is m x m, row-major, and is destroyed.
void solve(std::vector<double>& a, std::vector<double>& b) {
  const auto m = static_cast<int64_t>(b.size());
  for (int64_t c = 0; c < m; ++c) {
    int64_t pivot = c;
    for (int64_t r = c + 1; r < m; ++r) {
      if (std::abs(a[r * m + c]) > std::abs(a[pivot * m + c])) pivot = r;
    }
    for (int64_t k = 0; k < m; ++k) std::swap(a[c * m + k], a[pivot * m + k]);
    std::swap(b[c], b[pivot]);
    for (int64_t r = c + 1; r < m; ++r) {
      const double f = a[r * m + c] / a[c * m + c];
      for (int64_t k = c; k < m; ++k) a[r * m + k] -= f * a[c * m + k];
      b[r] -= f * b[c];
    }
  }
  for (int64_t c = m - 1; c >= 0; --c) {
    for (int64_t k = c + 1; k < m; ++k) b[c] -= a[c * m + k] * b[k];
    b[c] /= a[c * m + c];
  }
}

}  // namespace

double logistic_objective(const Matrix& x, const std::vector<double>& y,
                          const std::vector<double>& w, double b, double l2) {
  double value = 0;
  for (int64_t i = 0; i < x.rows; ++i) {
    double z = b;
    for (int64_t j = 0; j < x.cols; ++j) z += x.row(i)[j] * w[j];
    value += std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - y[i] * z;
  }
  double norm = 0;
  for (double v : w) norm += v * v;
  return value / x.rows + l2 / (2.0 * x.rows) * norm;
}

double logistic_minimum(const Matrix& x, const std::vector<double>& y, double l2) {
  const int64_t n = x.rows, d = x.cols, m = d + 1;  // the weights, then the intercept
  std::vector<double> w(d, 0.0);
  double b = 0;
  double value = logistic_objective(x, y, w, b, l2);
  for (int iteration = 0; iteration < 100; ++iteration) {
    std::vector<double> gradient(m, 0.0), hessian(m * m, 0.0), row(m, 1.0);
    for (int64_t i = 0; i < n; ++i) {
      std::copy(x.row(i), x.row(i) + d, row.begin());
      double z = b;
      for (int64_t j = 0; j < d; ++j) z += row[j] * w[j];
      const double p = 1.0 / (1.0 + std::exp(-z));
      for (int64_t j = 0; j < m; ++j) {
        gradient[j] += (p - y[i]) * row[j] / n;
        for (int64_t k = 0; k < m; ++k) hessian[j * m + k] += p * (1 - p) * row[j] * row[k] / n;
      }
    }
    for (int64_t j = 0; j < d; ++j) {
      gradient[j] += l2 / n * w[j];
      hessian[j * m + j] += l2 / n;
    }
    solve(hessian, gradient);
    for (double t = 1.0; t > 1e-6; t /= 2) {
      std::vector<double> next_w = w;
      for (int64_t j = 0; j < d; ++j) next_w[j] -= t * gradient[j];
      const double next_b = b - t * gradient[d];
      const double next_value = logistic_objective(x, y, next_w, next_b, l2);
      if (next_value <= value) {
        w = std::move(next_w);
        b = next_b;
        value = next_value;
        break;
      }
    }
  }
  return value;
}

}  // namespace wb::test
