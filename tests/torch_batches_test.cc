// The LibTorch trainer's batch sources: batches made on the device must hold
// the same pairs as the reference PairBatcher, shrink windows the way
// word2vec does and draw negatives from the sampler's distribution. Run here
// on the CPU device; the GPU check runs the same code on CUDA.
#include "train/torch_batches.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "memory_recorder.h"
#include "test_support.h"
#include "train/trainer.h"

using namespace wb;

namespace {

// Walks whose node at position i of walk w is node_at(w, i, rng).
Walks generated_walks(int64_t num_walks, int64_t length, uint64_t seed,
                      const std::function<NodeId(int64_t, int64_t, Rng&)>& node_at) {
  Walks walks;
  walks.num_walks = num_walks;
  walks.walk_length = length;
  Rng rng(seed, seed);
  for (int64_t w = 0; w < num_walks; ++w) {
    for (int64_t i = 0; i < length; ++i) walks.nodes.push_back(node_at(w, i, rng));
  }
  return walks;
}

// Walk w at position i visits node w * length + i, so a pair's offset is
// target - center; every third walk stops early (a dead end).
Walks numbered_walks(int64_t num_walks, int64_t length) {
  return generated_walks(num_walks, length, 0, [length](int64_t w, int64_t i, Rng&) {
    const int64_t stop = w % 3 == 0 ? length / 2 : length;
    return i < stop ? static_cast<NodeId>(w * length + i) : Walks::kNoNode;
  });
}

std::multiset<std::pair<int64_t, int64_t>> epoch_pairs(TorchBatchSource& source,
                                                       const Walks& walks) {
  source.start_epoch(walks, 0);
  std::multiset<std::pair<int64_t, int64_t>> pairs;
  StepInputs inputs;
  while (source.next(inputs)) {
    const at::Tensor centers = inputs.centers.contiguous();
    const at::Tensor contexts = inputs.targets.select(1, 0).contiguous();
    for (int64_t i = 0; i < centers.size(0); ++i) {
      pairs.insert({centers[i].item<int64_t>(), contexts[i].item<int64_t>()});
    }
  }
  REQUIRE(source.epoch_fraction_done() == 1.0);
  return pairs;
}

TrainSection batch_settings(int64_t window, bool dynamic_window) {
  TrainSection s;
  s.window = window;
  s.dynamic_window = dynamic_window;
  s.batch_size = 200;
  s.negatives = 3;
  return s;
}

}  // namespace

TEST_CASE("device batches hold the reference batcher's pairs", "[train][batches]") {
  const Walks walks = numbered_walks(30, 12);
  auto sampler = make_negative_sampler("unigram");
  sampler->prepare(walks, 30 * 12, 0.75);
  const TrainSection s = batch_settings(3, false);
  auto host = make_torch_batch_source("host", s, *sampler, at::kCPU, 7);
  auto device = make_torch_batch_source("device", s, *sampler, at::kCPU, 7);
  const auto reference = epoch_pairs(*host, walks);
  REQUIRE(reference.size() > 500);
  REQUIRE(epoch_pairs(*device, walks) == reference);
}

TEST_CASE("device batches shrink windows as word2vec does", "[train][batches]") {
  // With a random window in [1, W] per position, offset o is kept with
  // probability (W - o + 1) / W.
  const int64_t window = 4, length = 20;
  const Walks walks = numbered_walks(600, length);
  auto sampler = make_negative_sampler("uniform");
  sampler->prepare(walks, 600 * length, 0.75);
  auto source =
      make_torch_batch_source("device", batch_settings(window, true), *sampler, at::kCPU, 3);
  std::map<int64_t, double> kept;
  for (const auto& [center, context] : epoch_pairs(*source, walks)) {
    const int64_t offset = std::abs(context - center);
    REQUIRE(offset >= 1);
    REQUIRE(offset <= window);
    kept[offset] += 1;
  }
  for (int64_t o = 1; o <= window; ++o) {
    // Slots at offset o, both directions, over full and half-length walks.
    const double slots = 2.0 * (400 * (length - o) + 200 * (length / 2 - o));
    INFO("offset " << o);
    REQUIRE(kept[o] / slots == Approx(static_cast<double>(window - o + 1) / window).margin(0.03));
  }
}

