#pragma once
// Negative samplers for skip-gram: an interface plus a registry keyed by the
// TOML name (train.negative_sampler).
#include <memory>
#include <string>
#include <vector>

#include "core/alias_table.h"
#include "train/sgns_schedule.h"
#include "walk/walk_sampler.h"

namespace wb {

class NegativeSampler {
 public:
  virtual ~NegativeSampler() = default;
  // Learns the distribution from the training walks.
  virtual void prepare(const Walks& walks, int64_t num_nodes, double exponent) = 0;
  virtual int64_t sample(Rng& rng) const = 0;
  // The same distribution as a flat table (pointers into this sampler), for
  // the fused trainers and the GPU; draws from it equal sample()'s.
  virtual NegativeTable table() const = 0;
  // The probability of each node, for tests and diagnostics.
  virtual std::vector<double> probabilities() const = 0;
};

// "unigram": node frequency in the walks raised to `exponent` (word2vec's
// 0.75); "uniform": every node alike. Throws ConfigError for other names.
std::unique_ptr<NegativeSampler> make_negative_sampler(const std::string& name);

}  // namespace wb
