#include "eval/preconditioner.h"

namespace wb {

at::Tensor inverse_square_root(const at::Tensor& curvature) {
  const auto [eigenvalues, eigenvectors] = at::linalg_eigh(curvature);
  const double largest = eigenvalues.max().item<double>();
  if (!(largest > 0)) return at::eye(curvature.size(0), at::kFloat);
  return (eigenvectors * at::rsqrt(eigenvalues.clamp_min(largest * 1e-12))).to(at::kFloat);
}

}  // namespace wb
