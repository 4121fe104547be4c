#include "train/pair_batcher.h"

#include <algorithm>
#include <numeric>

namespace wb {

std::vector<int64_t> shuffled_walk_order(int64_t num_walks, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(num_walks);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed, 0x0de7ULL + static_cast<uint64_t>(epoch));
  for (int64_t i = num_walks - 1; i > 0; --i) {
    std::swap(order[i], order[rng.below(static_cast<uint64_t>(i + 1))]);
  }
  return order;
}

PairBatcher::PairBatcher(const Walks& walks, int64_t window, bool dynamic_window, uint64_t seed,
                         int64_t epoch)
    : walks_(walks),
      window_(window),
      dynamic_window_(dynamic_window),
      rng_(seed, 0x5eedULL + static_cast<uint64_t>(epoch)),
      order_(shuffled_walk_order(walks.num_walks, seed, epoch)) {
  tokens_total_ = walks.tokens();
}

void PairBatcher::load_walk() {
  const int64_t w = order_[next_walk_++];
  walk_ = walks_.walk(w);
  walk_length_ = walks_.length(w);
  position_ = 0;
}

void PairBatcher::emit_position(PairBatch& batch) {
  const int64_t reach = dynamic_window_
                            ? 1 + static_cast<int64_t>(rng_.below(static_cast<uint64_t>(window_)))
                            : window_;
  const int64_t first = std::max<int64_t>(0, position_ - reach);
  const int64_t last = std::min<int64_t>(walk_length_ - 1, position_ + reach);
  const int64_t center = walk_[position_];
  for (int64_t j = first; j <= last; ++j) {
    if (j != position_) pending_.emplace_back(center, walk_[j]);
  }
  ++position_;
  ++tokens_done_;
}

bool PairBatcher::next(int64_t max_pairs, PairBatch& batch) {
  batch.clear();
  while (batch.size() < max_pairs) {
    if (!pending_.empty()) {
      const auto take =
          std::min<int64_t>(max_pairs - batch.size(), static_cast<int64_t>(pending_.size()));
      for (int64_t i = 0; i < take; ++i) {
        batch.centers.push_back(pending_[i].first);
        batch.contexts.push_back(pending_[i].second);
      }
      pending_.erase(pending_.begin(), pending_.begin() + take);
      continue;
    }
    if (walk_ == nullptr || position_ >= walk_length_) {
      if (next_walk_ >= order_.size()) break;
      load_walk();
      continue;
    }
    emit_position(batch);
  }
  return batch.size() > 0;
}

}  // namespace wb
