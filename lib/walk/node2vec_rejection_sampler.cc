// node2vec by rejection sampling (KnightKing, Yang et al. SOSP 2019): draw a
// first-order neighbour, accept it with probability alpha / max(alpha). Exact,
// O(E) memory, and each trial costs one binary search.
#include "walk/neighbor_sampler.h"
#include "walk/node2vec_bias.h"
#include "walk/walk_sampler.h"

namespace wb {
namespace {

class Node2vecRejectionSampler : public WalkSampler {
 public:
  void prepare(const Graph& graph, const WalkOptions& options, const Progress&) override {
    graph_ = &graph;
    bias_ = {1.0 / options.p, 1.0 / options.q};
    acceptance_scale_ = 1.0 / bias_.max_weight();
    neighbors_.prepare(graph);
  }

  int64_t walk(NodeId start, int64_t length, Rng& rng, NodeId* out) const override {
    out[0] = start;
    if (length < 2) return 1;
    if (graph_->degree(start) == 0) return 1;
    NodeId previous = start;
    NodeId current = graph_->targets[neighbors_.sample_arc(start, rng)];
    out[1] = current;
    for (int64_t step = 2; step < length; ++step) {
      if (graph_->degree(current) == 0) return step;
      NodeId next;
      do {
        next = graph_->targets[neighbors_.sample_arc(current, rng)];
      } while (rng.uniform() >= bias_(*graph_, previous, next) * acceptance_scale_);
      previous = current;
      current = next;
      out[step] = current;
    }
    return length;
  }

  CudaWalkMethod cuda_method() const override { return CudaWalkMethod::kNode2vecRejection; }
  int64_t memory_bytes() const override { return neighbors_.memory_bytes(); }

 private:
  const Graph* graph_ = nullptr;
  Node2vecBias bias_{1.0, 1.0};
  double acceptance_scale_ = 1.0;
  NeighborSampler neighbors_;
};

}  // namespace

std::unique_ptr<WalkSampler> make_node2vec_rejection_sampler() {
  return std::make_unique<Node2vecRejectionSampler>();
}

}  // namespace wb
