#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "../memory_recorder.h"
#include "config/experiment_config.h"
#include "run/pipeline.h"
#include "train/trainer.h"

using namespace wb;
using wb::test::MemoryRecorder;

namespace {

Walks community_walks() {
  Walks walks;
  walks.walk_length = 20;
  walks.num_walks = 2000;
  Rng rng(1, 1);
  for (int w = 0; w < walks.num_walks; ++w) {
    for (int i = 0; i < walks.walk_length; ++i) {
      walks.nodes.push_back(static_cast<NodeId>((w % 4) * 25 + rng.below(25)));
    }
  }
  return walks;
}

TrainSummary train_on(const std::string& device, const std::string& amp, Matrix* out = nullptr,
                      const std::string& batching = "auto", int64_t epochs = 2,
                      const CheckpointPlan& checkpoint = {}, const Progress& progress = {}) {
  TrainOptions options;
  options.checkpoint = checkpoint;
  options.settings.batching = batching;
  options.settings.dimension = 64;
  options.settings.window = 5;
  options.settings.epochs = epochs;
  options.settings.log_every = 20;
  options.settings.amp = amp;
  options.device = device;
  options.seed = 3;
  MemoryRecorder recorder;
  TrainSummary summary;
  Matrix embeddings =
      make_trainer("torch")->train(community_walks(), 100, options, recorder, progress, summary);
  if (out) *out = std::move(embeddings);
  return summary;
}

}  // namespace

TEST_CASE("the LibTorch trainer gives the same loss on CUDA as on the CPU", "[cuda]") {
  Matrix cpu_embeddings, cuda_embeddings;
  const TrainSummary cpu = train_on("cpu", "off", &cpu_embeddings, "host");
  const TrainSummary cuda = train_on("cuda", "off", &cuda_embeddings, "host");
  // Same initial tables, pairs and negatives; only summation order differs.
  REQUIRE(cuda.pairs == cpu.pairs);
  REQUIRE(cuda.final_loss == Approx(cpu.final_loss).epsilon(0.01));
}

TEST_CASE("batches made on the GPU train like the host's", "[cuda]") {
  const TrainSummary host = train_on("cpu", "off", nullptr, "host");
  const TrainSummary device = train_on("cuda", "off", nullptr, "device");
  // Other random windows and negatives, the same distribution of both.
  REQUIRE(device.pairs == Approx(host.pairs).epsilon(0.02));
  REQUIRE(device.final_loss == Approx(host.final_loss).epsilon(0.05));
}

TEST_CASE("AMP on CUDA (bf16, fp16 with loss scaling) tracks FP32", "[cuda][amp]") {
  const TrainSummary fp32 = train_on("cuda", "off");
  const TrainSummary bf16 = train_on("cuda", "bf16");
  const TrainSummary fp16 = train_on("cuda", "fp16");
  REQUIRE(bf16.final_loss == Approx(fp32.final_loss).epsilon(0.05));
  REQUIRE(fp16.final_loss == Approx(fp32.final_loss).epsilon(0.05));
  REQUIRE(fp16.skipped_steps < fp16.steps / 10);
}

TEST_CASE("a resumed fp16 run goes on with the loss scale it had found", "[cuda][amp][resume]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("wb-fp16-resume-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const auto file = [&](const char* name) { return (dir / name).string(); };
  const CheckpointKey key{"torch", 100, 64, 3};
  const CheckpointPlan every_epoch{file("full.bin"), 1, false};
  train_on("cuda", "fp16", nullptr, "auto", 2, every_epoch);
  const LossScaleState full = load_checkpoint(every_epoch.path, key)->loss_scale;

  // The same two epochs, stopped (as by Ctrl-C) once the first is done, and
  // resumed from the checkpoint that stop wrote.
  const CheckpointPlan part{file("part.bin"), 0, false};
  std::atomic<bool> stop{false};
  Progress stop_after_first;
  stop_after_first.stop_requested = &stop;
  stop_after_first.report = [&](const std::string&, int64_t done, int64_t total) {
    if (2 * done >= total) stop = true;
  };
  REQUIRE_THROWS_AS(train_on("cuda", "fp16", nullptr, "auto", 2, part, stop_after_first),
                    Interrupted);
  const TrainingCheckpoint stopped = *load_checkpoint(part.path, key);
  REQUIRE(stopped.epochs_done == 1);
  const LossScaleState after_first = stopped.loss_scale;
  REQUIRE(after_first.recorded());
  train_on("cuda", "fp16", nullptr, "auto", 2, {part.path, 1, true});
  const LossScaleState resumed = load_checkpoint(part.path, key)->loss_scale;

  // Good steps count on from the first epoch's (a fresh scaler would hold
  // only the second epoch's), and the first epoch's skipped steps are kept.
  // The growth interval (2000) is longer than both epochs (about 230 steps
  // each), so the scale only moves on an overflow.
  REQUIRE(resumed.good_steps > after_first.good_steps);
  REQUIRE(resumed.good_steps == Approx(full.good_steps).margin(3));
  REQUIRE(resumed.skipped_steps >= after_first.skipped_steps);
  REQUIRE(resumed.skipped_steps == Approx(full.skipped_steps).margin(1));
  REQUIRE(resumed.scale >= full.scale / 2);
  REQUIRE(resumed.scale <= full.scale * 2);
  fs::remove_all(dir);
}

TEST_CASE("the e-commerce pipeline on CUDA matches the CPU's AUC", "[cuda][pipeline]") {
  const char* text = R"(
[experiment]
threads = 4
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 2000
items = 400
categories = 10
[walk]
sampler = "node2vec-rejection"
walks_per_node = 5
walk_length = 40
[train]
dimension = 64
window = 5
)";
  auto config = parse_experiment_config(text, "cuda.toml");
  RunContext context;
  context.threads = 4;
  MemoryRecorder cpu, cuda;
  context.device = "cpu";
  run_pipeline(config, context, cpu, {});
  context.device = "cuda";
  run_pipeline(config, context, cuda, {});
  REQUIRE(cuda.scores.at("link/hadamard/roc_auc") ==
          Approx(cpu.scores.at("link/hadamard/roc_auc")).margin(0.01));
}
