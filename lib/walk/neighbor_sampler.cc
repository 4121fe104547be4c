#include "walk/neighbor_sampler.h"

namespace wb {

void NeighborSampler::prepare(const Graph& graph) {
  graph_ = &graph;
  probability_.clear();
  alias_.clear();
  out_weight_.clear();
  if (!graph.weighted()) return;
  probability_.resize(graph.num_arcs());
  alias_.resize(graph.num_arcs());
  out_weight_.assign(graph.num_nodes(), 0.0);
  std::vector<double> weights;
  AliasScratch scratch;
  for (NodeId v = 0; v < graph.num_nodes(); ++v) {
    const int64_t begin = graph.offsets[v];
    const int64_t degree = graph.degree(v);
    if (degree == 0) continue;
    weights.assign(graph.weights.begin() + begin, graph.weights.begin() + begin + degree);
    for (double w : weights) out_weight_[v] += w;
    build_alias(weights.data(), degree, probability_.data() + begin, alias_.data() + begin,
                scratch);
  }
}

}  // namespace wb
