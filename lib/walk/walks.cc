#include "walk/walks.h"

#include <algorithm>
#include <numeric>

#include "walk/walk_sampler.h"

namespace wb {

int64_t Walks::tokens() const {
  if (regenerated()) return regenerator->tokens();
  int64_t total = 0;
  for (NodeId node : nodes) total += node != kNoNode;
  return total;
}

int64_t Walks::steps() const { return tokens() - num_walks; }

std::vector<int64_t> Walks::node_counts(int64_t num_nodes) const {
  if (regenerated()) return regenerator->node_counts();
  std::vector<int64_t> counts(static_cast<size_t>(num_nodes), 0);
  for (NodeId node : nodes) {
    if (node != kNoNode) ++counts[node];
  }
  return counts;
}

void draw_walks(const WalkSampler& sampler, int64_t num_nodes, uint64_t seed, const int64_t* ids,
                int64_t count, int64_t walk_length, NodeId* out, int64_t* lengths) {
  NodeId starts[kWalkBatch] = {};
  Rng rngs[kWalkBatch];
  for (int64_t i = 0; i < count; ++i) {
    starts[i] = static_cast<NodeId>(ids[i] % num_nodes);
    rngs[i] = Rng(seed, static_cast<uint64_t>(ids[i]));
  }
  sampler.walk_batch(starts, count, walk_length, rngs, out, lengths);
  for (int64_t i = 0; i < count; ++i) {
    std::fill(out + i * walk_length + lengths[i], out + (i + 1) * walk_length, Walks::kNoNode);
  }
}

void draw_walk_range(const WalkSampler& sampler, int64_t num_nodes, uint64_t seed, int64_t begin,
                     int64_t end, int64_t walk_length, NodeId* out) {
  int64_t ids[kWalkBatch], lengths[kWalkBatch];
  for (int64_t first = begin; first < end; first += kWalkBatch) {
    const int64_t count = std::min(kWalkBatch, end - first);
    for (int64_t i = 0; i < count; ++i) ids[i] = first + i;
    draw_walks(sampler, num_nodes, seed, ids, count, walk_length,
               out + (first - begin) * walk_length, lengths);
  }
}

WalkRegenerator::WalkRegenerator(const WalkSampler& sampler, const Graph& graph, uint64_t seed,
                                 int64_t walk_length, std::vector<int64_t> node_counts)
    : sampler_(sampler),
      num_nodes_(graph.num_nodes()),
      seed_(seed),
      walk_length_(walk_length),
      node_counts_(std::move(node_counts)),
      tokens_(std::accumulate(node_counts_.begin(), node_counts_.end(), int64_t{0})) {}

}  // namespace wb
