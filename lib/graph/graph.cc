#include "graph/graph.h"

#include <algorithm>
#include <numeric>

#include "core/errors.h"
#include "core/parallel.h"

namespace wb {

bool Graph::has_arc(NodeId from, NodeId to) const { return find_arc(from, to) >= 0; }

int64_t Graph::find_arc(NodeId from, NodeId to) const {
  const NodeId* found = std::lower_bound(neighbors_begin(from), neighbors_end(from), to);
  if (found == neighbors_end(from) || *found != to) return -1;
  return found - targets.data();
}

namespace {

// Sorts each node's arcs by target. The arcs sit in input order, and the sort
// is stable, so where targets repeat the first line still comes first.
void sort_arcs(Graph& graph, int threads) {
  const bool weighted = graph.weighted();
  parallel_for_chunks(graph.num_nodes(), 4096, threads, {}, "", [&](int64_t begin, int64_t end) {
    std::vector<std::pair<NodeId, float>> arcs;
    for (int64_t v = begin; v < end; ++v) {
      NodeId* first = graph.targets.data() + graph.offsets[v];
      NodeId* last = graph.targets.data() + graph.offsets[v + 1];
      if (!weighted) {
        std::sort(first, last);
        continue;
      }
      float* weight = graph.weights.data() + graph.offsets[v];
      arcs.clear();
      for (NodeId* t = first; t != last; ++t) arcs.emplace_back(*t, weight[t - first]);
      std::stable_sort(arcs.begin(), arcs.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t i = 0; i < arcs.size(); ++i) {
        first[i] = arcs[i].first;
        weight[i] = arcs[i].second;
      }
    }
  });
}

// Merges repeated arcs of each node (now adjacent) by the policy and closes
// the gaps they leave. Returns the repeats counted once per edge.
int64_t merge_duplicates(Graph& graph, DuplicatePolicy policy) {
  const bool weighted = graph.weighted();
  int64_t repeats = 0, self_loop_repeats = 0;
  int64_t kept = 0;
  for (NodeId v = 0; v < graph.num_nodes(); ++v) {
    const int64_t begin = graph.offsets[v], end = graph.offsets[v + 1];
    const int64_t node_begin = kept;
    graph.offsets[v] = node_begin;
    for (int64_t arc = begin; arc < end; ++arc) {
      const NodeId target = graph.targets[arc];
      if (kept > node_begin && graph.targets[kept - 1] == target) {
        switch (policy) {
          case DuplicatePolicy::kSum:
            if (weighted) graph.weights[kept - 1] += graph.weights[arc];
            break;
          case DuplicatePolicy::kMax:
            if (weighted)
              graph.weights[kept - 1] = std::max(graph.weights[kept - 1], graph.weights[arc]);
            break;
          case DuplicatePolicy::kFirst:
            break;
          case DuplicatePolicy::kError:
            throw DataError("duplicate edge " + graph.node_ids[v] + " " + graph.node_ids[target] +
                            " (graph.duplicates = \"error\")");
        }
        ++(target == v ? self_loop_repeats : repeats);
        continue;
      }
      graph.targets[kept] = target;
      if (weighted) graph.weights[kept] = graph.weights[arc];
      ++kept;
    }
  }
  graph.offsets[graph.num_nodes()] = kept;
  if (kept < graph.num_arcs()) {
    graph.targets.resize(kept);
    graph.targets.shrink_to_fit();
    if (weighted) {
      graph.weights.resize(kept);
      graph.weights.shrink_to_fit();
    }
  }
  // An undirected edge's repeat was met from both of its ends.
  return (graph.directed ? repeats : repeats / 2) + self_loop_repeats;
}

// CSR by counting sort: count the arcs of each node, place them in input
// order, then sort each node's few arcs. Needs no more memory than the graph
// itself, where sorting (from, to, weight, line) records took three times it.
Graph build_csr(const EdgeList& edges, const GraphBuildOptions& options, GraphBuildStats& stats) {
  Graph graph;
  graph.directed = options.directed;
  const auto num_nodes = static_cast<int64_t>(edges.node_ids.size());
  const bool weighted = !edges.weight.empty();
  const bool keep_loops = options.self_loops == SelfLoopPolicy::kKeep;
  graph.offsets.assign(num_nodes + 1, 0);
  for (size_t i = 0; i < edges.src.size(); ++i) {
    const NodeId u = edges.src[i], v = edges.dst[i];
    if (u == v && !keep_loops) {
      ++stats.self_loops_dropped;
      continue;
    }
    ++graph.offsets[u + 1];
    if (!options.directed && u != v) ++graph.offsets[v + 1];
  }
  std::partial_sum(graph.offsets.begin(), graph.offsets.end(), graph.offsets.begin());
  graph.targets.resize(graph.offsets[num_nodes]);
  if (weighted) graph.weights.resize(graph.offsets[num_nodes]);
  std::vector<int64_t> next(graph.offsets.begin(), graph.offsets.end() - 1);
  const auto place = [&](NodeId from, NodeId to, size_t line) {
    const int64_t at = next[from]++;
    graph.targets[at] = to;
    if (weighted) graph.weights[at] = edges.weight[line];
  };
  for (size_t i = 0; i < edges.src.size(); ++i) {
    const NodeId u = edges.src[i], v = edges.dst[i];
    if (u == v && !keep_loops) continue;
    place(u, v, i);
    if (!options.directed && u != v) place(v, u, i);
  }
  return graph;
}

Graph finish_graph(Graph graph, const GraphBuildOptions& options, GraphBuildStats& stats,
                   GraphBuildStats* stats_out) {
  sort_arcs(graph, resolve_thread_count(options.threads));
  stats.duplicates_merged = merge_duplicates(graph, options.duplicates);
  if (stats_out) *stats_out = stats;
  return graph;
}

}  // namespace

Graph build_graph(const EdgeList& edges, const GraphBuildOptions& options,
                  GraphBuildStats* stats_out) {
  GraphBuildStats stats;
  Graph graph = build_csr(edges, options, stats);
  graph.node_ids = edges.node_ids;
  return finish_graph(std::move(graph), options, stats, stats_out);
}

Graph build_graph(EdgeList&& edges, const GraphBuildOptions& options, GraphBuildStats* stats_out) {
  GraphBuildStats stats;
  Graph graph = build_csr(edges, options, stats);
  graph.node_ids = std::move(edges.node_ids);
  edges = EdgeList{};  // the edge arrays are no longer needed: free them before sorting
  return finish_graph(std::move(graph), options, stats, stats_out);
}

}  // namespace wb
