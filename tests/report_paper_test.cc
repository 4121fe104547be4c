// The paper report: the paper's numbers read from its CSV tables, ours from
// the store, one setting per device chosen by validation score, never test.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/errors.h"
#include "report/paper_parity.h"
#include "report/paper_report.h"
#include "store/run_store.h"
#include "test_support.h"

using namespace wb;

namespace {

int64_t add_run(RunStore& store, const std::string& p, double test, double validation,
                const std::string& device = "cpu", int64_t seed = 1,
                const std::string& graph_sha256 = "", const std::string& learning_rate = "0.025") {
  RunStart start;
  start.experiment = "paper-ppi";
  start.device = device;
  start.seed = seed;
  start.params = {{"experiment.seed", std::to_string(seed)},
                  {"walk.p", p},
                  {"walk.q", "1"},
                  {"walk.walks_per_node", "10"},
                  {"train.trainer", "fused"},
                  {"train.negatives", "5"},
                  {"train.learning_rate", learning_rate}};
  const int64_t id = store.begin_run(start);
  auto recorder = store.recorder(id);
  recorder->score("node/macro_f1", test);
  recorder->score("node/val_macro_f1", validation);
  if (!graph_sha256.empty()) {
    recorder->input("graph", "/data/datasets/ppi/edges.csv", 1000, graph_sha256);
  }
  if (p == "0.5") {  // these runs chose their classifier on validation nodes
    recorder->score("node/classifier_l2", seed == 1 ? 0.01 : 0.1);
    recorder->score("node/normalized", 1);
  }
  recorder->flush();
  store.finish_run(id, RunStatus::kFinished);
  return id;
}

// A Facebook run trained as `variant` says (trainer, amp, ...), window 10
// unless it says otherwise.
void add_link_run(RunStore& store, std::map<std::string, std::string> variant,
                  const std::string& device, double auc,
                  const std::map<std::string, double>& more_scores = {}) {
  std::map<std::string, std::string> params = {
      {"experiment.seed", "42"},
      {"walk.p", "1"},
      {"walk.q", "1"},
      {"walk.walks_per_node", "10"},
      {"train.window", "10"},
      {"train.learning_rate", "0.025"},
      {"train.trainer", "fused"},
      {"train.amp", "off"},
      {"train.storage", "fp32"},
      {"train.negative_sharing", "none"},
      {"experiment.threads", device == "cpu" ? "2" : "16"}};
  for (const auto& [name, value] : variant) params[name] = value;
  RunStart start;
  start.experiment = "paper-facebook";
  start.device = device;
  start.seed = std::stoll(params["experiment.seed"]);
  start.params.assign(params.begin(), params.end());
  const int64_t id = store.begin_run(start);
  auto recorder = store.recorder(id);
  recorder->score("link/hadamard/roc_auc", auc);
  for (const auto& [key, value] : more_scores) recorder->score(key, value);
  recorder->flush();
  store.finish_run(id, RunStatus::kFinished);
}

}  // namespace

TEST_CASE("the paper report shows the setting with the best validation score", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  // p = 4 has the best test score but the worse validation score: not shown.
  add_run(store, "0.5", 0.20, 0.30, "cpu", 1);
  add_run(store, "0.5", 0.22, 0.32, "cpu", 2);
  add_run(store, "4", 0.25, 0.10);
  add_run(store, "1", 0.18, 0.2, "cuda:0");
  const std::vector<PaperScore> paper = {{"ppi", "node/macro_f1", 0.1791},
                                         {"wikipedia", "node/macro_f1", 0.1552}};
  const ReportTable table = paper_results_table(store, paper);
  REQUIRE(table.rows.size() == 2);
  REQUIRE(table.rows[0][2] == "0.1791");
  REQUIRE(table.rows[0][3] == "0.2100 ± 0.0141 (n=2)");
  REQUIRE(table.rows[0][4] == "0.1800 (n=1)");
  REQUIRE_THAT(table.rows[0][6], Catch::Contains("CPU: p=0.5") && Catch::Contains("GPU: p=1") &&
                                     Catch::Contains("10 walks/node"));
  REQUIRE_THAT(table.rows[0][6],
               Catch::Contains("classifier l2=0.01 unit rows or l2=0.1 unit rows; GPU"));
  REQUIRE(table.rows[1][3] == "not run");
  REQUIRE(table.rows[0][5].empty());  // heuristics are for link prediction
}

TEST_CASE("the paper report keeps learning rates apart and shows the chosen one", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  // The same p, q at two learning rates: never averaged, chosen on validation
  // even though the other rate tests higher.
  add_run(store, "4", 0.150, 0.140, "cpu", 1, "", "0.025");
  add_run(store, "4", 0.160, 0.141, "cpu", 2, "", "0.025");
  add_run(store, "4", 0.180, 0.160, "cpu", 1, "", "0.012500000000000001");  // as the store keeps it
  add_run(store, "4", 0.170, 0.150, "cpu", 2, "", "0.012500000000000001");
  const std::vector<PaperScore> paper = {{"ppi", "node/macro_f1", 0.1791}};
  ReportTable table = paper_results_table(store, paper);
  REQUIRE(table.rows.at(0)[3] == "0.1750 ± 0.0071 (n=2)");
  REQUIRE_THAT(table.rows[0][6], Catch::EndsWith("epoch(s), lr 0.0125"));
  add_run(store, "4", 0.100, 0.300, "cpu", 3, "", "0.05");
  table = paper_results_table(store, paper);
  REQUIRE(table.rows.at(0)[3] == "0.1000 (n=1)");
  REQUIRE_THAT(table.rows[0][6], Catch::Contains("lr 0.05"));
}

