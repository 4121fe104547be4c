// The fused CUDA trainer against the fused CPU trainer (itself checked
// against the LibTorch reference in trainer_test.cc and on Facebook): a
// single-warp CUDA run visits the same pairs with the same negatives and
// learning rates as a one-thread CPU run, so the tables must agree up to
// floating-point summation order; the parallel and half-precision runs must
// reach the same loss and AUC within stated tolerances.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>

#include "../memory_recorder.h"
#include "config/experiment_config.h"
#include "run/pipeline.h"
#include "train/initialization.h"
#include "train/trainer.h"

using namespace wb;
using wb::test::MemoryRecorder;

namespace {

Walks community_walks(int64_t num_walks = 2000) {
  Walks walks;
  walks.walk_length = 20;
  walks.num_walks = num_walks;
  Rng rng(1, 1);
  for (int64_t w = 0; w < walks.num_walks; ++w) {
    for (int i = 0; i < walks.walk_length; ++i) {
      walks.nodes.push_back(static_cast<NodeId>((w % 4) * 25 + rng.below(25)));
    }
  }
  // A walk cut short by a dead end.
  for (int i = 12; i < walks.walk_length; ++i) walks.nodes[5 * walks.walk_length + i] = -1;
  return walks;
}

struct Trained {
  Matrix embeddings;
  TrainSummary summary;
};

Trained train(const std::string& device, TrainSection settings, int64_t threads = 4) {
  TrainOptions options;
  options.settings = settings;
  options.settings.trainer = "fused";
  options.device = device;
  options.threads = static_cast<int>(threads);
  options.seed = 3;
  MemoryRecorder recorder;
  Trained out;
  out.embeddings =
      make_trainer("fused")->train(community_walks(), 100, options, recorder, {}, out.summary);
  return out;
}

TrainSection small_settings(int64_t dimension, const std::string& sharing) {
  TrainSection s;
  s.dimension = dimension;
  s.window = 5;
  s.epochs = 2;
  s.negative_sharing = sharing;
  return s;
}

double max_abs_difference(const Matrix& a, const Matrix& b) {
  double worst = 0;
  for (size_t i = 0; i < a.values.size(); ++i) {
    worst = std::max(worst, std::fabs(static_cast<double>(a.values[i]) - b.values[i]));
  }
  return worst;
}

double mean_abs_change(const Matrix& trained, const Matrix& initial) {
  double sum = 0;
  for (size_t i = 0; i < trained.values.size(); ++i) {
    sum += std::fabs(static_cast<double>(trained.values[i]) - initial.values[i]);
  }
  return sum / static_cast<double>(trained.values.size());
}

}  // namespace

TEST_CASE("single-warp fused CUDA equals one-thread fused CPU", "[cuda][fused]") {
  // 64 takes the vector loads, 100 the per-element tail path; every prefetch
  // depth must handle a row that repeats within the rows in flight.
  for (const char* depth : {"1", "2", "4"}) {
    for (int64_t dimension : {64, 100}) {
      for (const char* sharing : {"none", "window"}) {
        setenv("WB_SGNS_PREFETCH", depth, 1);
        TrainSection s = small_settings(dimension, sharing);
        s.deterministic = true;
        const Trained cpu = train("cpu", s, 1);
        const Trained gpu = train("cuda", s);
        unsetenv("WB_SGNS_PREFETCH");
        INFO("prefetch depth " << depth << ", dimension " << dimension << ", negative_sharing "
                               << sharing);
        REQUIRE(gpu.summary.pairs == cpu.summary.pairs);
        // Values are O(0.1-1); only summation order (and expf) differ.
        REQUIRE(max_abs_difference(gpu.embeddings, cpu.embeddings) < 1e-3);
        // The CPU logs the loss per 100 steps, the GPU per chunk: close, not equal.
        REQUIRE(gpu.summary.final_loss == Approx(cpu.summary.final_loss).epsilon(0.1));
      }
    }
  }
}

TEST_CASE("parallel fused CUDA reaches the CPU's loss", "[cuda][fused]") {
  for (const char* sharing : {"none", "window"}) {
    const TrainSection s = small_settings(64, sharing);
    const Trained cpu = train("cpu", s, 1);
    const Trained gpu = train("cuda", s);
    INFO("negative_sharing " << sharing);
    REQUIRE(gpu.summary.pairs == cpu.summary.pairs);
    REQUIRE(gpu.summary.final_loss == Approx(cpu.summary.final_loss).epsilon(0.1));
  }
}

TEST_CASE("bf16 and fp16 tables track fp32 with stochastic rounding", "[cuda][fused]") {
  TrainSection s = small_settings(64, "none");
  const Trained fp32 = train("cuda", s);
  for (const char* storage : {"bf16", "fp16"}) {
    s.storage = storage;
    const Trained half = train("cuda", s);
    INFO("storage " << storage);
    REQUIRE(half.summary.final_loss == Approx(fp32.summary.final_loss).epsilon(0.05));
  }
}

TEST_CASE("stochastic rounding keeps updates below bf16's resolution", "[cuda][fused]") {
  // With a tiny learning rate each update of an input row is far below one
  // bf16 step at the row's magnitude: round-to-nearest drops them all, while
  // stochastic rounding keeps them on average.
  TrainSection s = small_settings(64, "none");
  s.learning_rate = 2e-4;
  s.epochs = 3;
  const Matrix initial = initial_input_embeddings(100, 64, 3);
  const double fp32 = mean_abs_change(train("cuda", s).embeddings, initial);
  s.storage = "bf16";
  s.stochastic_rounding = true;
  const double rounded_stochastically = mean_abs_change(train("cuda", s).embeddings, initial);
  s.stochastic_rounding = false;
  const double rounded_to_nearest = mean_abs_change(train("cuda", s).embeddings, initial);
  INFO("mean |change|: fp32 " << fp32 << ", bf16+SR " << rounded_stochastically << ", bf16 RN "
                              << rounded_to_nearest);
  REQUIRE(fp32 > 0);
  // SR adds rounding noise of about half a bf16 step per value on top of the
  // fp32 change; RN moves (almost) nothing beyond the initial rounding.
  REQUIRE(rounded_stochastically > 0.5 * fp32);
  REQUIRE(rounded_to_nearest < 0.5 * rounded_stochastically);
}

TEST_CASE("fused CUDA pipeline matches the fused CPU pipeline's AUC", "[cuda][pipeline][fused]") {
  const char* text = R"(
[experiment]
threads = 4
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 4000
items = 800
categories = 16
[walk]
sampler = "node2vec-rejection"
walks_per_node = 10
walk_length = 40
[train]
trainer = "fused"
dimension = 64
window = 5
epochs = 2
[eval]
operators = ["hadamard"]
)";
  RunContext context;
  context.threads = 4;
  context.device = "cpu";
  MemoryRecorder cpu;
  run_pipeline(parse_experiment_config(text, "fused.toml"), context, cpu, {});
  const double reference = cpu.scores.at("link/hadamard/roc_auc");
  context.device = "cuda";
  for (const char* setting : {"train.negative_sharing=\"none\"", "train.negative_sharing=\"window\"",
                              "train.storage=\"bf16\""}) {
    MemoryRecorder gpu;
    run_pipeline(parse_experiment_config(text, "fused.toml", {setting}), context, gpu, {});
    INFO(setting << ": CPU AUC " << reference << ", CUDA AUC "
                 << gpu.scores.at("link/hadamard/roc_auc"));
    REQUIRE(gpu.scores.at("link/hadamard/roc_auc") == Approx(reference).margin(0.01));
  }
}
