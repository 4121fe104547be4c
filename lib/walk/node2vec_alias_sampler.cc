// node2vec with exact alias tables, one per arc t -> v over v's neighbours
// (Grover & Leskovec 2016): O(1) per step, but memory grows with the sum over
// arcs of the target's degree, so the size is estimated and checked first.
#include <algorithm>

#include "core/errors.h"
#include "core/memory_size.h"
#include "core/parallel.h"
#include "walk/neighbor_sampler.h"
#include "walk/node2vec_bias.h"
#include "walk/walk_sampler.h"

namespace wb {
namespace {

class Node2vecAliasSampler : public WalkSampler {
 public:
  void prepare(const Graph& graph, const WalkOptions& options, const Progress& progress) override {
    graph_ = &graph;
    neighbors_.prepare(graph);
    plan_tables(graph, options);
    const Node2vecBias bias{1.0 / options.p, 1.0 / options.q};
    parallel_for_chunks(graph.num_nodes(), 64, options.threads, progress, "alias",
                        [&](int64_t begin, int64_t end) {
                          std::vector<double> weights;
                          for (int64_t t = begin; t < end; ++t) {
                            build_tables_from(static_cast<NodeId>(t), bias, weights);
                          }
                        });
  }

  int64_t walk(NodeId start, int64_t length, Rng& rng, NodeId* out) const override {
    out[0] = start;
    if (length < 2 || graph_->degree(start) == 0) return 1;
    int64_t arc = neighbors_.sample_arc(start, rng);  // the step just taken
    NodeId current = graph_->targets[arc];
    out[1] = current;
    for (int64_t step = 2; step < length; ++step) {
      const int64_t degree = graph_->degree(current);
      if (degree == 0) return step;
      const int64_t table = table_offsets_[arc];
      arc = graph_->offsets[current] +
            draw_alias(probability_.data() + table, alias_.data() + table, degree, rng);
      current = graph_->targets[arc];
      out[step] = current;
    }
    return length;
  }

  // Same distribution as the alias tables, without their O(sum of degree^2) memory.
  CudaWalkMethod cuda_method() const override { return CudaWalkMethod::kNode2vecRejection; }
  int64_t memory_bytes() const override {
    return static_cast<int64_t>(probability_.size() * (sizeof(float) + sizeof(int32_t)) +
                                table_offsets_.size() * sizeof(int64_t)) +
           neighbors_.memory_bytes();
  }

 private:
  void plan_tables(const Graph& graph, const WalkOptions& options) {
    table_offsets_.assign(graph.num_arcs() + 1, 0);
    for (int64_t a = 0; a < graph.num_arcs(); ++a) {
      table_offsets_[a + 1] = table_offsets_[a] + graph.degree(graph.targets[a]);
    }
    const double entries = static_cast<double>(table_offsets_.back());
    const double bytes = entries * (sizeof(float) + sizeof(int32_t)) +
                         static_cast<double>(table_offsets_.size() * sizeof(int64_t));
    const double limit = std::min(options.max_alias_memory_gb * kGiB, 0.8 * usable_memory_bytes());
    if (bytes > limit) {
      table_offsets_.clear();
      throw ResourceError("walk.sampler = \"node2vec\": the exact alias tables need " +
                          format_gib(bytes) + " (" + std::to_string(static_cast<int64_t>(entries)) +
                          " entries), more than the limit of " + format_gib(limit) +
                          " (walk.max_alias_memory_gb or 80% of the memory this process may use); "
                          "use walk.sampler = "
                          "\"node2vec-rejection\", which is exact in O(E) memory");
    }
    probability_.resize(static_cast<size_t>(entries));
    alias_.resize(static_cast<size_t>(entries));
  }

  void build_tables_from(NodeId t, const Node2vecBias& bias, std::vector<double>& weights) {
    const Graph& graph = *graph_;
    for (int64_t arc = graph.offsets[t]; arc < graph.offsets[t + 1]; ++arc) {
      const NodeId v = graph.targets[arc];
      const int64_t degree = graph.degree(v);
      if (degree == 0) continue;
      weights.resize(degree);
      for (int64_t k = 0; k < degree; ++k) {
        const int64_t next_arc = graph.offsets[v] + k;
        weights[k] = graph.weight(next_arc) * bias(graph, t, graph.targets[next_arc]);
      }
      const int64_t table = table_offsets_[arc];
      build_alias(weights.data(), degree, probability_.data() + table, alias_.data() + table);
    }
  }

  const Graph* graph_ = nullptr;
  NeighborSampler neighbors_;
  std::vector<int64_t> table_offsets_;  // per arc: where its table starts
  std::vector<float> probability_;
  std::vector<int32_t> alias_;
};

}  // namespace

std::unique_ptr<WalkSampler> make_node2vec_alias_sampler() {
  return std::make_unique<Node2vecAliasSampler>();
}

}  // namespace wb
