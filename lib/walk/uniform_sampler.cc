// DeepWalk: each step moves to a neighbour chosen uniformly (or by edge weight).
#include "walk/neighbor_sampler.h"
#include "walk/walk_sampler.h"

namespace wb {
namespace {

class UniformSampler : public WalkSampler {
 public:
  void prepare(const Graph& graph, const WalkOptions&, const Progress&) override {
    graph_ = &graph;
    neighbors_.prepare(graph);
  }

  int64_t walk(NodeId start, int64_t length, Rng& rng, NodeId* out) const override {
    out[0] = start;
    NodeId current = start;
    for (int64_t step = 1; step < length; ++step) {
      if (graph_->degree(current) == 0) return step;
      current = graph_->targets[neighbors_.sample_arc(current, rng)];
      out[step] = current;
    }
    return length;
  }

  CudaWalkMethod cuda_method() const override { return CudaWalkMethod::kUniform; }
  int64_t memory_bytes() const override { return neighbors_.memory_bytes(); }

 private:
  const Graph* graph_ = nullptr;
  NeighborSampler neighbors_;
};

}  // namespace

std::unique_ptr<WalkSampler> make_uniform_sampler() { return std::make_unique<UniformSampler>(); }

}  // namespace wb
