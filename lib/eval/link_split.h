#pragma once
// The node2vec paper's link-prediction protocol: hide a fraction of the edges,
// embed the residual graph, then ask whether the hidden edges score above
// node pairs that were never edges. The residual graph keeps every connected
// component connected, so no node loses its whole neighbourhood.
#include <cstdint>
#include <vector>

#include "graph/graph.h"

namespace wb {

struct LinkSplitOptions {
  double test_fraction = 0.5;  // of the graph's edges (self-loops excluded), in (0, 1)
  // > 0: this fraction of the edges is held out for validation too, removed
  // from the residual graph like the test edges (OGB's train/valid/test), so
  // a validation score sees edges the walks never saw. The test edges are
  // the same as without it.
  double validation_fraction = 0;
  uint64_t seed = 0;
  // > 0: test_edges (and validation_edges) keep at most this many of the
  // removed edges, a random sample; all of them are still missing from
  // train_graph. Non-edges and classifier training edges follow their counts.
  int64_t max_scored_edges = 0;
};

// For undirected graphs u < v; for directed graphs the arc u -> v.
struct NodePair {
  NodeId u;
  NodeId v;
};

struct LinkSplit {
  // The input minus the test edges: same node ids, directedness and weights.
  Graph train_graph;
  // The removed edges: the positives the embedding is evaluated on.
  std::vector<NodePair> test_edges;
  // As many pairs with no arc either way in the original graph.
  std::vector<NodePair> test_non_edges;
  // Edges of train_graph for fitting the edge classifier: as many as
  // test_edges, or all of them when train_graph has fewer.
  std::vector<NodePair> train_edges;
  // As many further non-edges of the original graph, disjoint from test_non_edges.
  std::vector<NodePair> train_non_edges;
  // With options.validation_fraction > 0: the edges held out for validation
  // (absent from train_graph), and as many non-edges disjoint from the others.
  std::vector<NodePair> validation_edges;
  std::vector<NodePair> validation_non_edges;
  // removed < requested_removals when the graph has too few edges outside a
  // spanning forest to remove the requested fraction.
  int64_t requested_removals = 0;
  int64_t removed = 0;
};

// Deterministic given options.seed. Undirected graphs are split on unique
// edges {u, v}; directed graphs on arcs, with components taken as weakly
// connected. Self-loops stay in the residual graph and are never sampled.
// Throws ConfigError for a test_fraction outside (0, 1) (or test and
// validation fractions adding up to 1 or more) and DataError when the graph
// has no edges, no edge can be removed without disconnecting it (none left
// for validation), or it has too few non-edges to sample.
LinkSplit split_for_link_prediction(const Graph& graph, const LinkSplitOptions& options);
// The same split, taking the graph's node names for train_graph instead of a
// copy and freeing the rest of it: a run walks only the residual graph, and
// at millions of nodes the names are hundreds of MB. `graph` is left empty.
LinkSplit split_for_link_prediction(Graph&& graph, const LinkSplitOptions& options);

}  // namespace wb
