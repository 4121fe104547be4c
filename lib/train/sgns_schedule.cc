#include "train/sgns_schedule.h"

#include <numeric>

namespace wb {

WalkPermutation make_walk_permutation(int64_t num_walks, uint64_t seed, int64_t epoch) {
  WalkPermutation permutation;
  permutation.size = static_cast<uint64_t>(num_walks > 0 ? num_walks : 1);
  if (permutation.size == 1) return permutation;
  Rng rng(seed, 0x0de7ULL + static_cast<uint64_t>(epoch));
  const uint64_t n = permutation.size;
  // Multipliers 1 and n - 1 only rotate or reverse the file order; past six
  // walks some other multiplier is coprime to n, so those two are redrawn.
  const auto in_file_order = [n](uint64_t m) { return n > 6 && (m == 1 || m == n - 1); };
  uint64_t multiplier = 1 + rng.below(n - 1);
  while (std::gcd(multiplier, n) != 1 || in_file_order(multiplier)) {
    multiplier = 1 + rng.below(n - 1);
  }
  permutation.multiplier = multiplier;
  permutation.offset = rng.below(n);
  return permutation;
}

BlockedWalkOrder::BlockedWalkOrder(int64_t num_walks, int64_t block_walks, uint64_t seed,
                                   int64_t epoch)
    : block_walks_(block_walks), blocked_slots_(num_walks / block_walks * block_walks) {
  blocks_ = make_walk_permutation(num_walks / block_walks, seed, epoch);
  // Their own streams: the same permutation for blocks and walks would tie
  // a walk's place in its block to its block's place in the epoch.
  within_ = make_walk_permutation(block_walks, seed ^ 0x5eed0b10c4ULL, epoch);
  tail_ = make_walk_permutation(num_walks - blocked_slots_, seed ^ 0x5eed7a11ULL, epoch);
}

}  // namespace wb
