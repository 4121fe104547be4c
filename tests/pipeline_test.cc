#include "run/pipeline.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "config/experiment_config.h"
#include "io/file_digest.h"
#include "memory_recorder.h"
#include "test_support.h"

using namespace wb;
using wb::test::MemoryRecorder;

TEST_CASE("a small e-commerce experiment runs end to end", "[pipeline]") {
  test::TempDir dir;
  const auto config = parse_experiment_config(R"(
[experiment]
device = "cpu"
threads = 2
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 600
items = 150
categories = 6
[walk]
sampler = "node2vec-rejection"
walks_per_node = 5
walk_length = 20
[train]
dimension = 32
window = 5
log_every = 10
)",
                                              "small.toml");
  RunContext context;
  context.threads = 2;
  context.artifact_directory = dir.file("artifacts");
  MemoryRecorder recorder;
  const RunOutcome outcome = run_pipeline(config, context, recorder, {});
  REQUIRE(outcome.num_nodes == 750);
  for (const auto& phase : pipeline_phases()) {
    INFO(phase);
    REQUIRE(recorder.timings.count(phase) == 1);
  }
  REQUIRE(recorder.metrics["train/loss"].size() >= 3);
  // Users buy within their categories, so held-out purchases are predictable.
  // Over 8 seeds this config gives a Hadamard AUC of 0.698-0.760 (mean 0.729,
  // std about 0.02; chance is 0.5): 0.65 fails a broken pipeline, not an
  // unlucky draw of the random streams.
  REQUIRE(recorder.scores.at("link/hadamard/roc_auc") > 0.65);
  REQUIRE(recorder.scores.at("link/dot/roc_auc") > 0.65);
  for (const char* kind :
       {"embeddings_npy", "embeddings_pt", "embeddings_word2vec", "node_ids", "config", "split"}) {
    INFO(kind);
    REQUIRE(recorder.artifacts.count(kind) == 1);
    REQUIRE(recorder.artifacts[kind] > 0);
  }
  REQUIRE(recorder.artifacts["embeddings_npy"] == 128 + 750 * 32 * 4);
  REQUIRE(recorder.inputs.empty());  // a generated graph: its params say what it was
}

TEST_CASE("eval.heuristics picks the graph heuristics a run scores", "[pipeline]") {
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
walks_per_node = 2
walk_length = 10
[train]
trainer = "fused"
dimension = 16
[eval]
operators = ["hadamard"]
[export]
formats = []
)";
  auto method_count = [](const MemoryRecorder& recorder, const std::string& method) {
    return recorder.scores.count("link/" + method + "/roc_auc");
  };
  RunContext context;
  context.threads = 2;
  {
    MemoryRecorder recorder;  // the default: all four
    run_pipeline(parse_experiment_config(text, "h.toml"), context, recorder, {});
    for (const char* method :
         {"common_neighbors", "jaccard", "adamic_adar", "preferential_attachment"}) {
      INFO(method);
      REQUIRE(method_count(recorder, method) == 1);
    }
  }
  {
    MemoryRecorder recorder;
    run_pipeline(parse_experiment_config(text, "h.toml", {"eval.heuristics=[\"adamic_adar\"]"}),
                 context, recorder, {});
    REQUIRE(method_count(recorder, "adamic_adar") == 1);
    REQUIRE(method_count(recorder, "jaccard") == 0);
    REQUIRE(method_count(recorder, "hadamard") == 1);
  }
  {
    MemoryRecorder recorder;  // none: on graphs whose hubs make them costly
    run_pipeline(parse_experiment_config(text, "h.toml", {"eval.heuristics=[]"}), context, recorder,
                 {});
    for (const auto& [key, value] : recorder.scores) {
      INFO(key);
      REQUIRE(key.find("common_neighbors") == std::string::npos);
      REQUIRE(key.find("preferential_attachment") == std::string::npos);
    }
    REQUIRE(method_count(recorder, "hadamard") == 1);
  }
  REQUIRE_THROWS_WITH(
      parse_experiment_config(text, "h.toml", {"eval.heuristics=[\"katz\"]"}),
      Catch::Contains("eval.heuristics") && Catch::Contains("unknown value \"katz\""));
}

