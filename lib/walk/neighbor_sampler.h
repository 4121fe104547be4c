#pragma once
// First-order neighbour choice: uniform for unweighted graphs, by edge weight
// (one alias table per node, O(E) memory) for weighted ones. Every sampler
// builds on it.
#include <vector>

#include "core/alias_table.h"
#include "graph/graph.h"

namespace wb {

class NeighborSampler {
 public:
  void prepare(const Graph& graph);
  // An arc index into graph.targets; the node must have out-arcs.
  int64_t sample_arc(NodeId node, Rng& rng) const {
    const int64_t begin = graph_->offsets[node];
    const int64_t degree = graph_->offsets[node + 1] - begin;
    if (probability_.empty()) return begin + static_cast<int64_t>(rng.below(degree));
    return begin + draw_alias(probability_.data() + begin, alias_.data() + begin, degree, rng);
  }
  // The sum of a node's out-arc weights (its degree when unweighted).
  double out_weight(NodeId node) const {
    return out_weight_.empty() ? static_cast<double>(graph_->degree(node)) : out_weight_[node];
  }
  // Per-arc alias tables and per-node out-weights (empty for unweighted
  // graphs), for the GPU walkers.
  const std::vector<float>& probabilities() const { return probability_; }
  const std::vector<int32_t>& aliases() const { return alias_; }
  const std::vector<double>& out_weights() const { return out_weight_; }
  int64_t memory_bytes() const {
    return static_cast<int64_t>(probability_.size() * (sizeof(float) + sizeof(int32_t)) +
                                out_weight_.size() * sizeof(double));
  }

 private:
  const Graph* graph_ = nullptr;
  std::vector<float> probability_;  // per arc, local to its node's range
  std::vector<int32_t> alias_;
  std::vector<double> out_weight_;  // per node
};

}  // namespace wb
