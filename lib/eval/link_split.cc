#include "eval/link_split.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "core/errors.h"
#include "core/random.h"

namespace wb {
namespace {

// Each step draws from its own stream, so changing how one step consumes
// random numbers leaves the choices of the others unchanged.
enum Stream : uint64_t {
  kForestStream = 1,
  kRemovalStream,
  kTrainEdgeStream,
  kNonEdgeStream,
  kValidationNonEdgeStream
};

// Below this many candidate pairs, listing every non-edge is cheaper and
// safer (dense graphs) than rejection sampling.
constexpr uint64_t kEnumerateNonEdgesBelow = uint64_t{1} << 22;

// Unique undirected edges {u < v}, or every arc of a directed graph, in arc
// order: the order residual_graph walks them in.
std::vector<NodePair> collect_edges(const Graph& graph) {
  std::vector<NodePair> edges;
  edges.reserve(static_cast<size_t>(graph.num_edges()));
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    for (int64_t arc = graph.offsets[u]; arc < graph.offsets[u + 1]; ++arc) {
      const NodeId v = graph.targets[arc];
      if (u == v || (!graph.directed && v < u)) continue;
      edges.push_back({u, v});
    }
  }
  return edges;
}

class DisjointSets {
 public:
  explicit DisjointSets(int64_t size) : parent_(static_cast<size_t>(size)) {
    std::iota(parent_.begin(), parent_.end(), NodeId{0});
  }
  void prefetch(NodeId x) const { __builtin_prefetch(&parent_[x]); }
  NodeId find(NodeId x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving keeps the trees shallow
      x = parent_[x];
    }
    return x;
  }
  // Returns false when a and b were already in one set.
  bool unite(NodeId a, NodeId b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    parent_[std::max(a, b)] = std::min(a, b);
    return true;
  }

 private:
  std::vector<NodeId> parent_;
};

// How many positions ahead the loops over millions of random positions
// prefetch: each visit is a cache miss, and a few dozen in flight hide most of
// their latency.
constexpr size_t kPrefetchAhead = 16;

// Partial Fisher-Yates: afterwards items[0, count) is a uniform random sample
// in random order. The swap partners do not depend on the items, so they are
// drawn kPrefetchAhead swaps early, in the same order as one at a time, and
// their items prefetched: the result is the plain loop's.
template <typename T>
void sample_to_front(std::vector<T>& items, size_t count, Rng& rng) {
  const size_t size = items.size();
  count = std::min(count, size);
  size_t partners[kPrefetchAhead];
  const auto draw_partner = [&](size_t i) {
    const size_t j = i + static_cast<size_t>(rng.below(size - i));
    __builtin_prefetch(&items[j], 1);
    partners[i % kPrefetchAhead] = j;
  };
  for (size_t i = 0; i < std::min(count, kPrefetchAhead); ++i) draw_partner(i);
  for (size_t i = 0; i < count; ++i) {
    const size_t j = partners[i % kPrefetchAhead];
    if (i + kPrefetchAhead < count) draw_partner(i + kPrefetchAhead);
    std::swap(items[i], items[j]);
  }
}

