// The run store's filters (sweep, tag, where conditions), tags and deletes.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/errors.h"
#include "store/run_condition.h"
#include "store/run_store.h"
#include "store/sqlite_handle.h"
#include "test_support.h"

using Catch::Matchers::Contains;

namespace {

int64_t count_rows(const std::string& db_path, const std::string& sql) {
  wb::Database db(db_path);
  wb::Statement query(db, sql.c_str());
  REQUIRE(query.step());
  return query.column_int64(0);
}

// A finished run with these params and one score.
int64_t add_run(wb::RunStore& store, const std::string& experiment,
                std::vector<std::pair<std::string, std::string>> params, double auc,
                int64_t sweep_id = 0, const std::string& trial_key = "") {
  wb::RunStart start;
  start.experiment = experiment;
  start.params = std::move(params);
  start.environment = {{"torch_version", "2.11.0"}};
  start.device = "cpu";
  start.sweep_id = sweep_id;
  start.trial_key = trial_key;
  const int64_t id = store.begin_run(start);
  auto recorder = store.recorder(id);
  recorder->score("link/dot/roc_auc", auc);
  recorder->metric("train/loss", 0, 1.0);
  recorder->timing("train", 2.5);
  recorder->artifact("embeddings", "/tmp/x.npy", 10);
  recorder->flush();
  store.finish_run(id, wb::RunStatus::kFinished);
  return id;
}

std::vector<int64_t> ids_of(const std::vector<wb::RunSummary>& runs) {
  std::vector<int64_t> ids;
  for (const auto& run : runs) ids.push_back(run.id);
  return ids;
}

std::vector<int64_t> where(const wb::RunStore& store, std::vector<std::string> conditions) {
  wb::RunFilter filter;
  filter.where = std::move(conditions);
  return ids_of(store.list_runs(filter));
}

}  // namespace