TEST_CASE("the paper report lists every version of the files its shown runs read", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  add_run(store, "0.5", 0.20, 0.30, "cpu", 1, "aaaa");
  add_run(store, "0.5", 0.22, 0.32, "cpu", 2, "bbbb");  // the same file, changed since
  add_run(store, "4", 0.25, 0.10, "cpu", 1, "cccc");    // a setting not shown
  const ReportTable table = paper_data_table(store, {{"ppi", "node/macro_f1", 0.1791}});
  REQUIRE(table.rows.size() == 2);
  REQUIRE(table.rows[0] ==
          std::vector<std::string>{"ppi", "ppi/edges.csv", "graph", "1000", "aaaa"});
  REQUIRE(table.rows[1][4] == "bbbb");
}

TEST_CASE("a setting added later, at its default, groups new runs with earlier ones", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  const std::vector<PaperScore> paper = {{"facebook", "link/hadamard/roc_auc", 0.968}};
  add_link_run(store, {}, "cpu", 0.9910);  // recorded before train.subsample existed
  add_link_run(store, {{"experiment.seed", "7"}, {"train.subsample", "0"}}, "cpu", 0.9900);
  REQUIRE(paper_results_table(store, paper).rows[0][3] == "0.9905 ± 0.0007 (n=2)");
  add_link_run(store, {{"experiment.seed", "8"}, {"train.subsample", "0.001"}}, "cpu", 0.9800);
  REQUIRE(paper_results_table(store, paper).rows[0][3] == "0.9905 ± 0.0007 (n=2)");
}

TEST_CASE("validation on held-out edges outranks validation on seen ones", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  const std::vector<PaperScore> paper = {{"facebook", "link/hadamard/roc_auc", 0.968}};
  const auto validated = [&](const std::string& p, const std::string& edges, double validation,
                             double test) {
    std::map<std::string, std::string> variant = {{"walk.p", p}};
    if (!edges.empty()) variant["eval.validation_edges"] = edges;
    add_link_run(store, variant, "cpu", test, {{"link/hadamard/val_roc_auc", validation}});
  };
  validated("1", "", 0.99, 0.97);  // seen edges: scores high whatever it learnt
  REQUIRE_THAT(paper_results_table(store, paper).rows[0][6], Catch::Contains("p=1 "));
  validated("0.5", "held_out", 0.80, 0.975);
  validated("4", "held_out", 0.75, 0.98);
  const ReportTable table = paper_results_table(store, paper);
  REQUIRE(table.rows[0][3] == "0.9750 (n=1)");
  REQUIRE_THAT(table.rows[0][6],
               Catch::Contains("p=0.5 ") && Catch::Contains("validated on held-out edges"));
}

TEST_CASE("link rows show the best graph heuristic of the shown runs' split", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  const std::vector<PaperScore> paper = {{"facebook", "link/hadamard/roc_auc", 0.968}};
  REQUIRE(paper_results_table(store, paper).rows[0][5] == "not scored");
  // Runs from before the heuristics were scored, and one with them.
  add_link_run(store, {}, "cpu", 0.9910);
  add_link_run(store, {{"experiment.seed", "7"}}, "cpu", 0.9900,
               {{"link/common_neighbors/roc_auc", 0.9794},
                {"link/preferential_attachment/roc_auc", 0.837},
                {"link/common_neighbors/ap", 0.99},
                {"link/dot/roc_auc", 0.995}});
  const ReportTable table = paper_results_table(store, paper);
  REQUIRE(table.rows[0][3] == "0.9905 ± 0.0007 (n=2)");
  REQUIRE(table.rows[0][5] == "0.9794 (common_neighbors)");
}

