#include "train/trainer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>

#include "core/errors.h"
#include "memory_recorder.h"
#include "run/environment.h"
#include "test_support.h"
#include "train/loss_scaler.h"
#include "train/negative_sampler.h"
#include "train/pair_batcher.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::MemoryRecorder;

namespace {

Walks two_community_walks() {
  // Two groups of 10 nodes; walks stay inside their group.
  Walks walks;
  walks.walk_length = 20;
  Rng rng(1, 1);
  for (int w = 0; w < 400; ++w) {
    const int group = w % 2;
    for (int i = 0; i < walks.walk_length; ++i) {
      walks.nodes.push_back(static_cast<NodeId>(group * 10 + rng.below(10)));
    }
  }
  walks.num_walks = 400;
  return walks;
}

double dot(const Matrix& m, int a, int b) {
  double sum = 0;
  for (int64_t k = 0; k < m.cols; ++k) sum += m.row(a)[k] * m.row(b)[k];
  return sum;
}

double cosine(const Matrix& m, int a, int b) {
  return dot(m, a, b) / std::sqrt(dot(m, a, a) * dot(m, b, b));
}

// Mean cosine within the two 10-node communities of two_community_walks()
// minus the mean across them.
double largest_row_norm(const Matrix& m) {
  double largest = 0;
  for (int64_t r = 0; r < m.rows; ++r) largest = std::max(largest, std::sqrt(dot(m, r, r)));
  return largest;
}

double community_separation(const Matrix& m) {
  double within = 0, across = 0;
  for (int a = 0; a < 10; ++a) {
    for (int b = 0; b < 10; ++b) {
      if (a != b) within += cosine(m, a, b);
      across += cosine(m, a, 10 + b);
    }
  }
  return within / 90 - across / 100;
}

TrainOptions small_options(const std::string& amp = "off") {
  TrainOptions options;
  options.settings.dimension = 16;
  options.settings.window = 3;
  options.settings.epochs = 3;
  options.settings.batch_size = 256;
  options.settings.log_every = 10;
  options.settings.amp = amp;
  options.threads = 1;
  options.seed = 5;
  return options;
}

}  // namespace

TEST_CASE("pairs cover each window exactly once per epoch", "[train]") {
  Walks walks;
  walks.walk_length = 5;
  walks.num_walks = 2;
  walks.nodes = {0, 1, 2, 3, 4, 5, 6, Walks::kNoNode, Walks::kNoNode, Walks::kNoNode};
  PairBatcher batcher(walks, 2, false, 1, 0);
  PairBatch batch;
  std::multiset<std::pair<int64_t, int64_t>> pairs;
  while (batcher.next(3, batch)) {
    REQUIRE(batch.size() <= 3);
    for (int64_t i = 0; i < batch.size(); ++i) pairs.insert({batch.centers[i], batch.contexts[i]});
  }
  // Walk 0-1-2-3-4 with window 2 gives 14 pairs; walk 5-6 gives 2.
  REQUIRE(pairs.size() == 16);
  REQUIRE(pairs.count({2, 0}) == 1);
  REQUIRE(pairs.count({0, 3}) == 0);
  REQUIRE(pairs.count({5, 6}) == 1);
  REQUIRE(batcher.tokens_done() == 7);
}

TEST_CASE("unigram negatives follow frequency to the 3/4", "[train]") {
  Walks walks;
  walks.walk_length = 4;
  walks.num_walks = 4;
  walks.nodes = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, Walks::kNoNode, Walks::kNoNode};
  auto sampler = make_negative_sampler("unigram");
  sampler->prepare(walks, 4, 0.75);
  const auto p = sampler->probabilities();
  const double z = std::pow(8, 0.75) + std::pow(4, 0.75) + std::pow(2, 0.75);
  REQUIRE(p[0] == Approx(std::pow(8, 0.75) / z));
  REQUIRE(p[3] == 0.0);  // never visited, never drawn
  Rng rng(1, 2);
  std::vector<double> counts(4, 0);
  for (int i = 0; i < 100000; ++i) counts[sampler->sample(rng)]++;
  REQUIRE(test::chi_square(counts, p) < test::chi_square_critical_999(3));
}

TEST_CASE("the LibTorch trainer learns community structure and logs its loss", "[train]") {
  const Walks walks = two_community_walks();
  MemoryRecorder recorder;
  TrainSummary summary;
  auto trainer = make_trainer("torch");
  const Matrix emb = trainer->train(walks, 20, small_options(), recorder, {}, summary);
  REQUIRE(emb.rows == 20);
  REQUIRE(emb.cols == 16);
  const auto& loss = recorder.metrics["train/loss"];
  REQUIRE(loss.size() >= 5);
  REQUIRE(loss.back().second < 0.8 * loss.front().second);
  REQUIRE(community_separation(emb) > 0.3);
  REQUIRE(summary.pairs > 0);
}

