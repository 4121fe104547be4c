#pragma once
// What one center position trains, for the fused CUDA kernels (CUDA sources
// only): its row, its targets in the CPU trainer's order (per pair the context
// then k negatives, or, shared, all contexts then k negatives once), its
// learning rate, and whether it measures the loss. Both kernels build it the
// same way, so they visit the same pairs with the same draws.
#include <cstdint>

#include "train/sgns_cuda.h"

namespace wb {

struct CenterPlan {
  const int32_t* walk;
  int32_t position, first;  // in the walk
  int32_t contexts;         // m
  bool shared;
  int num_negatives;
  TargetDraws draws;
  int32_t center;
  uint64_t stream;
  float lr;
  bool want_loss;

  __device__ int32_t targets() const {
    return shared ? contexts + num_negatives : contexts * (num_negatives + 1);
  }
  __device__ bool is_context(int64_t t) const {
    return is_context_target(t, contexts, num_negatives, shared);
  }
  // Any target in any order: each negative has its own stream, so a warp's
  // lanes resolve 32 targets at once and their table lookups overlap.
  __device__ int32_t id(int64_t t, const NegativeTable& negatives) const {
    if (is_context(t)) return walk[context_position(shared ? t : t / (num_negatives + 1))];
    return negatives.sample(draws, t);
  }
  __device__ float weight(int64_t t) const {
    return target_weight(t, contexts, num_negatives, shared);
  }
  __device__ bool ends_pair(int64_t t) const { return wb::ends_pair(t, num_negatives, shared); }
  __device__ int32_t context_position(int64_t i) const {
    const int32_t j = first + static_cast<int32_t>(i);
    return j < position ? j : j + 1;
  }
};

// The plan of the launch's center position c, or false when it trains nothing
// (a padded position, or a center without contexts). Walk-major (a single
// warp: the CPU's order) or position-major: then neighbouring warps train
// different walks, and two centers of one walk, which share most of their
// contexts, are never trained at once.
__device__ inline bool plan_center(const SgnsLaunch& a, int64_t c, bool walk_major,
                                   CenterPlan& plan) {
  const int64_t length = a.walk_length;
  const int64_t chunk_walks = a.end_slot - a.first_slot;
  const int64_t slot = a.first_slot + (walk_major ? c / length : c % chunk_walks);
  const int64_t position = walk_major ? c % length : c / chunk_walks;
  const int64_t walk_id = a.order(slot);
  const int32_t* walk = a.walks + walk_id * length;
  const int32_t center = walk[position];
  if (center < 0) return false;
  const uint64_t stream = center_stream(a.epoch, walk_id, length, position);
  Rng rng = center_rng(a.seed, stream);
  const int64_t reach = a.dynamic_window ? 1 + static_cast<int64_t>(rng.below(a.window)) : a.window;
  const int64_t first = position > reach ? position - reach : 0;
  int64_t last = position + reach < length - 1 ? position + reach : length - 1;
  while (last > position && walk[last] < 0) --last;
  plan = CenterPlan{walk,
                    static_cast<int32_t>(position),
                    static_cast<int32_t>(first),
                    static_cast<int32_t>(last - first),
                    a.share_negatives,
                    a.num_negatives,
                    TargetDraws(a.seed, stream),
                    center,
                    stream,
                    a.schedule.at(a.epoch * a.num_walks + slot, a.walks_total),
                    measures_loss(position)};
  return plan.contexts > 0;
}

}  // namespace wb