TEST_CASE("eval.max_test_edges scores a sample of the held-out edges", "[pipeline]") {
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
walks_per_node = 2
walk_length = 10
[train]
trainer = "fused"
dimension = 16
[eval]
operators = ["hadamard"]
heuristics = []
[export]
formats = []
)";
  RunContext context;
  context.threads = 2;
  std::vector<std::string> log;
  PipelineHooks hooks;
  hooks.log = [&](const std::string& line) { log.push_back(line); };
  MemoryRecorder all, capped;
  run_pipeline(parse_experiment_config(text, "c.toml"), context, all, {});
  run_pipeline(parse_experiment_config(text, "c.toml", {"eval.max_test_edges=100"}), context,
               capped, hooks);
  REQUIRE(all.scores.at("split/test_edges") > 500);
  REQUIRE(capped.scores.at("split/test_edges") == 100);
  REQUIRE(capped.scores.count("link/hadamard/roc_auc") == 1);
  bool logged = false;
  for (const auto& line : log) {
    logged |= line.find("split: ") == 0 && line.find("(100 of them scored)") != std::string::npos;
  }
  REQUIRE(logged);
  REQUIRE_THROWS_WITH(parse_experiment_config(text, "c.toml", {"eval.max_test_edges=-1"}),
                      Catch::Contains("eval.max_test_edges"));
}

TEST_CASE("vectors trained elsewhere are scored on the same split as the run's own",
          "[pipeline][embeddings]") {
  test::TempDir dir;
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
walks_per_node = 2
walk_length = 10
[train]
trainer = "fused"
dimension = 16
[eval]
operators = ["hadamard", "average"]
heuristics = ["adamic_adar"]
[export]
formats = ["npy", "word2vec"]
)";
  RunContext context;
  context.threads = 2;
  context.artifact_directory = dir.file("trained");
  MemoryRecorder trained;
  run_pipeline(parse_experiment_config(text, "e.toml"), context, trained, {});

  // Its exported vectors, read back as another tool's output, score exactly
  // as the run scored them: the same split, classifier and metrics.
  const std::string word2vec = "train.embeddings=\"" + dir.file("trained/embeddings.emb") + "\"";
  const std::string npy = "train.embeddings=\"" + dir.file("trained/embeddings.npy") + "\"";
  const std::string ids = "train.embeddings_ids=\"" + dir.file("trained/node_ids.txt") + "\"";
  for (const auto& overrides : {std::vector<std::string>{"train.trainer=\"external\"", word2vec},
                                std::vector<std::string>{"train.trainer=\"external\"", npy, ids}}) {
    INFO(overrides[1]);
    context.artifact_directory = dir.file("external");
    MemoryRecorder external;
    run_pipeline(parse_experiment_config(text, "e.toml", overrides), context, external, {});
    for (const char* key : {"link/hadamard/roc_auc", "link/average/roc_auc", "link/hadamard/ap",
                            "link/adamic_adar/roc_auc"}) {
      INFO(key);
      REQUIRE(external.scores.at(key) == trained.scores.at(key));
    }
    REQUIRE(external.scores.at("train/external_vectors") == trained.scores.at("graph/nodes"));
    REQUIRE(external.scores.at("train/external_missing_nodes") == 0);
    REQUIRE(external.timings.count("walk") == 0);  // no walk is drawn
    REQUIRE(external.timings.count("train") == 1);
    REQUIRE(external.scores.count("train/pairs_per_second") == 0);
  }

  // Vectors of another graph are refused before anything is scored.
  std::string zeros;
  for (int j = 0; j < 16; ++j) zeros += " 0";
  const std::string stranger = dir.write("stranger.txt", "1 16\nnot-a-node" + zeros + "\n");
  MemoryRecorder refused;
  REQUIRE_THROWS_WITH(
      run_pipeline(parse_experiment_config(
                       text, "e.toml",
                       {"train.trainer=\"external\"", "train.embeddings=\"" + stranger + "\""}),
                   context, refused, {}),
      Catch::Contains("stranger.txt:2") && Catch::Contains("\"not-a-node\" is not in the graph"));
  REQUIRE(refused.scores.count("link/hadamard/roc_auc") == 0);
}

