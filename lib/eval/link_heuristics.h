#pragma once
// The neighbourhood heuristics of the node2vec paper's Table 4 (Adamic-Adar is
// also OGB's baseline), scored on the graph the embeddings were trained on
// (the residual graph of a link split): what a link predictor must beat
// without learning anything. Degrees and neighbours are out-arcs on directed
// graphs; weights are ignored, as in the paper.
#include <string>
#include <vector>

#include "eval/link_split.h"
#include "graph/graph.h"

namespace wb {

enum class LinkHeuristic {
  kCommonNeighbors,         // |N(u) ∩ N(v)|
  kJaccard,                 // |N(u) ∩ N(v)| / |N(u) ∪ N(v)|
  kAdamicAdar,              // sum over common z of 1 / ln deg(z)
  kPreferentialAttachment,  // deg(u) * deg(v)
};

// "common_neighbors", "jaccard", "adamic_adar", "preferential_attachment":
// the names used in metric keys.
std::string name(LinkHeuristic heuristic);
const std::vector<LinkHeuristic>& all_link_heuristics();
// The heuristic of that name; throws ConfigError naming the accepted ones.
LinkHeuristic parse_link_heuristic(const std::string& text);
// Whether a metric key's method ("link/<method>/...") is a heuristic: the
// same for every embedding of one split, so comparisons of trainers skip it.
bool is_link_heuristic(const std::string& method);

// One score per pair, higher meaning more likely an edge. Throws DataError
// when a pair names a node outside the graph.
std::vector<double> heuristic_scores(const Graph& graph, const std::vector<NodePair>& pairs,
                                     LinkHeuristic heuristic, int threads = 1);

}  // namespace wb
