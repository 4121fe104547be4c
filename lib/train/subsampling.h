#pragma once
// word2vec's sub-sampling of frequent tokens (Mikolov et al. 2013), as gensim
// implements it: a node seen f times in a walk corpus of T nodes is kept with
// probability min(1, (sqrt(f / (s T)) + 1) * s T / f) for threshold s. Hubs
// then stop dominating the pairs, and the window, applied to the walk with the
// dropped nodes removed, reaches further. The node2vec reference code trains
// with gensim's default s = 1e-3.
#include <cstdint>
#include <vector>

#include "walk/walk_sampler.h"

namespace wb {

class NodeSubsampler {
 public:
  // threshold 0 keeps every node (enabled() is false).
  NodeSubsampler(const Walks& walks, int64_t num_nodes, double threshold);

  bool enabled() const { return !keep_probability_.empty(); }
  // Copies the nodes of `walk` (`length` of them) that this draw keeps into
  // `kept`; returns how many. The draw for each position comes from (seed,
  // stream, position), so it is the same whichever thread asks.
  int64_t filter(const NodeId* walk, int64_t length, uint64_t seed, uint64_t stream,
                 NodeId* kept) const;
  // Every walk filtered with its own stream for `epoch`, padded with kNoNode.
  Walks filtered(const Walks& walks, uint64_t seed, int64_t epoch) const;
  // The walks `epoch` trains on: `walks` itself when disabled, else their
  // filtered copy, kept in `storage`.
  const Walks& epoch_walks(const Walks& walks, uint64_t seed, int64_t epoch, Walks& storage) const;
  // The expected fraction of the corpus's nodes kept.
  double expected_kept_fraction() const { return expected_kept_; }
  float keep_probability(NodeId node) const { return keep_probability_[node]; }

 private:
  std::vector<float> keep_probability_;
  double expected_kept_ = 1.0;
};

// The stream of one walk's draws in an epoch.
inline uint64_t subsample_stream(int64_t epoch, int64_t walk) {
  return (static_cast<uint64_t>(epoch) << 40) + static_cast<uint64_t>(walk);
}

}  // namespace wb