TEST_CASE("vectors trained elsewhere are scored for node classification as the run's own",
          "[pipeline][embeddings]") {
  // Two communities of 20 nodes (ring plus chords inside, a few bridges),
  // labelled by community, with ids that are not row numbers.
  test::TempDir dir;
  std::string edges;
  std::string labels;
  for (int community = 0; community < 2; ++community) {
    for (int i = 0; i < 20; ++i) {
      const std::string node = "c" + std::to_string(community) + "-n" + std::to_string(i);
      for (int step : {1, 3, 7}) {
        edges +=
            node + " c" + std::to_string(community) + "-n" + std::to_string((i + step) % 20) + "\n";
      }
      labels += node + " group" + std::to_string(community) + "\n";
    }
  }
  edges += "c0-n0 c1-n0\nc0-n5 c1-n9\n";
  const std::string text = "[experiment]\ndevice = \"cpu\"\nthreads = 2\n[graph]\npath = \"" +
                           dir.write("edges.txt", edges) +
                           "\"\n[walk]\nwalks_per_node = 10\nwalk_length = 20\n"
                           "[train]\ntrainer = \"fused\"\ndimension = 16\nepochs = 10\n"
                           "[eval]\ntask = \"node_classification\"\nlabels = \"" +
                           dir.write("labels.txt", labels) +
                           "\"\nrepeats = 3\n[export]\nformats = [\"npy\", \"pt\"]\n";
  RunContext context;
  context.threads = 2;
  context.artifact_directory = dir.file("trained");
  MemoryRecorder trained;
  run_pipeline(parse_experiment_config(text, "n.toml"), context, trained, {});
  REQUIRE(trained.scores.at("node/micro_f1") > 0.8);  // the communities are easy to tell apart

  context.artifact_directory = dir.file("external");
  // The run's exports read back as vectors trained elsewhere, with its node ids.
  const auto score_external = [&](const std::string& export_file, MemoryRecorder& recorder) {
    run_pipeline(parse_experiment_config(
                     text, "n.toml",
                     {"train.trainer=\"external\"",
                      "train.embeddings=\"" + dir.file("trained/" + export_file) + "\"",
                      "train.embeddings_ids=\"" + dir.file("trained/node_ids.txt") + "\""}),
                 context, recorder, {});
  };
  MemoryRecorder external;
  score_external("embeddings.npy", external);
  MemoryRecorder from_torch;  // the same vectors as torch.save writes them
  score_external("embeddings.pt", from_torch);
  for (const char* key : {"node/macro_f1", "node/micro_f1", "node/macro_f1_std"}) {
    INFO(key);
    REQUIRE(external.scores.at(key) == trained.scores.at(key));
    REQUIRE(from_torch.scores.at(key) == trained.scores.at(key));
  }
  // Each run names the files it read by content, as `sha256sum` would.
  REQUIRE(trained.inputs.size() == 2);
  REQUIRE(trained.inputs.at("graph").sha256 == digest_file(dir.file("edges.txt")).sha256);
  REQUIRE(trained.inputs.at("graph").bytes == static_cast<int64_t>(edges.size()));
  REQUIRE(trained.inputs.at("labels").sha256 == digest_file(dir.file("labels.txt")).sha256);
  REQUIRE(external.inputs.size() == 4);
  REQUIRE(external.inputs.at("graph").sha256 == trained.inputs.at("graph").sha256);
  REQUIRE(external.inputs.at("embeddings").path == dir.file("trained/embeddings.npy"));
  REQUIRE(external.inputs.at("embeddings").sha256 ==
          digest_file(dir.file("trained/embeddings.npy")).sha256);
  REQUIRE(external.inputs.at("embeddings_ids").sha256 ==
          digest_file(dir.file("trained/node_ids.txt")).sha256);

  // Resumed against a graph file that changed, the run stops once it has read it.
  context.resumed_inputs = {{"graph", std::string(64, '0')}};
  MemoryRecorder resumed;
  REQUIRE_THROWS_WITH(
      run_pipeline(parse_experiment_config(text, "n.toml"), context, resumed, {}),
      Catch::Contains("edges.txt") &&
          Catch::Contains("the graph file changed since this run started (sha256 000000000000"));
  REQUIRE(resumed.scores.empty());
  REQUIRE(resumed.inputs.empty());
  context.resumed_inputs = {{"graph", trained.inputs.at("graph").sha256},
                            {"labels", trained.inputs.at("labels").sha256}};
  MemoryRecorder unchanged;
  run_pipeline(parse_experiment_config(text, "n.toml"), context, unchanged, {});
  REQUIRE(unchanged.scores.count("node/micro_f1") == 1);
}