// Marks the edges of a random spanning forest (Kruskal over a shuffled edge
// order). Removing only edges outside it keeps every component connected.
std::vector<char> random_spanning_forest(const Graph& graph, const std::vector<NodePair>& edges,
                                         Rng& rng) {
  std::vector<int64_t> order(edges.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  sample_to_front(order, order.size(), rng);
  DisjointSets components(graph.num_nodes());
  std::vector<char> in_forest(edges.size(), 0);
  // Edges in shuffled order are random reads: each edge is prefetched two
  // strides ahead, its endpoints' sets one stride ahead.
  const size_t count = order.size();
  for (size_t k = 0; k < count; ++k) {
    if (k + 2 * kPrefetchAhead < count) __builtin_prefetch(&edges[order[k + 2 * kPrefetchAhead]]);
    if (k + kPrefetchAhead < count) {
      const NodePair& ahead = edges[order[k + kPrefetchAhead]];
      components.prefetch(ahead.u);
      components.prefetch(ahead.v);
      __builtin_prefetch(&in_forest[order[k + kPrefetchAhead]], 1);
    }
    const int64_t e = order[k];
    in_forest[e] = components.unite(edges[e].u, edges[e].v) ? 1 : 0;
  }
  return in_forest;
}

// The graph without the removed edges (indices into collect_edges' list): on
// an undirected graph without both of an edge's arcs. Rows are sorted and
// duplicates merged, so v's arcs back to smaller nodes u come first, in the
// order the walk over u meets their edges: a cursor per node marks each
// reverse arc without a search (a hub's search was most of a large graph's
// split), and the walk reaches v's row after its marks are in.
Graph residual_graph(const Graph& graph, const std::vector<char>& removed_edge,
                     int64_t removed_count) {
  Graph residual;
  residual.directed = graph.directed;
  residual.offsets.assign(graph.offsets.size(), 0);
  const int64_t kept_arcs = graph.num_arcs() - (graph.directed ? 1 : 2) * removed_count;
  residual.targets.reserve(static_cast<size_t>(kept_arcs));
  if (graph.weighted()) residual.weights.reserve(static_cast<size_t>(kept_arcs));
  std::vector<char> removed_reverse_arc;
  std::vector<int64_t> reverse_cursor;
  if (!graph.directed) {
    removed_reverse_arc.assign(static_cast<size_t>(graph.num_arcs()), 0);
    reverse_cursor.assign(graph.offsets.begin(), graph.offsets.end() - 1);
  }
  size_t edge = 0;
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    for (int64_t arc = graph.offsets[u]; arc < graph.offsets[u + 1]; ++arc) {
      const NodeId v = graph.targets[arc];
      bool removed = false;
      if (graph.directed) {
        removed = u != v && removed_edge[edge++];
      } else if (u < v) {
        removed = removed_edge[edge++];
        assert(graph.targets[reverse_cursor[v]] == u);
        if (removed) removed_reverse_arc[reverse_cursor[v]] = 1;
        ++reverse_cursor[v];
      } else if (v < u) {
        removed = removed_reverse_arc[arc];
      }
      if (removed) continue;
      residual.targets.push_back(v);
      if (graph.weighted()) residual.weights.push_back(graph.weights[arc]);
    }
    residual.offsets[u + 1] = static_cast<int64_t>(residual.targets.size());
  }
  return residual;
}

uint64_t pair_key(const Graph& graph, NodeId u, NodeId v) {
  if (!graph.directed && v < u) std::swap(u, v);
  return (static_cast<uint64_t>(u) << 32) | static_cast<uint64_t>(v);
}

NodePair pair_from_key(uint64_t key) {
  return {static_cast<NodeId>(key >> 32), static_cast<NodeId>(key & 0xffffffffULL)};
}

// An undirected graph holds each edge as two arcs, so one search answers
// whether u and v are linked, and the shorter list's is the cheaper (a user's
// few purchases, not a hub's buyers): returns the pair with that node first.
NodePair shorter_list_first(const Graph& graph, NodeId u, NodeId v) {
  return graph.degree(v) < graph.degree(u) ? NodePair{v, u} : NodePair{u, v};
}

bool is_non_edge(const Graph& graph, NodeId u, NodeId v) {
  if (u == v) return false;
  if (graph.directed) return !graph.has_arc(u, v) && !graph.has_arc(v, u);
  const NodePair search = shorter_list_first(graph, u, v);
  return !graph.has_arc(search.u, search.v);
}

// Prefetches the first probe of is_non_edge's searches, once the nodes'
// offsets are in.
void prefetch_non_edge_check(const Graph& graph, NodeId u, NodeId v) {
  const auto prefetch_middle = [&](NodeId node) {
    __builtin_prefetch(&graph.targets[(graph.offsets[node] + graph.offsets[node + 1]) / 2]);
  };
  if (graph.directed) {
    prefetch_middle(u);
    prefetch_middle(v);
  } else {
    prefetch_middle(shorter_list_first(graph, u, v).u);
  }
}

