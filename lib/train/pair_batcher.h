#pragma once
// Turns walks into skip-gram (center, context) pairs, batch by batch, the way
// word2vec does: walks in a shuffled order per epoch, and for each position a
// window shrunk to a random size in [1, window] when dynamic_window is set.
#include <cstdint>
#include <vector>

#include "core/random.h"
#include "walk/walk_sampler.h"

namespace wb {

// The order in which an epoch visits the walks: a seeded shuffle, the same for
// every trainer.
std::vector<int64_t> shuffled_walk_order(int64_t num_walks, uint64_t seed, int64_t epoch);

struct PairBatch {
  std::vector<int64_t> centers;
  std::vector<int64_t> contexts;
  int64_t size() const { return static_cast<int64_t>(centers.size()); }
  void clear() { centers.clear(), contexts.clear(); }
};

class PairBatcher {
 public:
  PairBatcher(const Walks& walks, int64_t window, bool dynamic_window, uint64_t seed,
              int64_t epoch);
  // Fills up to max_pairs pairs; false once the epoch is exhausted and the batch is empty.
  bool next(int64_t max_pairs, PairBatch& batch);
  // Walk positions consumed so far this epoch, for progress and the learning rate.
  int64_t tokens_done() const { return tokens_done_; }
  int64_t tokens_total() const { return tokens_total_; }

 private:
  void load_walk();
  void emit_position(PairBatch& batch);

  const Walks& walks_;
  int64_t window_;
  bool dynamic_window_;
  Rng rng_;
  std::vector<int64_t> order_;  // walk order for this epoch
  size_t next_walk_ = 0;
  const NodeId* walk_ = nullptr;
  int64_t walk_length_ = 0;  // nodes in the current walk (dead ends make it shorter)
  int64_t position_ = 0;     // next center position in the current walk
  int64_t tokens_done_ = 0;
  int64_t tokens_total_ = 0;
  // Pairs of the current center that did not fit in the last batch.
  std::vector<std::pair<int64_t, int64_t>> pending_;
};

}  // namespace wb
