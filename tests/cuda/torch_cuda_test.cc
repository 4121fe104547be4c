#include <catch2/catch.hpp>
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
                      const std::string& batching = "auto") {
  TrainOptions options;
  options.settings.batching = batching;
  options.settings.dimension = 64;
  options.settings.window = 5;
  options.settings.epochs = 2;
  options.settings.log_every = 20;
  options.settings.amp = amp;
  options.device = device;
  options.seed = 3;
  MemoryRecorder recorder;
  TrainSummary summary;
  Matrix embeddings =
      make_trainer("torch")->train(community_walks(), 100, options, recorder, {}, summary);
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
