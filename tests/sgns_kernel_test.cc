// The fused CPU kernel's update of one pair against word2vec's rule written
// out in double precision, for the register-resident widths (64, 128) and the
// general loops (16, 100), including a negative that repeats the context.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/random.h"
#include "train/sgns_kernel.h"

using namespace wb;

namespace {

struct Rows {
  std::vector<std::vector<float>> target_rows;
  std::vector<float> center;
};

Rows random_rows(int64_t dimension, int64_t rows, uint64_t seed) {
  Rng rng(seed, 7);
  Rows r;
  r.center.resize(dimension);
  for (float& x : r.center) x = rng.uniform_float() - 0.5f;
  r.target_rows.assign(rows, std::vector<float>(dimension));
  for (auto& row : r.target_rows) {
    for (float& x : row) x = (rng.uniform_float() - 0.5f) * 2.0f;
  }
  return r;
}

// word2vec's pair update: each target in turn is scored against the center,
// moved, and its gradient added to the center's, which moves at the end.
// Targets may repeat a row: the second visit sees the first one's update.
double reference_update(std::vector<double>& center, std::vector<std::vector<double>>& rows,
                        const std::vector<int>& targets, double lr) {
  std::vector<double> gradient(center.size(), 0.0);
  double loss = 0;
  for (size_t t = 0; t < targets.size(); ++t) {
    std::vector<double>& row = rows[targets[t]];
    double score = 0;
    for (size_t d = 0; d < center.size(); ++d) score += center[d] * row[d];
    const double label = t == 0 ? 1.0 : 0.0;
    const double g = (label - 1.0 / (1.0 + std::exp(-score))) * lr;
    for (size_t d = 0; d < center.size(); ++d) {
      gradient[d] += g * row[d];
      row[d] += g * center[d];
    }
    loss += std::log1p(std::exp(t == 0 ? -score : score));
  }
  for (size_t d = 0; d < center.size(); ++d) center[d] += gradient[d];
  return loss;
}

}  // namespace

TEST_CASE("one pair's update matches word2vec's rule at every width", "[fused][kernel]") {
  // Target 0 is the context; target 3 is the context again (a negative drawn
  // equal to it), so the order of the updates matters.
  const std::vector<int> targets = {0, 1, 2, 0, 3, 4};
  for (int64_t dimension : {16, 64, 100, 128}) {
    for (bool want_loss : {false, true}) {
      Rows rows = random_rows(dimension, 5, 11 + dimension);
      std::vector<double> center(rows.center.begin(), rows.center.end());
      std::vector<std::vector<double>> expected_rows;
      for (const auto& row : rows.target_rows) expected_rows.emplace_back(row.begin(), row.end());
      const double lr = 0.5;  // large, so that a wrong order or a missed update shows
      const double expected_loss = reference_update(center, expected_rows, targets, lr);

      std::vector<float*> target_pointers;
      for (int t : targets) target_pointers.push_back(rows.target_rows[t].data());
      std::vector<float> scratch(dimension);
      const double loss =
          sgns_update(rows.center.data(), target_pointers.data(),
                      static_cast<int64_t>(target_pointers.size()), dimension,
                      static_cast<float>(lr), want_loss, scratch.data());
      INFO("dimension " << dimension << ", loss measured " << want_loss);
      if (want_loss) {
        CHECK(loss == Approx(expected_loss).epsilon(1e-4));
      } else {
        CHECK(loss == 0.0);
      }
      double worst = 0;
      for (int64_t d = 0; d < dimension; ++d) {
        worst = std::max(worst, std::abs(rows.center[d] - center[d]));
        for (size_t r = 0; r < rows.target_rows.size(); ++r) {
          worst = std::max(worst, std::abs(rows.target_rows[r][d] - expected_rows[r][d]));
        }
      }
      CHECK(worst < 1e-5);
    }
  }
}
