#include "train/subsampling.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "memory_recorder.h"
#include "train/trainer.h"

using namespace wb;
using wb::test::MemoryRecorder;

namespace {

// Walks of length 10 where node 0 (a hub) fills every other position and
// nodes 1..99 share the rest: node 0 is half the corpus.
Walks hub_walks(int64_t num_walks) {
  Walks walks;
  walks.num_walks = num_walks;
  walks.walk_length = 10;
  Rng rng(3, 3);
  for (int64_t w = 0; w < num_walks; ++w) {
    for (int i = 0; i < walks.walk_length; ++i) {
      walks.nodes.push_back(i % 2 == 0 ? 0 : static_cast<NodeId>(1 + rng.below(99)));
    }
  }
  return walks;
}

double word2vec_keep(double count, double total, double threshold) {
  const double t = threshold * total;
  return std::min(1.0, (std::sqrt(count / t) + 1.0) * t / count);
}

}  // namespace

TEST_CASE("sub-sampling keeps each node with word2vec's probability", "[train][subsample]") {
  const Walks walks = hub_walks(200);  // 2000 tokens: node 0 seen 1000 times
  const NodeSubsampler off(walks, 100, 0.0);
  REQUIRE_FALSE(off.enabled());

  const NodeSubsampler subsampler(walks, 100, 0.01);
  REQUIRE(subsampler.enabled());
  const double hub_keep = word2vec_keep(1000, 2000, 0.01);  // 0.161
  REQUIRE(subsampler.keep_probability(0) == Approx(hub_keep).epsilon(1e-5));
  // A node seen about 10 times, under 2.6 times the threshold count (20): kept.
  REQUIRE(subsampler.keep_probability(1) == 1.0f);

  int64_t hub_seen = 0, hub_kept = 0, others_seen = 0, others_kept = 0;
  std::vector<NodeId> kept(walks.walk_length);
  for (uint64_t stream = 0; stream < 4000; ++stream) {
    const NodeId* walk = walks.walk(static_cast<int64_t>(stream % walks.num_walks));
    const int64_t count = subsampler.filter(walk, walks.walk_length, 7, stream, kept.data());
    // Kept nodes keep their order: `kept` is a subsequence of the walk.
    int64_t at = 0;
    for (int64_t i = 0; i < walks.walk_length && at < count; ++i) at += walk[i] == kept[at];
    REQUIRE(at == count);
    for (int64_t i = 0; i < count; ++i) (kept[i] == 0 ? hub_kept : others_kept) += 1;
    hub_seen += 5;
    others_seen += 5;
  }
  REQUIRE(others_kept == others_seen);
  // 20000 Bernoulli draws: the standard error is 0.0026.
  REQUIRE(static_cast<double>(hub_kept) / hub_seen == Approx(hub_keep).margin(0.008));
  REQUIRE(subsampler.expected_kept_fraction() == Approx((1000 * hub_keep + 1000) / 2000));
}

TEST_CASE("sub-sampling draws are fixed by seed, walk and epoch", "[train][subsample]") {
  const Walks walks = hub_walks(50);
  const NodeSubsampler subsampler(walks, 100, 0.01);
  const Walks epoch0 = subsampler.filtered(walks, 7, 0);
  REQUIRE(epoch0.nodes == subsampler.filtered(walks, 7, 0).nodes);
  REQUIRE(epoch0.nodes != subsampler.filtered(walks, 7, 1).nodes);
  REQUIRE(epoch0.nodes != subsampler.filtered(walks, 8, 0).nodes);
  REQUIRE(epoch0.num_walks == walks.num_walks);
  REQUIRE(epoch0.walk_length == walks.walk_length);
  // Each walk's kept nodes come first, then padding.
  for (int64_t w = 0; w < epoch0.num_walks; ++w) {
    const NodeId* walk = epoch0.walk(w);
    bool padding = false;
    for (int64_t i = 0; i < epoch0.walk_length; ++i) {
      if (walk[i] == Walks::kNoNode) padding = true;
      REQUIRE((walk[i] == Walks::kNoNode) == padding);
    }
  }
}

TEST_CASE("both CPU trainers train fewer, hub-free pairs with sub-sampling", "[train][subsample]") {
  const Walks walks = hub_walks(400);
  for (const char* name : {"torch", "fused"}) {
    INFO(name);
    TrainOptions options;
    options.settings.trainer = name;
    options.settings.dimension = 8;
    options.settings.window = 2;
    options.settings.batch_size = 128;
    options.threads = 1;
    TrainSummary all, subsampled;
    MemoryRecorder all_log, subsampled_log;
    make_trainer(name)->train(walks, 100, options, all_log, {}, all);
    options.settings.subsample = 0.01;
    make_trainer(name)->train(walks, 100, options, subsampled_log, {}, subsampled);
    // With the hub (half the corpus) mostly gone, the walks shrink to about
    // 5.2 nodes and the window reaches further; the pair count drops by
    // roughly the square of the kept fraction's effect on windows of 2.
    REQUIRE(subsampled.pairs < 0.7 * all.pairs);
    REQUIRE(subsampled.pairs > 0.3 * all.pairs);
    REQUIRE(subsampled_log.scores.at("train/subsample_kept_fraction") ==
            Approx(0.5 * word2vec_keep(2000, 4000, 0.01) + 0.5));
    REQUIRE(all_log.scores.count("train/subsample_kept_fraction") == 0);
  }
}