TEST_CASE("device negatives follow the sampler's distribution", "[train][batches]") {
  // A skewed corpus: node 0 on every other position.
  const Walks walks = generated_walks(200, 10, 9, [](int64_t, int64_t i, Rng& rng) {
    return i % 2 == 0 ? 0 : static_cast<NodeId>(1 + rng.below(9));
  });
  auto sampler = make_negative_sampler("unigram");
  sampler->prepare(walks, 10, 0.75);
  TrainSection s = batch_settings(2, true);
  auto source = make_torch_batch_source("device", s, *sampler, at::kCPU, 11);
  source->start_epoch(walks, 0);
  std::vector<double> counts(10, 0.0);
  StepInputs inputs;
  int64_t batches = 0;
  while (source->next(inputs)) {
    REQUIRE(inputs.targets.size(1) == 1 + s.negatives);
    const at::Tensor negatives = inputs.targets.narrow(1, 1, s.negatives).flatten().contiguous();
    for (int64_t i = 0; i < negatives.size(0); ++i) counts[negatives[i].item<int64_t>()] += 1;
    ++batches;
  }
  REQUIRE(batches > 1);
  REQUIRE(test::chi_square(counts, sampler->probabilities()) < test::chi_square_critical_999(9));

  s.negative_sharing = "batch";
  s.negative_chunk = 16;
  auto shared = make_torch_batch_source("device", s, *sampler, at::kCPU, 11);
  shared->start_epoch(walks, 0);
  REQUIRE(shared->next(inputs));
  REQUIRE(inputs.targets.dim() == 1);
  REQUIRE(inputs.shared_negatives.size(0) == (inputs.centers.size(0) + 15) / 16 * 16);
}

TEST_CASE("the LibTorch trainer learns from device-made batches", "[train][batches]") {
  // Two groups of 10 nodes; walks stay inside their group.
  const Walks walks = generated_walks(400, 20, 1, [](int64_t w, int64_t, Rng& rng) {
    return static_cast<NodeId>((w % 2) * 10 + rng.below(10));
  });
  TrainOptions options;
  options.settings.dimension = 16;
  options.settings.window = 3;
  options.settings.epochs = 3;
  options.settings.batch_size = 256;
  options.settings.batching = "device";
  test::MemoryRecorder recorder;
  TrainSummary summary;
  const Matrix emb = make_trainer("torch")->train(walks, 20, options, recorder, {}, summary);
  auto cosine = [&](int a, int b) {
    double ab = 0, aa = 0, bb = 0;
    for (int64_t k = 0; k < emb.cols; ++k) {
      ab += emb.row(a)[k] * emb.row(b)[k];
      aa += emb.row(a)[k] * emb.row(a)[k];
      bb += emb.row(b)[k] * emb.row(b)[k];
    }
    return ab / std::sqrt(aa * bb);
  };
  double within = 0, across = 0;
  for (int a = 0; a < 10; ++a) {
    for (int b = 0; b < 10; ++b) {
      if (a != b) within += cosine(a, b) / 90;
      across += cosine(a, 10 + b) / 100;
    }
  }
  REQUIRE(within > across + 0.3);
  REQUIRE(summary.pairs > 3 * 400 * 20);
  REQUIRE(recorder.metrics.count("train/loss") == 1);
}

TEST_CASE("batches pool and shuffle pairs, so one walk's pairs spread over many batches",
          "[train][batches]") {
  // 640 walks over 6,400 nodes, one of which bounces between nodes a and b.
  const NodeId a = 7000, b = 7001;
  const Walks walks = generated_walks(640, 80, 5, [&](int64_t w, int64_t i, Rng& rng) {
    if (w == 321) return i % 2 == 0 ? a : b;
    return static_cast<NodeId>(rng.below(6400));
  });
  auto sampler = make_negative_sampler("uniform");
  sampler->prepare(walks, 7002, 0.75);
  for (const std::string batching : {"host", "device"}) {
    for (const int64_t shuffle_batches : {1, 64}) {
      TrainSection s = batch_settings(10, true);
      s.batch_size = 1024;
      s.shuffle_batches = shuffle_batches;
      auto source = make_torch_batch_source(batching, s, *sampler, at::kCPU, 13);
      source->start_epoch(walks, 0);
      StepInputs inputs;
      int64_t most_in_a_batch = 0, pairs = 0;
      double fraction = 0;
      while (source->next(inputs)) {
        REQUIRE(inputs.centers.size(0) <= s.batch_size);
        const at::Tensor bouncing =
            (inputs.centers >= a).logical_and(inputs.targets.select(1, 0) >= a);
        most_in_a_batch = std::max(most_in_a_batch, bouncing.sum().item<int64_t>());
        pairs += inputs.centers.size(0);
        REQUIRE(source->epoch_fraction_done() >= fraction);
        fraction = source->epoch_fraction_done();
        REQUIRE(fraction <= 1.0);
      }
      INFO(batching << ", shuffle_batches " << shuffle_batches);
      REQUIRE(fraction == 1.0);
      REQUIRE(pairs > 640 * 80 * 10);
      // The bouncing walk gives about 880 pairs.
      if (shuffle_batches == 1) REQUIRE(most_in_a_batch > 400);
      if (shuffle_batches == 64) REQUIRE(most_in_a_batch < 60);
    }
  }
}
