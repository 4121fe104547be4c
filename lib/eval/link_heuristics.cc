#include "eval/link_heuristics.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "core/parallel.h"
#include "core/parse_name.h"

namespace wb {
namespace {

// Neighbours both nodes have, each visited once: the shorter list is walked
// and looked up in the longer by binary search, so a hub (a popular item with
// a million buyers) costs its log, not its degree.
template <typename Visit>
void for_common_neighbors(const Graph& graph, NodeId u, NodeId v, Visit visit) {
  if (graph.degree(u) > graph.degree(v)) std::swap(u, v);
  const NodeId* longer_begin = graph.neighbors_begin(v);
  const NodeId* longer_end = graph.neighbors_end(v);
  for (const NodeId* z = graph.neighbors_begin(u); z != graph.neighbors_end(u); ++z) {
    if (std::binary_search(longer_begin, longer_end, *z)) visit(*z);
  }
}

double score(const Graph& graph, NodeId u, NodeId v, LinkHeuristic heuristic) {
  const auto du = static_cast<double>(graph.degree(u));
  const auto dv = static_cast<double>(graph.degree(v));
  if (heuristic == LinkHeuristic::kPreferentialAttachment) return du * dv;
  double common = 0.0, adamic_adar = 0.0;
  for_common_neighbors(graph, u, v, [&](NodeId z) {
    common += 1.0;
    const int64_t dz = graph.degree(z);
    // A common neighbour has degree >= 2 on undirected graphs; on directed
    // ones a degree-1 z would divide by ln 1 = 0.
    if (dz > 1) adamic_adar += 1.0 / std::log(static_cast<double>(dz));
  });
  if (heuristic == LinkHeuristic::kCommonNeighbors) return common;
  if (heuristic == LinkHeuristic::kAdamicAdar) return adamic_adar;
  const double united = du + dv - common;  // Jaccard
  return united > 0 ? common / united : 0.0;
}

}  // namespace

std::string name(LinkHeuristic heuristic) {
  switch (heuristic) {
    case LinkHeuristic::kCommonNeighbors:
      return "common_neighbors";
    case LinkHeuristic::kJaccard:
      return "jaccard";
    case LinkHeuristic::kAdamicAdar:
      return "adamic_adar";
    case LinkHeuristic::kPreferentialAttachment:
      return "preferential_attachment";
  }
  return "unknown";
}

const std::vector<LinkHeuristic>& all_link_heuristics() {
  static const std::vector<LinkHeuristic> heuristics = {
      LinkHeuristic::kCommonNeighbors, LinkHeuristic::kJaccard, LinkHeuristic::kAdamicAdar,
      LinkHeuristic::kPreferentialAttachment};
  return heuristics;
}

LinkHeuristic parse_link_heuristic(const std::string& text) {
  return parse_name(text, all_link_heuristics(), "link heuristic");
}

bool is_link_heuristic(const std::string& method) {
  const auto& all = all_link_heuristics();
  return std::any_of(all.begin(), all.end(),
                     [&](LinkHeuristic heuristic) { return name(heuristic) == method; });
}

std::vector<double> heuristic_scores(const Graph& graph, const std::vector<NodePair>& pairs,
                                     LinkHeuristic heuristic, int threads) {
  const int64_t nodes = graph.num_nodes();
  for (const NodePair& pair : pairs) {
    if (pair.u < 0 || pair.u >= nodes || pair.v < 0 || pair.v >= nodes) {
      throw DataError("link heuristics: pair (" + std::to_string(pair.u) + ", " +
                      std::to_string(pair.v) + ") is outside a graph of " + std::to_string(nodes) +
                      " nodes");
    }
  }
  std::vector<double> scores(pairs.size());
  parallel_for_chunks(static_cast<int64_t>(pairs.size()), 1 << 12, threads, {}, "eval",
                      [&](int64_t begin, int64_t end) {
                        for (int64_t i = begin; i < end; ++i) {
                          scores[i] = score(graph, pairs[i].u, pairs[i].v, heuristic);
                        }
                      });
  return scores;
}

}  // namespace wb