TEST_CASE("a walk bouncing between two nodes: sequential SGD copes, batched SGD stops loudly",
          "[train]") {
  // A two-node component (ca-AstroPh has dozens) walks a-b-a-b...: in walk
  // order, with 80-step walks, one batch holds the same pair hundreds of
  // times, and the summed stale gradients blow the tables up. Here a and b
  // make 2% of the corpus, so even shuffled batches diverge (see the next
  // test for a realistic share). On AstroPh the torch trainer's
  // loss stayed finite (1e8) and the run "finished" with an AUC of 0.93; it
  // must stop with a NumericError instead. Word2vec's sequential updates
  // (the fused trainers) saturate and stay sane.
  Walks walks;
  walks.walk_length = 80;
  Rng rng(1, 1);
  for (int w = 0; w < 200; ++w) {
    for (int i = 0; i < walks.walk_length; ++i) {
      walks.nodes.push_back(static_cast<NodeId>((w % 2) * 10 + rng.below(10)));
    }
  }
  const NodeId a = 20, b = 21;  // rare elsewhere: 4 walks in 204, as on AstroPh
  for (int w = 0; w < 4; ++w) {
    for (int i = 0; i < walks.walk_length; ++i) walks.nodes.push_back(i % 2 == 0 ? a : b);
  }
  walks.num_walks = 204;
  TrainOptions options = small_options();
  options.settings.window = 10;
  options.settings.batch_size = 1024;
  options.settings.learning_rate = 0.05;
  options.settings.shuffle_batches = 1;  // walk order: a batch is one or two walks
  MemoryRecorder recorder;
  TrainSummary summary;
  REQUIRE_THROWS_WITH(make_trainer("torch")->train(walks, 22, options, recorder, {}, summary),
                      Contains("training diverged") && Contains("train.batch_size"));

  const Matrix emb = make_trainer("fused")->train(walks, 22, options, recorder, {}, summary);
  CHECK(largest_row_norm(emb) < 20);
  CHECK(community_separation(emb) > 0.3);
}

TEST_CASE("pooled batches spread a bouncing walk's pairs, and batched SGD trains it", "[train]") {
  // As above, but the two-node walks are 40 of 2,040 (2%, about as on
  // ca-AstroPh): shuffling 64 batches' pairs puts a dozen of a
  // bouncing walk's pairs in a batch instead of hundreds.
  Walks walks;
  walks.walk_length = 80;
  Rng rng(1, 1);
  // Communities of 1,000 nodes, so that apart from a and b no node recurs
  // much within a batch; nodes 0-9 and 10-19 belong to the two communities, as
  // community_separation() expects.
  for (int w = 0; w < 2000; ++w) {
    const int group = w % 2;
    for (int i = 0; i < walks.walk_length; ++i) {
      const auto r = static_cast<NodeId>(rng.below(1000));
      walks.nodes.push_back(r < 10 ? group * 10 + r : 20 + group * 990 + (r - 10));
    }
  }
  // Ten two-node components, each with 4 walks.
  for (int w = 0; w < 40; ++w) {
    const NodeId a = 2000 + 2 * (w / 4);
    for (int i = 0; i < walks.walk_length; ++i) walks.nodes.push_back(a + i % 2);
  }
  walks.num_walks = 2040;
  TrainOptions options = small_options();
  options.settings.epochs = 1;
  options.settings.window = 10;
  options.settings.batch_size = 1024;
  options.settings.learning_rate = 0.05;
  MemoryRecorder recorder;
  TrainSummary summary;
  options.settings.shuffle_batches = 1;
  REQUIRE_THROWS_WITH(make_trainer("torch")->train(walks, 2020, options, recorder, {}, summary),
                      Contains("training diverged"));

  options.settings.shuffle_batches = 64;
  const Matrix emb = make_trainer("torch")->train(walks, 2020, options, recorder, {}, summary);
  CHECK(largest_row_norm(emb) < 20);
  CHECK(community_separation(emb) > 0.3);
}

TEST_CASE("bf16 autocast training matches fp32 within tolerance", "[train][amp]") {
  const Walks walks = two_community_walks();
  MemoryRecorder fp32_log, bf16_log;
  TrainSummary fp32_summary, bf16_summary;
  auto trainer = make_trainer("torch");
  const Matrix fp32 = trainer->train(walks, 20, small_options("off"), fp32_log, {}, fp32_summary);
  const Matrix bf16 =
      make_trainer("torch")->train(walks, 20, small_options("bf16"), bf16_log, {}, bf16_summary);
  // Same pairs and negatives, so the loss curves differ only by rounding.
  REQUIRE(bf16_summary.final_loss == Approx(fp32_summary.final_loss).epsilon(0.05));
  REQUIRE(bf16_summary.pairs == fp32_summary.pairs);
}