// Candidate pairs u != v: unordered for undirected graphs, ordered for directed.
uint64_t count_pairs(const Graph& graph) {
  const auto n = static_cast<uint64_t>(graph.num_nodes());
  return graph.directed ? n * (n - 1) : n * (n - 1) / 2;
}

// Candidate pairs with no arc either way; on a directed graph only at least
// that many once the count reaches `wanted`: each arc takes away at most two
// ordered pairs, and the exact count searches for every arc's reverse.
uint64_t count_non_edges(const Graph& graph, const std::vector<NodePair>& edges, uint64_t wanted) {
  if (!graph.directed) return count_pairs(graph) - edges.size();
  const uint64_t pairs = count_pairs(graph);
  const uint64_t at_least = pairs > 2 * edges.size() ? pairs - 2 * edges.size() : 0;
  if (at_least >= wanted) return at_least;
  uint64_t reciprocal_arcs = 0;
  for (const NodePair& e : edges) reciprocal_arcs += graph.has_arc(e.v, e.u) ? 1 : 0;
  const uint64_t linked_node_pairs = edges.size() - reciprocal_arcs / 2;
  return count_pairs(graph) - 2 * linked_node_pairs;
}

std::vector<uint64_t> enumerate_non_edges(const Graph& graph) {
  std::vector<uint64_t> keys;
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    for (NodeId v = graph.directed ? 0 : u + 1; v < graph.num_nodes(); ++v) {
      if (is_non_edge(graph, u, v)) keys.push_back(pair_key(graph, u, v));
    }
  }
  return keys;
}

