#include "train/subsampling.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/random.h"

namespace wb {

NodeSubsampler::NodeSubsampler(const Walks& walks, int64_t num_nodes, double threshold) {
  if (threshold <= 0) return;
  const std::vector<int64_t> counts = walks.node_counts(num_nodes);
  const int64_t total = std::accumulate(counts.begin(), counts.end(), int64_t{0});
  if (total == 0) return;
  const double threshold_count = threshold * static_cast<double>(total);
  keep_probability_.assign(num_nodes, 1.0f);
  double kept = 0;
  for (int64_t node = 0; node < num_nodes; ++node) {
    if (counts[node] == 0) continue;
    const double f = static_cast<double>(counts[node]);
    const double keep = std::min(1.0, (std::sqrt(f / threshold_count) + 1.0) * threshold_count / f);
    keep_probability_[node] = static_cast<float>(keep);
    kept += keep * f;
  }
  expected_kept_ = kept / static_cast<double>(total);
}

int64_t NodeSubsampler::filter(const NodeId* walk, int64_t length, uint64_t seed, uint64_t stream,
                               NodeId* kept) const {
  const uint64_t base = mix64(seed ^ 0x73756273616d706cULL ^ mix64(stream));
  int64_t count = 0;
  for (int64_t i = 0; i < length; ++i) {
    const float keep = keep_probability_[walk[i]];
    if (keep < 1.0f) {
      const uint64_t bits = mix64(base + static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ULL);
      if (static_cast<float>(bits >> 40) * 0x1.0p-24f >= keep) continue;
    }
    kept[count++] = walk[i];
  }
  return count;
}

const Walks& NodeSubsampler::epoch_walks(const Walks& walks, uint64_t seed, int64_t epoch,
                                         Walks& storage) const {
  if (!enabled()) return walks;
  storage = filtered(walks, seed, epoch);
  return storage;
}

Walks NodeSubsampler::filtered(const Walks& walks, uint64_t seed, int64_t epoch) const {
  Walks out;
  out.nodes = WalkNodes(walks.nodes.get_allocator());  // a corpus in a file stays in one
  out.num_walks = walks.num_walks;
  out.walk_length = walks.walk_length;
  out.nodes.assign(walks.nodes.size(), Walks::kNoNode);
  for (int64_t w = 0; w < walks.num_walks; ++w) {
    filter(walks.walk(w), walks.length(w), seed, subsample_stream(epoch, w),
           out.nodes.data() + w * walks.walk_length);
  }
  return out;
}

}  // namespace wb