TEST_CASE("learning rate decays linearly to its floor", "[train]") {
  TrainSection s;
  s.learning_rate = 0.1;
  s.final_learning_rate_fraction = 0.01;
  REQUIRE(learning_rate_at(s, 0.0) == Approx(0.1));
  REQUIRE(learning_rate_at(s, 0.5) == Approx(0.05));
  REQUIRE(learning_rate_at(s, 1.0) == Approx(0.001));
  s.lr_schedule = "constant";
  REQUIRE(learning_rate_at(s, 0.9) == Approx(0.1));
}

TEST_CASE("the loss scaler backs off on overflow and grows after good steps", "[train][amp]") {
  LossScaler scaler(true, 1024.0, 3);
  REQUIRE_FALSE(scaler.update(false));
  REQUIRE(scaler.scale() == 512.0);
  REQUIRE(scaler.update(true));
  REQUIRE(scaler.update(true));
  REQUIRE(scaler.update(true));
  REQUIRE(scaler.scale() == 1024.0);
  REQUIRE(scaler.skipped_steps() == 1);
}

TEST_CASE("a diverging run stops with a numeric error naming the step", "[train]") {
  const Walks walks = two_community_walks();
  MemoryRecorder recorder;
  TrainSummary summary;
  auto options = small_options();
  options.settings.learning_rate = 1e30;
  REQUIRE_THROWS_AS(make_trainer("torch")->train(walks, 20, options, recorder, {}, summary),
                    NumericError);
}

TEST_CASE("the fused CPU trainer agrees with the LibTorch reference", "[train][fused]") {
  const Walks walks = two_community_walks();
  MemoryRecorder reference_log, fused_log;
  TrainSummary reference, fused;
  make_trainer("torch")->train(walks, 20, small_options(), reference_log, {}, reference);
  auto options = small_options();
  options.threads = 2;
  const Matrix emb = make_trainer("fused")->train(walks, 20, options, fused_log, {}, fused);
  // The same pairs per epoch (the batcher and the kernel share the window rule).
  REQUIRE(fused.pairs == Approx(reference.pairs).epsilon(0.02));
  REQUIRE(fused_log.metrics["train/loss"].size() >= 3);
  // Per-pair SGD and batched SGD reach a similar loss (the fused one is a
  // 1-in-16 sample, hence the tolerance).
  REQUIRE(fused.final_loss == Approx(reference.final_loss).epsilon(0.25));
  REQUIRE(community_separation(emb) > 0.3);
}

TEST_CASE("shared negatives train to the per-pair loss", "[train][fused]") {
  // Sharing changes which negatives a pair sees, not what it optimises in
  // expectation: the fused window mode and the torch batch mode must land on
  // the loss of independent negatives.
  const Walks walks = two_community_walks();
  for (const std::string trainer : {"fused", "torch"}) {
    auto options = small_options();
    options.settings.trainer = trainer;
    MemoryRecorder log_a, log_b;
    TrainSummary independent, shared;
    make_trainer(trainer)->train(walks, 20, options, log_a, {}, independent);
    options.settings.negative_sharing = trainer == "fused" ? "window" : "batch";
    options.settings.negative_chunk = 64;
    const Matrix emb = make_trainer(trainer)->train(walks, 20, options, log_b, {}, shared);
    INFO(trainer << ": independent " << independent.final_loss << ", shared " << shared.final_loss);
    REQUIRE(shared.pairs == independent.pairs);
    REQUIRE(shared.final_loss == Approx(independent.final_loss).epsilon(0.15));
    // Still separates the communities (nodes 0-9 and 10-19).
    REQUIRE(cosine(emb, 0, 1) > cosine(emb, 0, 15));
  }
}

TEST_CASE("the fused CPU trainer is deterministic on one thread", "[train][fused]") {
  const Walks walks = two_community_walks();
  MemoryRecorder log_a, log_b;
  TrainSummary a, b;
  const Matrix first = make_trainer("fused")->train(walks, 20, small_options(), log_a, {}, a);
  const Matrix second = make_trainer("fused")->train(walks, 20, small_options(), log_b, {}, b);
  REQUIRE(first.values == second.values);
}

TEST_CASE("the fused trainer on CUDA says clearly when there is no GPU", "[train][fused]") {
  if (!detect_environment().gpus.empty()) return;  // the [cuda] tests cover the GPU
  const Walks walks = two_community_walks();
  MemoryRecorder log;
  TrainSummary summary;
  auto options = small_options();
  options.device = "cuda";
  REQUIRE_THROWS_AS(make_trainer("fused")->train(walks, 20, options, log, {}, summary),
                    ConfigError);
}
