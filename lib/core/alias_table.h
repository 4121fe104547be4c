#pragma once
// Walker's alias method (Vose's construction): O(1) draws from a discrete
// distribution. The flat form writes into caller-owned arrays so that many
// small tables (one per node or per arc) can share one allocation.
#include <cstdint>
#include <vector>

#include "core/host_device.h"
#include "core/random.h"

namespace wb {

// Working memory for build_alias. Samplers build one table per node or per
// arc, often millions of small ones; reusing it saves three allocations each.
struct AliasScratch {
  std::vector<double> scaled;
  std::vector<int32_t> small, large;
};

// Fills probability[i] and alias[i] (local indices) for n >= 1 weights >= 0
// with a positive sum. The scratch changes nothing in the result.
void build_alias(const double* weights, int64_t n, float* probability, int32_t* alias,
                 AliasScratch& scratch);
void build_alias(const double* weights, int64_t n, float* probability, int32_t* alias);

WB_HOST_DEVICE inline int64_t draw_alias(const float* probability, const int32_t* alias, int64_t n,
                                         Rng& rng) {
  const auto slot = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
  return rng.uniform_float() < probability[slot] ? slot : alias[slot];
}

class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(const std::vector<double>& weights);
  int64_t sample(Rng& rng) const {
    return draw_alias(probability_.data(), alias_.data(), size(), rng);
  }
  int64_t size() const { return static_cast<int64_t>(probability_.size()); }
  const float* probability_data() const { return probability_.data(); }
  const int32_t* alias_data() const { return alias_.data(); }

 private:
  std::vector<float> probability_;
  std::vector<int32_t> alias_;
};

}  // namespace wb
