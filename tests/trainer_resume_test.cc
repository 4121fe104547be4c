// A run stopped at an epoch boundary and resumed from its checkpoint ends
// with the very tables of a run that was never stopped: every trainer draws
// each epoch's randomness from streams keyed by the epoch, not by how much
// of the run came before.
#include <atomic>
#include <catch2/catch.hpp>

#include "core/errors.h"
#include "memory_recorder.h"
#include "test_support.h"
#include "train/trainer.h"

using namespace wb;
using wb::test::MemoryRecorder;

namespace {

Walks random_walks(int64_t num_nodes) {
  Walks walks;
  walks.walk_length = 12;
  walks.num_walks = 120;
  Rng rng(3, 1);
  for (int64_t i = 0; i < walks.num_walks * walks.walk_length; ++i) {
    walks.nodes.push_back(static_cast<NodeId>(rng.below(static_cast<uint64_t>(num_nodes))));
  }
  return walks;
}

TrainOptions options_for(const std::string& trainer, const std::string& batching) {
  TrainOptions options;
  options.settings.trainer = trainer;
  options.settings.batching = batching;
  options.settings.dimension = 16;
  options.settings.window = 3;
  options.settings.negatives = 3;
  options.settings.epochs = 3;
  options.settings.batch_size = 64;
  options.settings.log_every = 5;
  options.threads = 1;  // one thread: the same run twice gives the same bits
  options.seed = 9;
  return options;
}

}  // namespace

TEST_CASE("a run resumed from an epoch's checkpoint ends where an unstopped run ends",
          "[train][resume]") {
  const int64_t num_nodes = 30;
  const Walks walks = random_walks(num_nodes);
  const int64_t tokens_per_epoch = walks.tokens();
  for (const auto& [trainer, batching] : {std::pair<std::string, std::string>{"fused", "auto"},
                                          {"torch", "host"},
                                          {"torch", "device"}}) {
    INFO("trainer " << trainer << ", batching " << batching);
    test::TempDir dir;
    TrainOptions options = options_for(trainer, batching);
    MemoryRecorder recorder;
    TrainSummary summary;
    const Matrix unstopped =
        make_trainer(trainer)->train(walks, num_nodes, options, recorder, {}, summary);

    // Stop as soon as the first epoch is reported done: the trainer writes its
    // last checkpoint before any pair of the second epoch is trained.
    std::atomic<bool> stop{false};
    Progress progress;
    progress.stop_requested = &stop;
    progress.report = [&](const std::string&, int64_t done, int64_t) {
      if (done >= tokens_per_epoch) stop = true;
    };
    options.checkpoint.path = dir.file("checkpoint.bin");
    REQUIRE_THROWS_AS(
        make_trainer(trainer)->train(walks, num_nodes, options, recorder, progress, summary),
        Interrupted);

    options.checkpoint.resume = true;
    MemoryRecorder resumed_log;
    const Matrix resumed =
        make_trainer(trainer)->train(walks, num_nodes, options, resumed_log, {}, summary);
    REQUIRE(resumed_log.scores.at("train/resumed_from_epoch") == 1);
    REQUIRE(resumed.values == unstopped.values);
  }
}
