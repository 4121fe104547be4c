// A corpus too large to keep can be drawn again as the fused CPU trainer
// reads it (walk.storage = "regenerate"): the same walks, so the same model.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

#include "config/experiment_config.h"
#include "core/errors.h"
#include "core/memory_size.h"
#include "memory_recorder.h"
#include "run/pipeline.h"
#include "test_support.h"
#include "train/negative_sampler.h"
#include "train/subsampling.h"
#include "train/trainer.h"
#include "walk/walk_sampler.h"
#include "walk/walk_storage.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

// A ring with chords and a pendant path, so some walks stop at a dead end
// (node 201 has no way on in the directed version below).
Graph chorded_ring(bool directed) {
  std::vector<std::pair<int, int>> edges;
  for (int i = 0; i < 200; ++i) {
    edges.push_back({i, (i + 1) % 200});
    edges.push_back({i, (i * 7 + 3) % 200});
  }
  edges.push_back({5, 200});
  edges.push_back({200, 201});
  return test::make_graph(202, edges, {}, directed);
}

WalkOptions node2vec_options() {
  WalkOptions options;
  options.walks_per_node = 3;
  options.walk_length = 25;
  options.p = 0.5;
  options.q = 2;
  options.threads = 2;
  options.seed = 11;
  return options;
}

WalkStoragePlan regenerate_plan(const WalkOptions& options, int64_t num_nodes) {
  WalkOptions regenerate = options;
  regenerate.storage = "regenerate";
  return plan_walk_storage(regenerate, num_nodes, true);
}

}  // namespace

TEST_CASE("the storage plan regenerates large corpora only for a trainer that can read them",
          "[walk]") {
  WalkOptions options;
  options.max_memory_gb = 16.0 / kGiB;  // 16 bytes: any corpus here is over it
  const int64_t nodes = 100;

  // "auto": over the limit, regenerate where the trainer can, else a file.
  REQUIRE(plan_walk_storage(options, nodes, true).regenerated());
  REQUIRE(plan_walk_storage(options, nodes, false).in_file());
  options.max_memory_gb = 1.0;
  REQUIRE(plan_walk_storage(options, nodes, true).in_memory());

  // Asked for by name, whatever the limit.
  options.storage = "regenerate";
  REQUIRE(plan_walk_storage(options, nodes, true).regenerated());
  REQUIRE_THROWS_AS(plan_walk_storage(options, nodes, false), ConfigError);
  REQUIRE_THROWS_WITH(plan_walk_storage(options, nodes, false),
                      Contains("walk.storage") && Contains("fused"));
  options.storage = "file";
  REQUIRE(plan_walk_storage(options, nodes, true).in_file());
  options.storage = "memory";
  options.max_memory_gb = 16.0 / kGiB;
  REQUIRE(plan_walk_storage(options, nodes, true).in_memory());
  // A regenerated corpus needs no disk: a missing spill folder does not matter.
  options.storage = "regenerate";
  options.spill_directory = "/nonexistent/folder";
  REQUIRE_NOTHROW(plan_walk_storage(options, nodes, true));
}

TEST_CASE("a regenerated corpus reads the stored corpus's walks and counts", "[walk]") {
  for (const std::string name : {"uniform", "node2vec", "node2vec-rejection"}) {
    for (const bool directed : {false, true}) {
      INFO(name << (directed ? ", directed" : ", undirected"));
      const Graph graph = chorded_ring(directed);
      auto sampler = make_walk_sampler(name);
      const WalkOptions options = node2vec_options();
      const Walks stored = generate_walks(*sampler, graph, options, {});
      const Walks regenerated =
          generate_walks(*sampler, graph, options, regenerate_plan(options, graph.num_nodes()), {});
      REQUIRE(regenerated.regenerated());
      REQUIRE(regenerated.nodes.empty());
      REQUIRE(regenerated.num_walks == stored.num_walks);
      REQUIRE(regenerated.walk_length == stored.walk_length);
      REQUIRE(regenerated.tokens() == stored.tokens());
      REQUIRE(regenerated.steps() == stored.steps());
      REQUIRE(regenerated.node_counts(graph.num_nodes()) == stored.node_counts(graph.num_nodes()));
      if (directed) REQUIRE(stored.tokens() < stored.num_walks * stored.walk_length);

      // Read in a scrambled order, in batches of every size, twice over:
      // each walk is the stored one.
      WalkReader from_stored(stored), from_regenerated(regenerated);
      int64_t ids[kWalkBatch];
      for (int pass = 0; pass < 2; ++pass) {
        int64_t next = 0, batch = 1;
        while (next < stored.num_walks) {
          const int64_t count = std::min(batch, stored.num_walks - next);
          for (int64_t i = 0; i < count; ++i) ids[i] = ((next + i) * 37 + pass) % stored.num_walks;
          from_stored.load(ids, count);
          from_regenerated.load(ids, count);
          for (int64_t i = 0; i < count; ++i) {
            int64_t stored_length = 0, regenerated_length = 0;
            const NodeId* expected = from_stored.walk(i, stored_length);
            const NodeId* walk = from_regenerated.walk(i, regenerated_length);
            REQUIRE(regenerated_length == stored_length);
            REQUIRE(std::memcmp(walk, expected, sizeof(NodeId) * stored.walk_length) == 0);
          }
          next += count;
          batch = batch % kWalkBatch + 1;
        }
      }

      // What the trainers derive from the counts is the same too.
      auto unigram = make_negative_sampler("unigram");
      unigram->prepare(stored, graph.num_nodes(), 0.75);
      auto unigram_regenerated = make_negative_sampler("unigram");
      unigram_regenerated->prepare(regenerated, graph.num_nodes(), 0.75);
      REQUIRE(unigram_regenerated->probabilities() == unigram->probabilities());
      const NodeSubsampler kept(stored, graph.num_nodes(), 1e-2);
      const NodeSubsampler kept_regenerated(regenerated, graph.num_nodes(), 1e-2);
      REQUIRE(kept.enabled());
      REQUIRE(kept_regenerated.expected_kept_fraction() == kept.expected_kept_fraction());
    }
  }
}