TEST_CASE("node2vec on SNAP Facebook reaches the paper's link-prediction AUC",
          "[pipeline][dataset]") {
  const std::string path = test::datasets_dir() + "/facebook/facebook_combined.txt";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is not there");
    return;
  }
  // The paper's settings: d = 128, r = 10, l = 80, k = 10, one epoch; the
  // reference trainer, then the fused one on the same walks and split.
  auto config = parse_experiment_config(
      "[experiment]\ndevice = \"cpu\"\n[graph]\npath = \"" + path + "\"\n", "facebook.toml");
  RunContext context;
  context.threads = 2;
  MemoryRecorder reference;
  const RunOutcome outcome = run_pipeline(config, context, reference, {});
  REQUIRE(outcome.num_nodes == 4039);
  REQUIRE(outcome.num_edges == 88234);
  const double auc = reference.scores.at("link/hadamard/roc_auc");
  WARN("Facebook Hadamard ROC-AUC, LibTorch trainer: " << auc << " (paper: 0.968)");
  REQUIRE(auc >= 0.93);

  config.train.trainer = "fused";
  MemoryRecorder fused;
  run_pipeline(config, context, fused, {});
  const double fused_auc = fused.scores.at("link/hadamard/roc_auc");
  WARN("Facebook Hadamard ROC-AUC, fused CPU trainer: " << fused_auc);
  REQUIRE(fused_auc == Approx(auc).margin(0.01));

  config.train.negative_sharing = "window";
  MemoryRecorder window;
  run_pipeline(config, context, window, {});
  const double window_auc = window.scores.at("link/hadamard/roc_auc");
  WARN("Facebook Hadamard ROC-AUC, fused CPU trainer, negatives shared per window: " << window_auc);
  REQUIRE(window_auc == Approx(auc).margin(0.01));
}

TEST_CASE("node2vec on PPI reaches the paper's node-classification Macro-F1",
          "[pipeline][dataset]") {
  const std::string dir = test::datasets_dir() + "/ppi/";
  if (!std::filesystem::exists(dir + "ppi_labels.txt")) {
    WARN("skipped: " << dir << " is not there");
    return;
  }
  // The paper's protocol: d = 128, r = 10, l = 80, k = 10, one epoch; half of
  // the labelled nodes train a one-vs-rest logistic regression, 10 splits.
  const auto config = parse_experiment_config(
      "[graph]\npath = \"" + dir + "ppi.edgelist\"\nweighted = true\nduplicates = \"max\"\n" +
          "[train]\ntrainer = \"fused\"\n[eval]\ntask = \"node_classification\"\nlabels = \"" +
          dir + "ppi_labels.txt\"\n",
      "ppi.toml");
  RunContext context;
  context.threads = 2;
  MemoryRecorder recorder;
  run_pipeline(config, context, recorder, {});
  const double macro = recorder.scores.at("node/macro_f1");
  WARN("PPI Macro-F1 " << macro << " (paper: 0.1791), Micro-F1 "
                       << recorder.scores.at("node/micro_f1"));
  REQUIRE(recorder.scores.at("node/labelled_nodes") == 3890);
  REQUIRE(macro >= 0.17);
  REQUIRE(recorder.scores.at("node/macro_f1_std") < 0.02);
}
