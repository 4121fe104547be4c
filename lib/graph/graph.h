#pragma once
// The graph every later stage reads: compressed sparse rows with neighbours
// sorted by dense id, so membership tests are a binary search.
#include <cstdint>
#include <string>
#include <vector>

namespace wb {

using NodeId = int32_t;

// Edges as read from a file or made by a generator, before CSR.
struct EdgeList {
  std::vector<std::string> node_ids;  // dense id -> original id
  std::vector<NodeId> src;
  std::vector<NodeId> dst;
  std::vector<float> weight;  // empty when the input has no weights
};

struct Graph {
  bool directed = false;
  std::vector<std::string> node_ids;  // dense id -> original id
  std::vector<int64_t> offsets;       // num_nodes + 1 entries
  std::vector<NodeId> targets;        // sorted within each node's range
  std::vector<float> weights;         // parallel to targets; empty when unweighted

  int64_t num_nodes() const { return static_cast<int64_t>(node_ids.size()); }
  // Stored arcs: an undirected edge counts twice (once per direction).
  int64_t num_arcs() const { return static_cast<int64_t>(targets.size()); }
  int64_t num_edges() const { return directed ? num_arcs() : num_arcs() / 2; }
  bool weighted() const { return !weights.empty(); }
  int64_t degree(NodeId v) const { return offsets[v + 1] - offsets[v]; }
  const NodeId* neighbors_begin(NodeId v) const { return targets.data() + offsets[v]; }
  const NodeId* neighbors_end(NodeId v) const { return targets.data() + offsets[v + 1]; }
  float weight(int64_t arc) const { return weights.empty() ? 1.0f : weights[arc]; }
  bool has_arc(NodeId from, NodeId to) const;
  // The index of the arc from -> to in targets, or -1 when there is none.
  int64_t find_arc(NodeId from, NodeId to) const;
};

enum class SelfLoopPolicy { kDrop, kKeep };
// What to do when the same edge appears twice: add the weights, keep the
// largest, keep the first, or refuse the file.
enum class DuplicatePolicy { kSum, kMax, kFirst, kError };

struct GraphBuildOptions {
  bool directed = false;
  SelfLoopPolicy self_loops = SelfLoopPolicy::kDrop;
  DuplicatePolicy duplicates = DuplicatePolicy::kFirst;
  int threads = 0;  // for sorting each node's arcs; 0: all
};

struct GraphBuildStats {
  int64_t self_loops_dropped = 0;
  int64_t duplicates_merged = 0;
};

// Builds CSR; an undirected edge (u, v) is stored as arcs u->v and v->u.
// Throws DataError for DuplicatePolicy::kError on a repeated edge.
Graph build_graph(const EdgeList& edges, const GraphBuildOptions& options,
                  GraphBuildStats* stats = nullptr);
// The same, taking the node names over and freeing the edge arrays as soon
// as the arcs are placed, so a large graph is not held twice.
Graph build_graph(EdgeList&& edges, const GraphBuildOptions& options,
                  GraphBuildStats* stats = nullptr);

}  // namespace wb