TEST_CASE("the fused CPU trainer learns the same tables from a regenerated corpus",
          "[train][walk]") {
  const Graph graph = chorded_ring(false);
  auto sampler = make_walk_sampler("node2vec");
  const WalkOptions options = node2vec_options();
  const Walks stored = generate_walks(*sampler, graph, options, {});
  const Walks regenerated =
      generate_walks(*sampler, graph, options, regenerate_plan(options, graph.num_nodes()), {});

  for (const double subsample : {0.0, 1e-2}) {
    INFO("subsample " << subsample);
    TrainOptions train;
    train.settings.trainer = "fused";
    train.settings.dimension = 16;
    train.settings.window = 3;
    train.settings.epochs = 2;
    train.settings.subsample = subsample;
    train.settings.deterministic = true;  // one thread: bit for bit
    auto trainer = make_trainer("fused");
    REQUIRE(trainer->reads_regenerated_walks(train));
    test::MemoryRecorder stored_recorder, regenerated_recorder;
    TrainSummary stored_summary, regenerated_summary;
    const Matrix from_stored =
        trainer->train(stored, graph.num_nodes(), train, stored_recorder, {}, stored_summary);
    const Matrix from_regenerated = trainer->train(regenerated, graph.num_nodes(), train,
                                                   regenerated_recorder, {}, regenerated_summary);
    REQUIRE(regenerated_summary.pairs == stored_summary.pairs);
    REQUIRE(regenerated_summary.final_loss == stored_summary.final_loss);
    REQUIRE(from_regenerated.values == from_stored.values);
  }

  // The torch and CUDA trainers need the corpus stored, and say so.
  TrainOptions torch;
  auto reference = make_trainer("torch");
  REQUIRE_FALSE(reference->reads_regenerated_walks(torch));
  torch.device = "cuda";
  REQUIRE_FALSE(make_trainer("fused")->reads_regenerated_walks(torch));
  torch.device = "cpu";
  test::MemoryRecorder recorder;
  TrainSummary summary;
  REQUIRE_THROWS_WITH(
      reference->train(regenerated, graph.num_nodes(), torch, recorder, {}, summary),
      Contains("walk.storage") && Contains("torch trainer"));
}

TEST_CASE("a run over its walk memory limit regenerates its walks and scores as in memory",
          "[pipeline][walk]") {
  const std::string text = R"(
[experiment]
device = "cpu"
threads = 2
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 300
items = 80
categories = 4
[walk]
walks_per_node = 4
walk_length = 10
[train]
trainer = "fused"
dimension = 16
deterministic = true
[eval]
operators = ["hadamard"]
heuristics = []
)";
  auto run = [&](const std::vector<std::string>& settings) {
    RunContext context;
    context.threads = 2;
    test::MemoryRecorder recorder;
    std::vector<std::string> lines;
    PipelineHooks hooks;
    hooks.log = [&](const std::string& line) { lines.push_back(line); };
    run_pipeline(parse_experiment_config(text, "walks.toml", settings), context, recorder, hooks);
    std::string log;
    for (const auto& line : lines) log += line + "\n";
    return std::make_pair(recorder.scores, log);
  };
  const auto [memory, memory_log] = run({});
  REQUIRE(memory.at("walk/corpus_regenerated") == 0);
  // Over the limit, "auto" regenerates rather than writing a file: no disk.
  const auto [over, over_log] =
      run({"walk.max_memory_gb=1e-9", "walk.spill_directory=\"/nonexistent/folder\""});
  REQUIRE(over.at("walk/corpus_regenerated") == 1);
  REQUIRE(over.at("walk/corpus_in_file") == 0);
  CHECK_THAT(over_log, Contains("drawn again as the trainer reads them"));
  REQUIRE(over.at("train/final_loss") == memory.at("train/final_loss"));
  REQUIRE(over.at("link/hadamard/roc_auc") == memory.at("link/hadamard/roc_auc"));
  REQUIRE(over.at("link/hadamard/roc_auc") > 0.65);

  // Asked for where it cannot work, the experiment is refused before it runs.
  REQUIRE_THROWS_WITH(
      parse_experiment_config(text, "walks.toml",
                              {"walk.storage=\"regenerate\"", "train.trainer=\"torch\""}),
      Contains("walk.storage") && Contains("fused"));
  REQUIRE_THROWS_WITH(parse_experiment_config(
                          text, "walks.toml",
                          {"walk.storage=\"regenerate\"", "export.formats=[\"npy\", \"walks\"]"}),
                      Contains("walk.storage") && Contains("walks"));
}
