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

  // Each round takes one step of every walk still going, in two passes: the
  // first draws the arcs and prefetches their targets, the second reads them
  // and prefetches the new nodes' arc ranges for the next round.
  void walk_batch(const NodeId* starts, int64_t count, int64_t length, Rng* rngs, NodeId* out,
                  int64_t* lengths) const override {
    int64_t going[kWalkBatch];  // the walks still going, in any order
    int64_t arcs[kWalkBatch];
    int64_t active = 0;
    for (int64_t i = 0; i < count; ++i) {
      out[i * length] = starts[i];
      lengths[i] = length;
      going[active++] = i;
    }
    const Graph& graph = *graph_;
    for (int64_t step = 1; step < length && active > 0; ++step) {
      int64_t kept = 0;
      for (int64_t a = 0; a < active; ++a) {
        const int64_t i = going[a];
        const NodeId current = out[i * length + step - 1];
        if (graph.degree(current) == 0) {
          lengths[i] = step;
          continue;
        }
        arcs[kept] = neighbors_.sample_arc(current, rngs[i]);
        __builtin_prefetch(&graph.targets[arcs[kept]]);
        going[kept++] = i;
      }
      active = kept;
      for (int64_t a = 0; a < active; ++a) {
        const NodeId next = graph.targets[arcs[a]];
        out[going[a] * length + step] = next;
        __builtin_prefetch(&graph.offsets[next]);
      }
    }
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
