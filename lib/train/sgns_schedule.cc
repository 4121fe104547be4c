#include "train/sgns_schedule.h"

#include <numeric>

namespace wb {

WalkPermutation make_walk_permutation(int64_t num_walks, uint64_t seed, int64_t epoch) {
  WalkPermutation permutation;
  permutation.size = static_cast<uint64_t>(num_walks > 0 ? num_walks : 1);
  if (permutation.size == 1) return permutation;
  Rng rng(seed, 0x0de7ULL + static_cast<uint64_t>(epoch));
  const uint64_t n = permutation.size;
  uint64_t multiplier = 1 + rng.below(n - 1);
  while (std::gcd(multiplier, n) != 1) multiplier = 1 + rng.below(n - 1);
  permutation.multiplier = multiplier;
  permutation.offset = rng.below(n);
  return permutation;
}

}  // namespace wb