// Draws pairs uniformly and keeps the distinct non-edges until there are at
// least `needed`. Sorting and deduplicating in rounds needs a fraction of the
// memory of a hash set at millions of pairs; the distinct pairs of uniform
// draws are a uniform random set, and the caller samples from it.
std::vector<uint64_t> draw_non_edges(const Graph& graph, uint64_t needed, Rng& rng) {
  const auto n = static_cast<uint64_t>(graph.num_nodes());
  const uint64_t draw_limit = 64 * needed + (uint64_t{1} << 20);
  uint64_t draws = 0;
  std::vector<uint64_t> keys;
  while (keys.size() < needed) {
    const uint64_t missing = needed - keys.size();
    const uint64_t batch = missing + missing / 8 + 64;
    // Pairs are checked in chunks whose cache misses overlap: all their
    // offsets are prefetched, then all their searches' first probes.
    constexpr uint64_t kChunk = 64;
    NodePair pairs[kChunk];
    for (uint64_t first = 0; first < batch; first += kChunk) {
      const uint64_t count = std::min(kChunk, batch - first);
      for (uint64_t i = 0; i < count; ++i) {
        pairs[i].u = static_cast<NodeId>(rng.below(n));
        pairs[i].v = static_cast<NodeId>(rng.below(n));
        __builtin_prefetch(&graph.offsets[pairs[i].u]);
        __builtin_prefetch(&graph.offsets[pairs[i].v]);
      }
      for (uint64_t i = 0; i < count; ++i) prefetch_non_edge_check(graph, pairs[i].u, pairs[i].v);
      for (uint64_t i = 0; i < count; ++i) {
        if (is_non_edge(graph, pairs[i].u, pairs[i].v)) {
          keys.push_back(pair_key(graph, pairs[i].u, pairs[i].v));
        }
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    draws += batch;
    if (keys.size() < needed && draws > draw_limit) {
      throw DataError("link split: the graph is too dense to sample " + std::to_string(needed) +
                      " non-edges");
    }
  }
  return keys;
}

std::vector<NodePair> to_pairs(const std::vector<uint64_t>& keys, size_t begin, size_t end) {
  std::vector<NodePair> pairs;
  pairs.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) pairs.push_back(pair_from_key(keys[i]));
  return pairs;
}

// Non-edges for validation, disjoint from the first `used` of `drawn` (the
// test and train non-edges), from a stream of their own so that the others
// stay those of a split without validation.
std::vector<NodePair> validation_non_edges(const Graph& graph, const std::vector<uint64_t>& drawn,
                                           uint64_t used, uint64_t count, uint64_t available,
                                           uint64_t seed) {
  if (used + count > available) {
    throw DataError("link split: needs " + std::to_string(used + count) +
                    " non-edges but the graph has " + std::to_string(available));
  }
  Rng rng(seed, kValidationNonEdgeStream);
  std::vector<uint64_t> taken(drawn.begin(), drawn.begin() + static_cast<int64_t>(used));
  std::sort(taken.begin(), taken.end());
  std::vector<uint64_t> candidates(drawn.begin() + static_cast<int64_t>(used), drawn.end());
  if (candidates.size() < count) {  // drawn by rejection: draw more, drop the taken ones
    for (uint64_t key : draw_non_edges(graph, used + count, rng)) {
      if (!std::binary_search(taken.begin(), taken.end(), key)) candidates.push_back(key);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }
  if (candidates.size() < count) {
    throw DataError("link split: the graph is too dense to sample " + std::to_string(count) +
                    " validation non-edges");
  }
  sample_to_front(candidates, static_cast<size_t>(count), rng);
  return to_pairs(candidates, 0, static_cast<size_t>(count));
}

// The split with a train_graph that has no node names yet: they are the
// graph's, given last (copied or moved), when the split's scratch arrays are gone.
LinkSplit split_without_names(const Graph& graph, const LinkSplitOptions& options) {
  if (!(options.test_fraction > 0.0 && options.test_fraction < 1.0)) {
    throw ConfigError("link split: test_fraction must be in (0, 1), got " +
                      std::to_string(options.test_fraction));
  }
  if (!(options.validation_fraction >= 0.0 &&
        options.test_fraction + options.validation_fraction < 1.0)) {
    throw ConfigError("link split: validation_fraction must be >= 0 and leave edges beside the " +
                      std::to_string(options.test_fraction) + " held out for testing, got " +
                      std::to_string(options.validation_fraction));
  }
  const std::vector<NodePair> edges = collect_edges(graph);
  if (edges.empty()) throw DataError("link split: the graph has no edges (self-loops excluded)");

  LinkSplit split;
  split.requested_removals =
      std::llround(options.test_fraction * static_cast<double>(edges.size()));

  Rng forest_rng(options.seed, kForestStream);
  std::vector<int64_t> removable;
  {
    const std::vector<char> in_forest = random_spanning_forest(graph, edges, forest_rng);
    for (size_t e = 0; e < edges.size(); ++e) {
      if (!in_forest[e]) removable.push_back(static_cast<int64_t>(e));
    }
  }
  split.removed = std::min(split.requested_removals, static_cast<int64_t>(removable.size()));
  if (split.removed == 0) {
    throw DataError(
        "link prediction needs held-out edges, but no edge can be removed without "
        "disconnecting the graph (" +
        std::to_string(edges.size()) + " edges, " + std::to_string(removable.size()) +
        " outside a spanning forest); use eval.task = \"none\" for this graph");
  }
  // Validation edges come after the test edges in one partial shuffle, whose
  // first picks do not depend on how many follow: the test edges stay those
  // of a split without validation.
  const int64_t validation_count =
      options.validation_fraction > 0.0
          ? std::min<int64_t>(
                std::llround(options.validation_fraction * static_cast<double>(edges.size())),
                static_cast<int64_t>(removable.size()) - split.removed)
          : 0;
  if (options.validation_fraction > 0.0 && validation_count <= 0) {
    throw DataError(
        "link split: no edge is left to hold out for validation without disconnecting the "
        "graph; lower eval.test_fraction or hold validation pairs out of the classifier's "
        "training pairs instead");
  }
  Rng removal_rng(options.seed, kRemovalStream);
  sample_to_front(removable, static_cast<size_t>(split.removed + validation_count), removal_rng);
  removable.resize(static_cast<size_t>(split.removed + validation_count));

  // The removed edges come in shuffled order, so their first ones are a
  // random sample of them: with a cap on scored edges only those are listed.
  const size_t scored_cap = options.max_scored_edges > 0
                                ? static_cast<size_t>(options.max_scored_edges)
                                : removable.size();
  std::vector<char> removed_edge(edges.size(), 0);
  split.test_edges.reserve(std::min(static_cast<size_t>(split.removed), scored_cap));
  // The removed edges are random reads: each is prefetched, with its mark, a
  // stride ahead.
  const size_t removals = removable.size();
  for (size_t i = 0; i < removals; ++i) {
    if (i + kPrefetchAhead < removals) {
      __builtin_prefetch(&edges[removable[i + kPrefetchAhead]]);
      __builtin_prefetch(&removed_edge[removable[i + kPrefetchAhead]], 1);
    }
    removed_edge[removable[i]] = 1;
    auto& held_out =
        static_cast<int64_t>(i) < split.removed ? split.test_edges : split.validation_edges;
    if (held_out.size() < scored_cap) held_out.push_back(edges[removable[i]]);
  }
  // Its capacity is every edge outside the forest: on a large graph, more
  // than the residual graph's arcs, which are built next.
  std::vector<int64_t>().swap(removable);
  split.train_graph = residual_graph(graph, removed_edge, static_cast<int64_t>(removals));
  const auto validation_scored = static_cast<int64_t>(split.validation_edges.size());

  std::vector<int64_t> kept;
  kept.reserve(edges.size() - removals);
  for (size_t e = 0; e < edges.size(); ++e) {
    if (!removed_edge[e]) kept.push_back(static_cast<int64_t>(e));
  }
  const size_t train_count = std::min(kept.size(), split.test_edges.size());
  Rng train_rng(options.seed, kTrainEdgeStream);
  sample_to_front(kept, train_count, train_rng);
  split.train_edges.reserve(train_count);
  for (size_t i = 0; i < train_count; ++i) {
    if (i + kPrefetchAhead < train_count) __builtin_prefetch(&edges[kept[i + kPrefetchAhead]]);
    split.train_edges.push_back(edges[kept[i]]);
  }

  // Non-edges are drawn as many as a split without validation would use, so
  // the test and train non-edges are that split's (train ones a prefix when
  // validation took edges the classifier would have trained on).
  const uint64_t needed = split.test_edges.size() +
                          std::min(edges.size() - split.test_edges.size(), split.test_edges.size());
  const uint64_t available =
      count_non_edges(graph, edges, needed + static_cast<uint64_t>(validation_scored));
  if (needed > available) {
    throw DataError("link split: needs " + std::to_string(needed) +
                    " non-edges but the graph has " + std::to_string(available));
  }
  Rng non_edge_rng(options.seed, kNonEdgeStream);
  std::vector<uint64_t> non_edges = count_pairs(graph) <= kEnumerateNonEdgesBelow
                                        ? enumerate_non_edges(graph)
                                        : draw_non_edges(graph, needed, non_edge_rng);
  sample_to_front(non_edges, static_cast<size_t>(needed), non_edge_rng);
  split.test_non_edges = to_pairs(non_edges, 0, split.test_edges.size());
  split.train_non_edges =
      to_pairs(non_edges, split.test_edges.size(), split.test_edges.size() + train_count);
  if (validation_scored > 0) {
    split.validation_non_edges =
        validation_non_edges(graph, non_edges, needed, static_cast<uint64_t>(validation_scored),
                             available, options.seed);
  }
  return split;
}

}  // namespace

LinkSplit split_for_link_prediction(const Graph& graph, const LinkSplitOptions& options) {
  LinkSplit split = split_without_names(graph, options);
  split.train_graph.node_ids = graph.node_ids;
  return split;
}

LinkSplit split_for_link_prediction(Graph&& graph, const LinkSplitOptions& options) {
  LinkSplit split = split_without_names(graph, options);
  split.train_graph.node_ids = std::move(graph.node_ids);
  graph = Graph{};
  return split;
}

}  // namespace wb