TEST_CASE("run conditions parse section, key, operator and value", "[store]") {
  const auto dimension = wb::parse_run_condition("params.train.dimension=128");
  CHECK(dimension.source == wb::RunCondition::Source::kParams);
  CHECK(dimension.key == "train.dimension");
  CHECK(dimension.op == wb::RunCondition::Op::kEqual);
  CHECK(dimension.value == "128");

  const auto auc = wb::parse_run_condition(" scores.link/hadamard/roc_auc >= 0.9 ");
  CHECK(auc.source == wb::RunCondition::Source::kScores);
  CHECK(auc.key == "link/hadamard/roc_auc");
  CHECK(auc.op == wb::RunCondition::Op::kGreaterEqual);
  CHECK(auc.value == "0.9");

  CHECK(wb::parse_run_condition("params.walk.sampler!='node2vec'").value == "node2vec");
  CHECK(wb::parse_run_condition("params.walk.p<1").op == wb::RunCondition::Op::kLess);
  CHECK(wb::parse_run_condition("params.walk.p>1").op == wb::RunCondition::Op::kGreater);
  CHECK(wb::parse_run_condition("params.walk.p<=1").op == wb::RunCondition::Op::kLessEqual);

  const auto graph = wb::parse_run_condition("inputs.graph = '9174a7c1'");
  CHECK(graph.source == wb::RunCondition::Source::kInputs);
  CHECK(graph.key == "graph");
  CHECK(graph.value == "9174a7c1");

  for (const char* bad : {"params.train.dimension", "metrics.train/loss<1", "params=3",
                          "params.walk.p=", "params.walk.p!3", "scores.auc>=high", "=1",
                          "inputs.graph>=9174", "inputs.graph=9174A7", "inputs.graph=graph.txt"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(wb::parse_run_condition(bad),
                      Contains("malformed condition '" + std::string(bad) + "'"));
  }
}

TEST_CASE("run conditions compare numbers as numbers and text as text", "[store]") {
  const std::map<std::string, std::string> params = {
      {"walk.p", "0.10000000000000001"}, {"train.dimension", "128"}, {"walk.sampler", "node2vec"}};
  const std::map<std::string, double> scores = {{"auc", 0.9}, {"nan", std::nan("")}};
  auto holds = [&](const std::string& text) {
    return wb::condition_holds(wb::parse_run_condition(text), params, scores);
  };
  CHECK(holds("params.walk.p=0.1"));
  CHECK(holds("params.train.dimension>64"));  // as numbers: as text "128" < "64"
  CHECK_FALSE(holds("params.train.dimension<64"));
  CHECK(holds("params.walk.sampler=node2vec"));
  CHECK(holds("params.walk.sampler>deepwalk"));
  CHECK_FALSE(holds("params.walk.q=1"));   // no such key
  CHECK_FALSE(holds("params.walk.q!=1"));  // no such key, even for !=
  CHECK(holds("scores.auc>=0.9"));
  CHECK_FALSE(holds("scores.auc>0.9"));
  CHECK_FALSE(holds("scores.nan>0"));
  CHECK_FALSE(holds("scores.nan<0"));
  CHECK(holds("scores.nan!=0"));

  const std::map<std::string, std::string> inputs = {{"graph", "9174a7c11f1b3d98"}};
  auto reads = [&](const std::string& text) {
    return wb::condition_holds(wb::parse_run_condition(text), params, scores, inputs);
  };
  CHECK(reads("inputs.graph=9174a7c11f1b"));  // a prefix, as runs compare shows it
  CHECK(reads("inputs.graph=9174a7c11f1b3d98"));
  CHECK_FALSE(reads("inputs.graph=9174a7c11f1c"));
  CHECK(reads("inputs.graph!=9174a7c11f1c"));
  CHECK_FALSE(reads("inputs.graph!=9174"));
  CHECK_FALSE(reads("inputs.labels=9174"));   // no such input
  CHECK_FALSE(reads("inputs.labels!=9174"));  // no such input, even for !=
}

TEST_CASE("list_runs filters by sweep, tag and conditions together", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t sweep = store.ensure_sweep("pq", "", "link/dot/roc_auc", "maximize");
  const int64_t plain = add_run(store, "karate", {{"walk.p", "1"}, {"train.dimension", "64"}}, 0.7);
  const int64_t low =
      add_run(store, "karate", {{"walk.p", "0.5"}, {"train.dimension", "128"}}, 0.8, sweep, "a");
  const int64_t high =
      add_run(store, "karate", {{"walk.p", "2"}, {"train.dimension", "128"}}, 0.95, sweep, "b");
  store.add_tag(plain, "baseline");
  store.add_tag(high, "baseline");
  store.add_tag(high, "best");

  wb::RunFilter by_sweep;
  by_sweep.sweep = "pq";
  const auto trials = store.list_runs(by_sweep);
  CHECK(ids_of(trials) == std::vector<int64_t>{high, low});
  CHECK(trials[0].sweep == "pq");
  CHECK(trials[0].trial_key == "b");
  CHECK(trials[0].tags == std::vector<std::string>{"baseline", "best"});

  wb::RunFilter by_tag;
  by_tag.tag = "baseline";
  CHECK(ids_of(store.list_runs(by_tag)) == std::vector<int64_t>{high, plain});

  CHECK(where(store, {"params.train.dimension=128"}) == std::vector<int64_t>{high, low});
  CHECK(where(store, {"params.train.dimension=128", "scores.link/dot/roc_auc>0.9"}) ==
        std::vector<int64_t>{high});
  CHECK(where(store, {"params.walk.p<1.5"}) == std::vector<int64_t>{low, plain});
  CHECK(where(store, {"scores.link/dot/roc_auc<0.5"}).empty());

  wb::RunFilter combined;
  combined.tag = "baseline";
  combined.where = {"params.walk.p>=1"};
  combined.limit = 1;
  // The limit applies after the conditions: the newest run that passes them.
  CHECK(ids_of(store.list_runs(combined)) == std::vector<int64_t>{high});
  combined.sweep = "pq";
  combined.where = {"params.walk.p=1"};
  CHECK(store.list_runs(combined).empty());

  wb::RunFilter unknown_sweep;
  unknown_sweep.sweep = "nope";
  CHECK_THROWS_WITH(store.list_runs(unknown_sweep), Contains("no sweep named 'nope'"));
  wb::RunFilter malformed;
  malformed.where = {"params.walk.p"};
  CHECK_THROWS_WITH(store.list_runs(malformed), Contains("'params.walk.p'"));
}

TEST_CASE("tags are added once, removed, and need an existing run", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t id = add_run(store, "karate", {}, 0.5);
  store.add_tag(id, "b");
  store.add_tag(id, "a");
  store.add_tag(id, "b");
  CHECK(store.tags(id) == std::vector<std::string>{"a", "b"});
  store.remove_tag(id, "b");
  store.remove_tag(id, "never-added");
  CHECK(store.tags(id) == std::vector<std::string>{"a"});
  CHECK(store.find_run(id)->summary.tags == std::vector<std::string>{"a"});
  CHECK_THROWS_WITH(store.add_tag(id + 1, "a"), Contains("no run with id"));
  CHECK_THROWS_WITH(store.remove_tag(id + 1, "a"), Contains("no run with id"));
  CHECK_THROWS_WITH(store.tags(id + 1), Contains("no run with id"));
  CHECK_THROWS_AS(store.add_tag(id, ""), wb::Error);
}

TEST_CASE("delete_runs removes the runs and every row about them", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t gone = add_run(store, "karate", {{"walk.p", "1"}}, 0.5);
  const int64_t also_gone = add_run(store, "karate", {{"walk.p", "2"}}, 0.6);
  const int64_t kept = add_run(store, "karate", {{"walk.p", "3"}}, 0.7);
  store.add_tag(gone, "x");
  store.add_tag(kept, "x");

  CHECK(store.delete_runs({gone, also_gone, 999}) == 2);
  CHECK_FALSE(store.find_run(gone));
  CHECK_FALSE(store.find_run(also_gone));
  REQUIRE(store.find_run(kept));
  const std::string kept_id = std::to_string(kept);
  for (const char* table :
       {"params", "metrics", "timings", "scores", "environment", "artifacts", "tags"}) {
    CAPTURE(table);
    const std::string from = std::string("SELECT COUNT(*) FROM ") + table;
    CHECK(count_rows(store.path(), from + " WHERE run_id <> " + kept_id) == 0);
  }
  CHECK(count_rows(store.path(), "SELECT COUNT(*) FROM params WHERE run_id = " + kept_id) == 1);
  CHECK(count_rows(store.path(), "SELECT COUNT(*) FROM metrics WHERE run_id = " + kept_id) == 1);
  CHECK(count_rows(store.path(), "SELECT COUNT(*) FROM tags WHERE run_id = " + kept_id) == 1);
  CHECK(store.delete_runs({}) == 0);
}
