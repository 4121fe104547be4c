// The fused CPU kernel's updates against word2vec's rule written out in
// double precision, on every instruction-set variant this CPU runs, at widths
// that fill whole vectors and widths that leave a tail, with target lists
// shorter and longer than one batch, and with rows that repeat (a negative
// drawn equal to the context, a walk that revisits a node).
#include "train/sgns_kernel.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/random.h"

using namespace wb;

namespace {

struct Tables {
  std::vector<float> center;
  std::vector<std::vector<float>> rows;
};

Tables random_tables(int64_t dimension, int64_t num_rows, uint64_t seed) {
  Rng rng(seed, 7);
  Tables tables;
  tables.center.resize(dimension);
  for (float& x : tables.center) x = rng.uniform_float() - 0.5f;
  tables.rows.assign(num_rows, std::vector<float>(dimension));
  for (auto& row : tables.rows) {
    for (float& x : row) x = (rng.uniform_float() - 0.5f) * 2.0f;
  }
  return tables;
}

// word2vec's update of one center: each target in turn is scored against the
// center, moved, and its gradient added to the center's, which moves at the
// end. The first `num_positives` targets have label 1 and weight 1, the rest
// label 0 and `negative_weight`. A target that repeats a row sees its earlier
// update.
double reference_update(std::vector<double>& center, std::vector<std::vector<double>>& rows,
                        const std::vector<int>& targets, size_t num_positives,
                        double negative_weight, double lr) {
  std::vector<double> gradient(center.size(), 0.0);
  double loss = 0;
  for (size_t t = 0; t < targets.size(); ++t) {
    std::vector<double>& row = rows[targets[t]];
    double score = 0;
    for (size_t d = 0; d < center.size(); ++d) score += center[d] * row[d];
    const bool positive = t < num_positives;
    const double label = positive ? 1.0 : 0.0;
    const double weight = positive ? 1.0 : negative_weight;
    const double g = (label - 1.0 / (1.0 + std::exp(-score))) * lr * weight;
    for (size_t d = 0; d < center.size(); ++d) {
      gradient[d] += g * row[d];
      row[d] += g * center[d];
    }
    loss += weight * std::log1p(std::exp(positive ? -score : score));
  }
  for (size_t d = 0; d < center.size(); ++d) center[d] += gradient[d];
  return loss;
}

struct Case {
  std::vector<int> targets;  // row numbers
  size_t num_positives;      // pair: 1; window: its contexts
  bool window;
};

// Runs one case on the kernel in use and on the reference; returns the largest
// difference in any table entry and checks the loss.
double worst_difference(const Case& c, int64_t dimension, bool want_loss, uint64_t seed) {
  int rows_needed = 0;
  for (int t : c.targets) rows_needed = std::max(rows_needed, t + 1);
  Tables tables = random_tables(dimension, rows_needed, seed);
  std::vector<double> center(tables.center.begin(), tables.center.end());
  std::vector<std::vector<double>> expected_rows;
  for (const auto& row : tables.rows) expected_rows.emplace_back(row.begin(), row.end());
  const double lr = 0.5;  // large, so that a wrong order or a missed update shows
  const size_t num_negatives = c.targets.size() - c.num_positives;
  const double negative_weight = c.window ? static_cast<double>(c.num_positives) : 1.0;
  const double expected_loss =
      reference_update(center, expected_rows, c.targets, c.num_positives, negative_weight, lr);

  std::vector<float*> pointers;
  for (int t : c.targets) pointers.push_back(tables.rows[t].data());
  std::vector<float> scratch(dimension, 12345.0f);  // the kernel may not rely on zeros
  double loss;
  if (c.window) {
    loss = sgns_window_update(
        tables.center.data(), pointers.data(), static_cast<int64_t>(c.num_positives),
        pointers.data() + c.num_positives, static_cast<int64_t>(num_negatives), dimension,
        static_cast<float>(lr), want_loss, scratch.data());
  } else {
    loss = sgns_update(tables.center.data(), pointers.data(), static_cast<int64_t>(pointers.size()),
                       dimension, static_cast<float>(lr), want_loss, scratch.data());
  }
  if (want_loss) {
    CHECK(loss == Approx(expected_loss).epsilon(1e-4));
  } else {
    CHECK(loss == 0.0);
  }
  double worst = 0;
  for (int64_t d = 0; d < dimension; ++d) {
    worst = std::max(worst, std::abs(tables.center[d] - center[d]));
    for (size_t r = 0; r < tables.rows.size(); ++r) {
      worst = std::max(worst, std::abs(tables.rows[r][d] - expected_rows[r][d]));
    }
  }
  return worst;
}

// Restores the default variant when a test ends, even on failure.
struct VariantScope {
  std::string saved = sgns_kernel_variant();
  ~VariantScope() { use_sgns_kernel_variant(saved); }
};

}  // namespace

TEST_CASE("every kernel variant updates a center as word2vec's rule does", "[fused][kernel]") {
  VariantScope scope;
  const std::vector<Case> cases = {
      // one pair, k = 5: target 3 repeats the context, so the order matters
      {{0, 1, 2, 0, 3, 4}, 1, false},
      {{0}, 1, false},                                 // no negatives
      {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, false},  // k = 10: two batches
      {{0, 0, 0, 1, 1, 2}, 1, false},                  // repeats back to back
      {{0, 1, 2, 3, 4, 5, 6, 7, 0, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}, 1, false},
      // a window of 7 contexts (a revisited node among them) and 5 shared
      // negatives, one of them also a context
      {{0, 1, 2, 1, 3, 4, 5, 6, 7, 8, 2, 9}, 7, true},
      {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24},
       20,
       true},
      {{0, 1, 2}, 0, true},  // no contexts: the negatives weigh nothing
  };
  const std::vector<std::string> variants = sgns_kernel_variants();
  REQUIRE(variants.size() >= 2);  // at least the two portable ones
  CHECK(variants.front() == sgns_kernel_variant());
  for (const std::string& variant : variants) {
    use_sgns_kernel_variant(variant);
    for (int64_t dimension : {1, 3, 8, 12, 16, 64, 100, 128, 256}) {
      for (size_t n = 0; n < cases.size(); ++n) {
        for (bool want_loss : {false, true}) {
          INFO("variant " << variant << ", dimension " << dimension << ", case " << n
                          << ", loss measured " << want_loss);
          CHECK(worst_difference(cases[n], dimension, want_loss, 11 + dimension + n) < 2e-5);
        }
      }
    }
  }
}

TEST_CASE("a kernel variant the CPU cannot run is refused", "[fused][kernel]") {
  VariantScope scope;
  CHECK_THROWS_AS(use_sgns_kernel_variant("sse9"), std::invalid_argument);
  use_sgns_kernel_variant("portable");
  CHECK(sgns_kernel_variant() == "portable");
}
