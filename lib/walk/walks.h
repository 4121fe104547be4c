#pragma once
// A walk corpus and how it is read: stored (on the heap or in a mapped file),
// or regenerated, drawn again from the walks' own random streams each time a
// walk is read, so that a corpus too large to keep still trains.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/random.h"
#include "core/spill_allocator.h"
#include "graph/graph.h"

namespace wb {

// The nodes of a walk corpus: on the heap, or in a mapped file when larger
// than the run's memory limit for walks (plan_walk_storage).
using WalkNodes = std::vector<NodeId, SpillAllocator<NodeId>>;

class WalkSampler;
class WalkRegenerator;

// walks_per_node * num_nodes walks of walk_length nodes each, row-major. Walk
// w starts at node w % num_nodes. A walk that reaches a node without out-arcs
// stops there; the rest of its row is kNoNode.
//
// A regenerated corpus (walk.storage = "regenerate") stores no nodes: each
// walk is drawn again, node for node, when a WalkReader reads it. Only walk(),
// length() and `nodes` need the corpus stored; everything else works on both.
struct Walks {
  static constexpr NodeId kNoNode = -1;
  int64_t num_walks = 0;
  int64_t walk_length = 0;
  WalkNodes nodes;
  std::shared_ptr<const WalkRegenerator> regenerator;  // set when regenerated

  const NodeId* walk(int64_t w) const { return nodes.data() + w * walk_length; }
  // Nodes walk w visits (walks stop early at dead ends, or after sub-sampling).
  int64_t length(int64_t w) const {
    const NodeId* nodes_of_walk = walk(w);
    int64_t n = 0;
    while (n < walk_length && nodes_of_walk[n] != kNoNode) ++n;
    return n;
  }
  int64_t tokens() const;  // nodes visited, summed over all walks
  int64_t steps() const;   // transitions taken, summed over all walks
  // How often each node occurs in the corpus: num_nodes counts.
  std::vector<int64_t> node_counts(int64_t num_nodes) const;
  bool in_file() const { return nodes.get_allocator().spills(nodes.capacity()); }
  bool regenerated() const { return regenerator != nullptr; }
};

// The most walks WalkSampler::walk_batch steps together.
constexpr int64_t kWalkBatch = 32;

// Draws walks ids[0..count), count <= kWalkBatch, the way generate_walks does:
// walk w from start node w % num_nodes with its own stream (seed, w). Writes
// walk_length nodes per walk into out + i * walk_length, kNoNode after a dead
// end, and the nodes each visited into lengths[i].
void draw_walks(const WalkSampler& sampler, int64_t num_nodes, uint64_t seed, const int64_t* ids,
                int64_t count, int64_t walk_length, NodeId* out, int64_t* lengths);
// Walks begin..end-1, any number, drawn as draw_walks draws them into `out`
// (walk begin first).
void draw_walk_range(const WalkSampler& sampler, int64_t num_nodes, uint64_t seed, int64_t begin,
                     int64_t end, int64_t walk_length, NodeId* out);

// A corpus that is drawn again each time it is read instead of being stored:
// as the walks come from their own streams, walk w is the same every time.
// It keeps pointers to the prepared sampler and the graph, which must outlive it.
class WalkRegenerator {
 public:
  WalkRegenerator(const WalkSampler& sampler, const Graph& graph, uint64_t seed,
                  int64_t walk_length, std::vector<int64_t> node_counts);
  // draw_walks for this corpus.
  void walks(const int64_t* ids, int64_t count, NodeId* out, int64_t* lengths) const {
    draw_walks(sampler_, num_nodes_, seed_, ids, count, walk_length_, out, lengths);
  }
  const std::vector<int64_t>& node_counts() const { return node_counts_; }
  int64_t tokens() const { return tokens_; }

 private:
  const WalkSampler& sampler_;
  int64_t num_nodes_;
  uint64_t seed_;
  int64_t walk_length_;
  std::vector<int64_t> node_counts_;  // counted when the corpus was first drawn
  int64_t tokens_ = 0;
};

// Reads the walks of a stored or regenerated corpus, a batch at a time; one
// per thread.
class WalkReader {
 public:
  explicit WalkReader(const Walks& walks) : walks_(walks) {
    if (walks.regenerated()) buffer_.resize(static_cast<size_t>(kWalkBatch * walks.walk_length));
  }
  // Makes walks ids[0..count), count <= kWalkBatch, readable with walk(i);
  // a regenerated corpus draws them here, together.
  void load(const int64_t* ids, int64_t count) {
    ids_ = ids;
    if (walks_.regenerated()) walks_.regenerator->walks(ids, count, buffer_.data(), lengths_);
  }
  // The nodes of the i-th loaded walk, and in `length` how many it visited.
  const NodeId* walk(int64_t i, int64_t& length) const {
    if (!walks_.regenerated()) {
      length = walks_.length(ids_[i]);
      return walks_.walk(ids_[i]);
    }
    length = lengths_[i];
    return buffer_.data() + i * walks_.walk_length;
  }

 private:
  const Walks& walks_;
  const int64_t* ids_ = nullptr;
  std::vector<NodeId> buffer_;
  int64_t lengths_[kWalkBatch] = {};
};

}  // namespace wb