TEST_CASE("the paper's tables are read from their CSV files", "[report]") {
  test::TempDir dir;
  const std::string tables = dir.file("tables");
  std::filesystem::create_directories(tables);
  std::ofstream(tables + "/node2vec_table2_macro_f1.csv")
      << "# comment\nmethod,blogcatalog,ppi,wikipedia\ndeepwalk,0.2,0.1,0.1\n"
         "node2vec,0.2581,0.1791,0.1552\n";
  std::ofstream(tables + "/node2vec_table4_link_prediction_auc.csv")
      << "operator,method,facebook,ppi,arxiv\nhadamard,deepwalk,0.9,0.7,0.9\n"
         "hadamard,node2vec,0.9680,0.7719,0.9366\naverage,node2vec,0.7,0.7,0.7\n";
  const auto scores = read_paper_scores(tables);
  REQUIRE(scores.size() == 6);
  REQUIRE(scores[0].dataset == "facebook");
  REQUIRE(scores[0].value == Approx(0.968));
  REQUIRE_FALSE(scores[0].other_graph);
  // The paper's link-prediction PPI is a larger graph: kept apart from node
  // classification's PPI and marked, never a target.
  REQUIRE(scores[1].dataset == "ppi-link");
  REQUIRE(scores[1].other_graph);
  REQUIRE(scores[2].dataset == "astroph");
  REQUIRE(scores[3].metric == "node/macro_f1");
  REQUIRE(scores[4].dataset == "ppi");
  REQUIRE_FALSE(scores[4].other_graph);

  test::TempDir store_dir;
  RunStore store(store_dir.file("paper.db"));
  const ReportTable table = paper_results_table(store, {scores[1]});
  REQUIRE(table.rows.at(0)[2] == "(0.7719, other graph)");
  REQUIRE_THROWS_AS(read_paper_scores("no-such-tables"), DataError);
}

TEST_CASE("fast trainers are set beside the torch FP32 runs of the same setting", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  const std::vector<PaperScore> paper = {{"facebook", "link/hadamard/roc_auc", 0.968}};
  add_link_run(store, {}, "cpu", 0.9914);
  REQUIRE(trainer_parity_table(store, paper).rows.empty());  // no reference yet

  add_link_run(store, {{"train.trainer", "torch"}}, "cpu", 0.9913);
  add_link_run(store, {{"train.trainer", "torch"}, {"experiment.seed", "7"}}, "cpu", 0.9903);
  add_link_run(store, {{"experiment.seed", "7"}}, "cpu", 0.9904);
  add_link_run(store, {{"train.trainer", "torch"}, {"train.amp", "bf16"}}, "cpu", 0.9908);
  add_link_run(store, {{"train.trainer", "torch"}}, "cuda:0", 0.9909);
  add_link_run(store, {{"train.storage", "bf16"}, {"train.negative_sharing", "window"}}, "cuda:0",
               0.9850);
  // Another window is another setting, and seed 3 has no reference run: never compared.
  add_link_run(store, {{"train.trainer", "torch"}, {"train.window", "5"}}, "cpu", 0.9500);
  add_link_run(store, {{"train.amp", "bf16"}, {"experiment.seed", "3"}, {"train.trainer", "torch"}},
               "cuda:0", 0.9000);

  const ReportTable table = trainer_parity_table(store, paper);
  REQUIRE(table.rows.size() == 4);
  std::map<std::string, std::vector<std::string>> by_variant;
  for (const auto& row : table.rows) {
    REQUIRE(row[0] == "facebook");
    REQUIRE(row[2] == "p=1 q=1, 10 walks/node, lr 0.025");
    by_variant[row[4]] = row;
  }
  // Both seeds on both sides; the CPU reference, not the GPU one.
  const auto& fused = by_variant.at("CPU fused");
  REQUIRE(fused[3] == "0.9908 ± 0.0007 (seeds 7, 42), CPU torch");
  REQUIRE(fused[5] == "0.9909 ± 0.0007 (seeds 7, 42)");
  REQUIRE(fused[6] == "+0.0001");
  REQUIRE(fused[7] == "yes");
  // Seed 42 only: against the reference's seed-42 run alone.
  const auto& bf16 = by_variant.at("CPU torch bf16");
  REQUIRE(bf16[3] == "0.9913 (seed 42), CPU torch");
  REQUIRE(bf16[5] == "0.9908 (seed 42)");
  REQUIRE(bf16[6] == "-0.0005");
  REQUIRE(by_variant.at("GPU torch")[6] == "-0.0004");
  const auto& window = by_variant.at("GPU fused (bf16 tables, window-shared negatives)");
  REQUIRE(window[6] == "-0.0063");
  REQUIRE(window[7] == "no");
  REQUIRE(parity_tolerance("node/macro_f1") == 0.01);
}

TEST_CASE("vectors trained elsewhere are compared with the reference, never shown as ours",
          "[report][embeddings]") {
  test::TempDir dir;
  RunStore store(dir.file("paper.db"));
  const std::vector<PaperScore> paper = {{"facebook", "link/hadamard/roc_auc", 0.968}};
  add_link_run(store, {{"train.trainer", "torch"}}, "cpu", 0.9913);
  // gensim's vectors: the best score in the store, with the best validation.
  add_link_run(store,
               {{"train.trainer", "external"}, {"train.embeddings", "/work/vectors/gensim.emb"}},
               "cpu", 0.9950, {{"link/hadamard/val_roc_auc", 0.999}});

  const ReportTable results = paper_results_table(store, paper);
  REQUIRE(results.rows.size() == 1);
  REQUIRE(results.rows[0][3] == "0.9913 (n=1)");
  REQUIRE_THAT(results.rows[0][6], Catch::Contains("torch") && !Catch::Contains("external"));

  const ReportTable parity = trainer_parity_table(store, paper);
  REQUIRE(parity.rows.size() == 1);
  REQUIRE(parity.rows[0][4] == "CPU external (gensim.emb)");
  REQUIRE(parity.rows[0][6] == "+0.0037");
}
