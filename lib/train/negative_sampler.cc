#include "train/negative_sampler.h"

#include <cmath>
#include <functional>
#include <numeric>

#include "core/registry.h"

namespace wb {
namespace {

class UnigramSampler : public NegativeSampler {
 public:
  void prepare(const Walks& walks, int64_t num_nodes, double exponent) override {
    const std::vector<int64_t> counts = walks.node_counts(num_nodes);
    weights_.resize(num_nodes);
    for (int64_t i = 0; i < num_nodes; ++i) {
      weights_[i] = std::pow(static_cast<double>(counts[i]), exponent);
    }
    // A node no walk visits has weight 0 (0^0 = 1 in pow, which would be wrong here).
    for (int64_t i = 0; i < num_nodes; ++i) {
      if (counts[i] == 0) weights_[i] = 0;
    }
    table_ = AliasTable(weights_);
  }
  int64_t sample(Rng& rng) const override { return table_.sample(rng); }
  NegativeTable table() const override {
    return {table_.probability_data(), table_.alias_data(), table_.size(), table_.size()};
  }
  std::vector<double> probabilities() const override {
    const double sum = std::accumulate(weights_.begin(), weights_.end(), 0.0);
    std::vector<double> p(weights_);
    for (double& value : p) value /= sum;
    return p;
  }

 private:
  std::vector<double> weights_;
  AliasTable table_;
};

class UniformNegativeSampler : public NegativeSampler {
 public:
  void prepare(const Walks&, int64_t num_nodes, double) override { num_nodes_ = num_nodes; }
  int64_t sample(Rng& rng) const override {
    return static_cast<int64_t>(rng.below(static_cast<uint64_t>(num_nodes_)));
  }
  NegativeTable table() const override { return {nullptr, nullptr, 0, num_nodes_}; }
  std::vector<double> probabilities() const override {
    return std::vector<double>(num_nodes_, 1.0 / static_cast<double>(num_nodes_));
  }

 private:
  int64_t num_nodes_ = 1;
};

}  // namespace

std::unique_ptr<NegativeSampler> make_negative_sampler(const std::string& name) {
  static const Registry<NegativeSampler> samplers(
      "train.negative_sampler",
      {{"unigram", [] { return std::make_unique<UnigramSampler>(); }},
       {"uniform", [] { return std::make_unique<UniformNegativeSampler>(); }}});
  return samplers.make(name);
}

}  // namespace wb
