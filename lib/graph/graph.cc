#include "graph/graph.h"

#include <algorithm>
#include <numeric>

#include "core/errors.h"

namespace wb {

bool Graph::has_arc(NodeId from, NodeId to) const {
  return std::binary_search(neighbors_begin(from), neighbors_end(from), to);
}

int64_t Graph::find_arc(NodeId from, NodeId to) const {
  const NodeId* found = std::lower_bound(neighbors_begin(from), neighbors_end(from), to);
  if (found == neighbors_end(from) || *found != to) return -1;
  return found - targets.data();
}

namespace {

struct Arc {
  NodeId from;
  NodeId to;
  float weight;
  int64_t order;  // input position, so kFirst keeps the earliest line
};

void merge_duplicates(std::vector<Arc>& arcs, DuplicatePolicy policy, const EdgeList& edges,
                      GraphBuildStats& stats) {
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
    if (a.from != b.from) return a.from < b.from;
    if (a.to != b.to) return a.to < b.to;
    return a.order < b.order;
  });
  size_t out = 0;
  for (size_t i = 0; i < arcs.size(); ++i) {
    if (out > 0 && arcs[out - 1].from == arcs[i].from && arcs[out - 1].to == arcs[i].to) {
      Arc& kept = arcs[out - 1];
      switch (policy) {
        case DuplicatePolicy::kSum:
          kept.weight += arcs[i].weight;
          break;
        case DuplicatePolicy::kMax:
          kept.weight = std::max(kept.weight, arcs[i].weight);
          break;
        case DuplicatePolicy::kFirst:
          break;
        case DuplicatePolicy::kError:
          throw DataError("duplicate edge " + edges.node_ids[kept.from] + " " +
                          edges.node_ids[kept.to] + " (graph.duplicates = \"error\")");
      }
      ++stats.duplicates_merged;
      continue;
    }
    arcs[out++] = arcs[i];
  }
  arcs.resize(out);
}

}  // namespace

Graph build_graph(const EdgeList& edges, const GraphBuildOptions& options,
                  GraphBuildStats* stats_out) {
  GraphBuildStats stats;
  const bool weighted = !edges.weight.empty();
  std::vector<Arc> arcs;
  arcs.reserve(edges.src.size() * (options.directed ? 1 : 2));
  for (size_t i = 0; i < edges.src.size(); ++i) {
    const NodeId u = edges.src[i];
    const NodeId v = edges.dst[i];
    const float w = weighted ? edges.weight[i] : 1.0f;
    if (u == v && options.self_loops == SelfLoopPolicy::kDrop) {
      ++stats.self_loops_dropped;
      continue;
    }
    const auto order = static_cast<int64_t>(i);
    arcs.push_back({u, v, w, order});
    if (!options.directed && u != v) arcs.push_back({v, u, w, order});
  }
  merge_duplicates(arcs, options.duplicates, edges, stats);
  if (!options.directed) stats.duplicates_merged /= 2;  // each was seen in both directions

  Graph graph;
  graph.directed = options.directed;
  graph.node_ids = edges.node_ids;
  graph.offsets.assign(graph.node_ids.size() + 1, 0);
  for (const Arc& arc : arcs) ++graph.offsets[arc.from + 1];
  std::partial_sum(graph.offsets.begin(), graph.offsets.end(), graph.offsets.begin());
  graph.targets.resize(arcs.size());
  if (weighted) graph.weights.resize(arcs.size());
  // Arcs are sorted by (from, to), so they already sit in CSR order.
  for (size_t i = 0; i < arcs.size(); ++i) {
    graph.targets[i] = arcs[i].to;
    if (weighted) graph.weights[i] = arcs[i].weight;
  }
  if (stats_out) *stats_out = stats;
  return graph;
}

}  // namespace wb
