#pragma once
// What the fused trainers (CPU and CUDA) agree on, so that both visit the same
// pairs with the same negatives and learning rates for the same seed: the walk
// order of an epoch, the random stream of each center position, the learning
// rate of each walk and which positions measure the loss. With these shared,
// a single-warp CUDA run can be compared with a one-thread CPU run number for
// number.
#include <cmath>
#include <cstdint>

#include "core/host_device.h"
#include "core/random.h"

namespace wb {

// An epoch's walk order: i -> (multiplier * i + offset) mod n with the
// multiplier coprime to n, a bijection any thread or warp can evaluate without
// a shuffled array (a 5M-walk shuffle per epoch would cost more than a GPU
// epoch's training).
struct WalkPermutation {
  uint64_t multiplier = 1;
  uint64_t offset = 0;
  uint64_t size = 1;
  WB_HOST_DEVICE int64_t operator()(int64_t slot) const {
    return static_cast<int64_t>((multiplier * static_cast<uint64_t>(slot) + offset) % size);
  }
};

WalkPermutation make_walk_permutation(int64_t num_walks, uint64_t seed, int64_t epoch);

// The fused CPU trainer's order for a corpus in a mapped file (walk.max_memory_gb):
// blocks of `block_walks` consecutive walks in a permuted order, each block's
// walks permuted, the walks that fill no block last. The kernel then reads the
// file in runs of a megabyte or so; walk by walk at random it reads a page (or
// a read-ahead window) per walk and, when the corpus is larger than the page
// cache, evicts it before its neighbours are used. With block_walks = 1 it is
// make_walk_permutation's order.
class BlockedWalkOrder {
 public:
  BlockedWalkOrder(int64_t num_walks, int64_t block_walks, uint64_t seed, int64_t epoch);
  int64_t operator()(int64_t slot) const {
    if (slot >= blocked_slots_) return blocked_slots_ + tail_(slot - blocked_slots_);
    return blocks_(slot / block_walks_) * block_walks_ + within_(slot % block_walks_);
  }

 private:
  int64_t block_walks_;
  int64_t blocked_slots_;
  WalkPermutation blocks_, within_, tail_;
};

// The learning rate decays linearly with the walks done (word2vec's schedule).
struct LearningRateSchedule {
  double initial = 0.025;
  double final_fraction = 1e-4;
  bool linear = true;
  WB_HOST_DEVICE float at(int64_t walks_done, int64_t walks_total) const {
    if (!linear) return static_cast<float>(initial);
    double remaining = 1.0 - static_cast<double>(walks_done) / static_cast<double>(walks_total);
    if (remaining < final_fraction) remaining = final_fraction;
    return static_cast<float>(initial * remaining);
  }
};

// Each center position draws its window size from its own stream, and each
// negative from a stream of its own keyed by (center, target index), so the
// draws depend neither on which thread or warp handles a center nor on the
// order in which a warp's lanes resolve its negatives.
WB_HOST_DEVICE inline uint64_t center_stream(int64_t epoch, int64_t walk, int64_t walk_length,
                                             int64_t position) {
  return (static_cast<uint64_t>(epoch) << 44) +
         static_cast<uint64_t>(walk * walk_length + position);
}
WB_HOST_DEVICE inline Rng center_rng(uint64_t seed, uint64_t stream) { return Rng(seed, stream); }
// Random bits for target t of a center: two hashes of (center, t), as cheap as
// two steps of a generator but addressable in any order.
struct TargetDraws {
  uint64_t base = 0;
  TargetDraws() = default;
  WB_HOST_DEVICE TargetDraws(uint64_t seed, uint64_t stream)
      : base(mix64(seed ^ 0x6e65676174697665ULL ^ mix64(stream))) {}
  WB_HOST_DEVICE uint64_t bits(int64_t target, int which) const {
    return mix64(base + static_cast<uint64_t>(2 * target + which) * 0xd1b54a32d192ed03ULL);
  }
};

// Where a center's targets come from: pair by pair, target t of pair t / (k+1)
// is its context (t % (k+1) == 0) or a negative; shared, targets 0..m-1 are
// the contexts and m..m+k-1 the window's negatives.
WB_HOST_DEVICE inline bool is_context_target(int64_t t, int64_t contexts, int64_t negatives,
                                             bool shared) {
  return shared ? t < contexts : t % (negatives + 1) == 0;
}
// Shared, a negative stands for the pairs of all m contexts; every other
// target for one pair.
WB_HOST_DEVICE inline float target_weight(int64_t t, int32_t contexts, int negatives, bool shared) {
  return shared && !is_context_target(t, contexts, negatives, shared) ? static_cast<float>(contexts)
                                                                      : 1.0f;
}
// Pair by pair, the last target of a pair: the center moves after it.
WB_HOST_DEVICE inline bool ends_pair(int64_t t, int negatives, bool shared) {
  return !shared && t % (negatives + 1) == negatives;
}

// The loss (logarithms cost as much as the update) is measured on the pairs
// of one center position in 16.
WB_HOST_DEVICE inline bool measures_loss(int64_t position) { return (position & 15) == 0; }

// A draw from the negative distribution: an alias table over the nodes, or
// uniform when the table is empty (the "uniform" negative sampler).
struct NegativeTable {
  const float* probability = nullptr;
  const int32_t* alias = nullptr;
  int64_t size = 0;  // 0: uniform over num_nodes
  int64_t num_nodes = 0;
  WB_HOST_DEVICE int32_t sample(Rng& rng) const {
    if (size == 0) return static_cast<int32_t>(rng.below(static_cast<uint64_t>(num_nodes)));
    const auto slot = static_cast<int64_t>(rng.below(static_cast<uint64_t>(size)));
    return static_cast<int32_t>(rng.uniform_float() < probability[slot] ? slot : alias[slot]);
  }
  // The same draw from two given 64-bit random words.
  WB_HOST_DEVICE int32_t sample(const TargetDraws& draws, int64_t target) const {
    const uint64_t slot_bits = draws.bits(target, 0);
    if (size == 0) return static_cast<int32_t>(high_word(slot_bits, num_nodes));
    const auto slot = static_cast<int64_t>(high_word(slot_bits, size));
    const float coin = static_cast<float>(draws.bits(target, 1) >> 40) * 0x1.0p-24f;
    return static_cast<int32_t>(coin < probability[slot] ? slot : alias[slot]);
  }
  // floor(bits * n / 2^64): Lemire's multiply-shift, as Rng::below.
  WB_HOST_DEVICE static uint64_t high_word(uint64_t bits, int64_t n) {
#if defined(__CUDA_ARCH__)
    return __umul64hi(bits, static_cast<uint64_t>(n));
#else
    return static_cast<uint64_t>(
        (static_cast<unsigned __int128>(bits) * static_cast<uint64_t>(n)) >> 64);
#endif
  }
};

WB_HOST_DEVICE inline float stable_sigmoid(float x) {
  if (x > 30.0f) return 1.0f;
  if (x < -30.0f) return 0.0f;
  return 1.0f / (1.0f + expf(-x));
}

}  // namespace wb
