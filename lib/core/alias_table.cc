#include "core/alias_table.h"

#include <numeric>

#include "core/errors.h"

namespace wb {

void build_alias(const double* weights, int64_t n, float* probability, int32_t* alias,
                 AliasScratch& scratch) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += weights[i];
  if (n <= 0 || !(sum > 0)) throw NumericError("alias table needs weights with a positive sum");
  std::vector<double>& scaled = scratch.scaled;
  std::vector<int32_t>& small = scratch.small;
  std::vector<int32_t>& large = scratch.large;
  scaled.resize(static_cast<size_t>(n));
  small.clear();
  large.clear();
  for (int64_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / sum;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<int32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const int32_t s = small.back();
    const int32_t l = large.back();
    small.pop_back();
    probability[s] = static_cast<float>(scaled[s]);
    alias[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding error.
  for (int32_t i : large) probability[i] = 1.0f, alias[i] = i;
  for (int32_t i : small) probability[i] = 1.0f, alias[i] = i;
}

void build_alias(const double* weights, int64_t n, float* probability, int32_t* alias) {
  AliasScratch scratch;
  build_alias(weights, n, probability, alias, scratch);
}

AliasTable::AliasTable(const std::vector<double>& weights)
    : probability_(weights.size()), alias_(weights.size()) {
  build_alias(weights.data(), static_cast<int64_t>(weights.size()), probability_.data(),
              alias_.data());
}

}  // namespace wb
