// `workbench runs list|compare|export|tag|delete` driven as a user would, on
// runs recorded directly through RunStore (no training).
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "store/run_store.h"
#include "test_support.h"

using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using wb::test::CommandResult;
using wb::test::count_of;
using wb::test::read_file;
using wb::test::run_workbench;
namespace fs = std::filesystem;

namespace {

const std::string kGraphSha256 = "9f5b8d5fba8a0d3bcd1ca1e7c4ad0a6b8cbd5f8ef1c4b5a3e1b0b2c4d6e8f0a1";

// A store holding three finished runs: two of sweep "pq" and one plain run.
class RecordedRuns {
 public:
  RecordedRuns() : store_path_(dir_.file("runs/workbench.db")) {
    wb::RunStore store(store_path_);
    const int64_t sweep = store.ensure_sweep("pq", "", "link/dot/roc_auc", "maximize");
    plain_ = record(store, "64", "1", 0.5, 0, "", std::string(64, 'e'));
    small_ = record(store, "64", "0.5", 0.75, sweep, "p=0.5", kGraphSha256);
    large_ = record(store, "128", "0.5", 0.875, sweep, "p=0.5,d=128", kGraphSha256);
  }

  std::string store() const { return " --store " + store_path_; }
  const std::string& store_path() const { return store_path_; }
  const wb::test::TempDir& dir() const { return dir_; }
  int64_t plain() const { return plain_; }
  int64_t small() const { return small_; }
  int64_t large() const { return large_; }

 private:
  static int64_t record(wb::RunStore& store, const std::string& dimension, const std::string& p,
                        double auc, int64_t sweep_id, const std::string& trial_key,
                        const std::string& graph_sha256) {
    wb::RunStart start;
    start.experiment = "karate";
    start.params = {{"train.dimension", dimension}, {"walk.p", p}, {"walk.q", "1"}};
    start.device = "cpu";
    start.seed = 7;
    start.sweep_id = sweep_id;
    start.trial_key = trial_key;
    const int64_t id = store.begin_run(start);
    auto recorder = store.recorder(id);
    recorder->score("link/dot/roc_auc", auc);
    recorder->timing("walk", 0.5);
    recorder->timing("train", 2.0);
    recorder->input("graph", "data/karate.txt", 339, graph_sha256);
    if (sweep_id == 0) recorder->input("labels", "data/karate.labels", 90, std::string(64, 'b'));
    recorder->flush();
    store.finish_run(id, wb::RunStatus::kFinished);
    return id;
  }

  wb::test::TempDir dir_;
  std::string store_path_;
  int64_t plain_ = 0;
  int64_t small_ = 0;
  int64_t large_ = 0;
};

// The ids in the first column of `runs list` output.
std::vector<int64_t> listed_ids(const std::string& output) {
  std::vector<int64_t> ids;
  std::istringstream lines(output);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    long long id = 0;
    if (std::sscanf(line.c_str(), "%lld", &id) == 1) ids.push_back(id);
  }
  return ids;
}

// The ids `runs list OPTIONS` lists from the runs' store, which must succeed.
std::vector<int64_t> listed_ids_of(const RecordedRuns& runs, const std::string& options) {
  const auto result = run_workbench("runs list " + options + runs.store());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return listed_ids(result.output);
}

}  // namespace

TEST_CASE("runs list filters by sweep, tag, status and conditions", "[cli]") {
  RecordedRuns runs;
  {
    wb::RunStore store(runs.store_path());
    store.add_tag(runs.plain(), "baseline");
  }
  auto ids = [&](const std::string& options) { return listed_ids_of(runs, options); };
  using Ids = std::vector<int64_t>;
  CHECK(ids("") == Ids{runs.large(), runs.small(), runs.plain()});
  CHECK(ids("--sweep pq") == Ids{runs.large(), runs.small()});
  CHECK(ids("--tag baseline") == Ids{runs.plain()});
  CHECK(ids("--status finished --limit 1") == Ids{runs.large()});
  CHECK(ids("--where params.train.dimension=64") == Ids{runs.small(), runs.plain()});
  CHECK(ids("--sweep pq --where params.train.dimension=64") == Ids{runs.small()});
  CHECK(ids("--where 'scores.link/dot/roc_auc>0.6' --where 'params.walk.p<1'") ==
        Ids{runs.large(), runs.small()});
  CHECK(ids("--where 'scores.link/dot/roc_auc>0.99'").empty());
  CHECK(ids("--where inputs.graph=" + kGraphSha256.substr(0, 12)) ==
        Ids{runs.large(), runs.small()});
  CHECK(ids("--where inputs.graph!=" + kGraphSha256.substr(0, 12)) == Ids{runs.plain()});

  const auto listed = run_workbench("runs list --tag baseline" + runs.store());
  CHECK_THAT(listed.output, Contains("[baseline]"));
  const auto malformed = run_workbench("runs list --where params.walk.p" + runs.store());
  CHECK(malformed.exit_code == 1);
  CHECK_THAT(malformed.output, Contains("malformed condition 'params.walk.p'"));
  const auto no_sweep = run_workbench("runs list --sweep nope" + runs.store());
  CHECK(no_sweep.exit_code == 1);
  CHECK_THAT(no_sweep.output, Contains("no sweep named 'nope'"));
}

// A link-prediction run and a node-classification run, with a real param as
// the store keeps it (17 digits) and counts and rates among the scores.
struct TwoTaskRuns {
  wb::test::TempDir dir;
  std::string store_path = dir.file("runs.db");
  int64_t link = 0;
  int64_t node = 0;

  TwoTaskRuns() {
    wb::RunStore store(store_path);
    link =
        record(store, "facebook", {{"link/hadamard/roc_auc", 0.99031}, {"link/dot/roc_auc", 0.95}});
    node = record(store, "wikipedia",
                  {{"node/macro_f1", 0.18024},
                   {"node/micro_f1", 0.5557},
                   {"graph/edges", 92295},
                   {"train/pairs_per_second", 3699095.2623}});
  }
  std::string store() const { return " --store " + store_path; }

  static int64_t record(wb::RunStore& store, const std::string& experiment,
                        const std::vector<std::pair<std::string, double>>& scores) {
    wb::RunStart start;
    start.experiment = experiment;
    start.params = {{"train.learning_rate", "0.012500000000000001"}, {"walk.p", "4"}};
    start.device = "cpu";
    const int64_t id = store.begin_run(start);
    auto recorder = store.recorder(id);
    for (const auto& [key, value] : scores) recorder->score(key, value);
    recorder->flush();
    store.finish_run(id, wb::RunStatus::kFinished);
    return id;
  }
};

// The line of `runs list` output for one run id.
std::string listed_line(const std::string& output, int64_t id) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    long long listed = 0;
    if (std::sscanf(line.c_str(), "%lld", &listed) == 1 && listed == id) return line;
  }
  return "";
}

TEST_CASE("runs list shows each run's headline score, or the scores asked for", "[cli]") {
  TwoTaskRuns runs;
  const auto plain = run_workbench("runs list" + runs.store());
  INFO(plain.output);
  REQUIRE(plain.exit_code == 0);
  CHECK_THAT(listed_line(plain.output, runs.link), EndsWith("0.9903 ROC-AUC (hadamard)"));
  CHECK_THAT(listed_line(plain.output, runs.node), EndsWith("0.1802 Macro-F1"));

  const auto chosen =
      run_workbench("runs list --score node/micro_f1 --score link/dot/roc_auc" + runs.store());
  INFO(chosen.output);
  REQUIRE(chosen.exit_code == 0);
  CHECK_THAT(chosen.output, Contains("node/micro_f1  link/dot/roc_auc\n"));
  CHECK_THAT(listed_line(chosen.output, runs.node), EndsWith("0.5557                 -"));
  CHECK_THAT(listed_line(chosen.output, runs.link), EndsWith("-            0.9500"));

  const auto mistyped = run_workbench("runs list --score node/microf1" + runs.store());
  CHECK(mistyped.exit_code == 1);
  CHECK_THAT(mistyped.output, Contains("no listed run has a score named 'node/microf1'") &&
                                  Contains("node/micro_f1"));
}

TEST_CASE("runs list --sort puts the best first, and --limit keeps the best", "[cli]") {
  RecordedRuns runs;  // link/dot/roc_auc: plain 0.5, small 0.75, large 0.875, oldest first
  {
    wb::RunStore store(runs.store_path());
    wb::RunStart start;
    start.experiment = "karate";
    store.finish_run(store.begin_run(start), wb::RunStatus::kFinished);  // no score at all
  }
  auto ids = [&](const std::string& options) { return listed_ids_of(runs, options); };
  using Ids = std::vector<int64_t>;
  const auto sorted = ids("--sort link/dot/roc_auc");
  REQUIRE(sorted.size() == 4);
  CHECK(Ids(sorted.begin(), sorted.begin() + 3) == Ids{runs.large(), runs.small(), runs.plain()});
  CHECK(ids("--sort link/dot/roc_auc --limit 2") == Ids{runs.large(), runs.small()});
  CHECK(ids("--sort link/dot/roc_auc --ascending --limit 2") == Ids{runs.plain(), runs.small()});
  const auto shown = run_workbench("runs list --sort link/dot/roc_auc --limit 1" + runs.store());
  CHECK_THAT(shown.output, Contains("seconds  link/dot/roc_auc\n") && Contains("0.8750"));
  CHECK(run_workbench("runs list --sort link/nope" + runs.store()).exit_code == 1);
}

TEST_CASE("runs show and compare print reals and counts in their shortest form", "[cli]") {
  TwoTaskRuns runs;
  const auto shown = run_workbench("runs show " + std::to_string(runs.node) + runs.store());
  INFO(shown.output);
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.output, Contains("train.learning_rate") && Contains(" 0.0125\n") &&
                               !Contains("0.012500000000000001"));

  const auto compared = run_workbench("runs compare " + std::to_string(runs.link) + " " +
                                      std::to_string(runs.node) + runs.store());
  INFO(compared.output);
  REQUIRE(compared.exit_code == 0);
  CHECK_THAT(compared.output, Contains("params (0 differ, 2 equal and not shown)"));
  CHECK_THAT(compared.output, Contains(" 92295\n") && Contains(" 3699095\n") &&
                                  !Contains("92295.0") && Contains("0.1802"));
}

TEST_CASE("runs compare shows only the params that differ, then scores and timings", "[cli]") {
  RecordedRuns runs;
  const auto result = run_workbench("runs compare " + std::to_string(runs.small()) + " " +
                                    std::to_string(runs.large()) + runs.store());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("run " + std::to_string(runs.small())) &&
                                Contains("run " + std::to_string(runs.large())));
  CHECK_THAT(result.output, Contains("params (1 differ, 2 equal and not shown)"));
  CHECK_THAT(result.output, Contains("train.dimension"));
  CHECK_THAT(result.output, !Contains("walk.p") && !Contains("walk.q"));
  CHECK_THAT(result.output,
             Contains("link/dot/roc_auc") && Contains("0.7500") && Contains("0.8750"));
  CHECK_THAT(result.output,
             Contains("walk") && Contains("2.000") && Contains("total") && Contains("2.500"));
  CHECK_THAT(result.output, Contains("status") && Contains("finished") && Contains("seed"));
  CHECK_THAT(result.output, Contains("inputs (sha256; the same files)") && Contains("  graph  ") &&
                                Contains(kGraphSha256.substr(0, 12)) &&
                                !Contains(kGraphSha256.substr(0, 13)));

  const auto three = run_workbench("runs compare " + std::to_string(runs.plain()) + " " +
                                   std::to_string(runs.small()) + " " +
                                   std::to_string(runs.large()) + runs.store());
  CHECK(three.exit_code == 0);
  CHECK_THAT(three.output, Contains("params (2 differ, 1 equal and not shown)"));
  CHECK_THAT(three.output, Contains("inputs (sha256; the runs read DIFFERENT data)") &&
                               Contains("graph (differs)") && Contains("eeeeeeeeeeee") &&
                               Contains("labels (not read by all)"));

  const auto missing =
      run_workbench("runs compare " + std::to_string(runs.small()) + " 999" + runs.store());
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("no run 999"));
  const auto one = run_workbench("runs compare " + std::to_string(runs.small()) + runs.store());
  CHECK(one.exit_code == 1);
  CHECK_THAT(one.output, Contains("at least two"));
}

TEST_CASE("runs compare tells files read by some runs only from different files", "[cli]") {
  wb::test::TempDir dir;
  const std::string store_path = dir.file("workbench.db");
  {
    wb::RunStore store(store_path);
    for (bool with_vectors : {false, true}) {
      wb::RunStart start;
      start.experiment = "karate";
      start.device = "cpu";
      const int64_t id = store.begin_run(start);
      auto recorder = store.recorder(id);
      recorder->input("graph", "data/karate.txt", 339, kGraphSha256);
      if (with_vectors) recorder->input("embeddings", "gensim.emb", 80, std::string(64, 'd'));
      recorder->flush();
      store.finish_run(id, wb::RunStatus::kFinished);
    }
  }
  const auto result = run_workbench("runs compare 1 2 --store " + store_path);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("inputs (sha256; files read by several runs are the same)") &&
                                Contains("embeddings (not read by all)") && !Contains("graph (") &&
                                !Contains("DIFFERENT"));
}

TEST_CASE("runs export writes CSV and JSON rows, oldest first", "[cli]") {
  RecordedRuns runs;
  SECTION("csv to a file, filtered") {
    const std::string file = runs.dir().file("runs.csv");
    const auto result =
        run_workbench("runs export --format csv --sweep pq -o " + file + runs.store());
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const std::string csv = read_file(file);
    std::istringstream lines(csv);
    std::string header, first, second, extra;
    std::getline(lines, header);
    std::getline(lines, first);
    std::getline(lines, second);
    CHECK_FALSE(std::getline(lines, extra));
    CHECK(header ==
          "id,experiment,sweep,status,device,seed,started_at,ended_at,seconds,"
          "params.train.dimension,params.walk.p,params.walk.q,scores.link/dot/roc_auc,"
          "timings.walk,timings.train,timings.total,inputs.graph");
    CHECK_THAT(first, StartsWith(std::to_string(runs.small()) + ",karate,pq,finished,cpu,7,"));
    CHECK_THAT(first, EndsWith(",64,0.5,1,0.75,0.5,2,2.5," + kGraphSha256));
    CHECK_THAT(second, StartsWith(std::to_string(runs.large()) + ",karate,pq,finished,cpu,7,"));
    CHECK_THAT(second, EndsWith(",128,0.5,1,0.875,0.5,2,2.5," + kGraphSha256));
  }
  SECTION("json to standard output") {
    const auto result = run_workbench("runs export --format json" + runs.store());
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.output, StartsWith("[\n  {\"id\": " + std::to_string(runs.plain()) + ", "));
    CHECK_THAT(result.output, EndsWith("}\n]\n"));
    CHECK(count_of(result.output, "{\"id\": ") == 3);
    CHECK(count_of(result.output, "\"sweep\": null") == 1);
    CHECK(count_of(result.output, "\"sweep\": \"pq\"") == 2);
    CHECK_THAT(result.output, Contains("\"params.train.dimension\": 128, \"params.walk.p\": 0.5"));
    CHECK_THAT(result.output, Contains("\"scores.link/dot/roc_auc\": 0.875"));
    CHECK_THAT(result.output, Contains("\"timings.total\": 2.5, \"inputs.graph\": \"" +
                                       kGraphSha256 + "\", \"inputs.labels\": null}"));
    CHECK_THAT(result.output, Contains("\"inputs.labels\": \"" + std::string(64, 'b') + "\"}"));
  }
  SECTION("an unknown format is refused") {
    const auto result = run_workbench("runs export --format xml" + runs.store());
    CHECK(result.exit_code != 0);
    CHECK_THAT(result.output, Contains("xml"));
  }
}

TEST_CASE("runs tag adds and removes a tag", "[cli]") {
  RecordedRuns runs;
  const std::string id = std::to_string(runs.small());
  const auto added = run_workbench("runs tag " + id + " best" + runs.store());
  INFO(added.output);
  REQUIRE(added.exit_code == 0);
  CHECK_THAT(added.output, Contains("best"));
  {
    wb::RunStore store(runs.store_path());
    CHECK(store.tags(runs.small()) == std::vector<std::string>{"best"});
  }
  const auto removed = run_workbench("runs tag " + id + " best --remove" + runs.store());
  REQUIRE(removed.exit_code == 0);
  CHECK_THAT(removed.output, Contains("(none)"));
  wb::RunStore store(runs.store_path());
  CHECK(store.tags(runs.small()).empty());
  const auto missing = run_workbench("runs tag 999 best" + runs.store());
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("no run with id 999"));
}

TEST_CASE("runs delete needs --yes, then removes the rows and artifact directory", "[cli]") {
  RecordedRuns runs;
  const fs::path artifacts = fs::path(runs.store_path()).parent_path() / "artifacts";
  const fs::path doomed = artifacts / ("run-" + std::to_string(runs.small()));
  const fs::path kept = artifacts / ("run-" + std::to_string(runs.large()));
  fs::create_directories(doomed);
  fs::create_directories(kept);
  std::ofstream(doomed / "embeddings.npy") << "x";
  const std::string ids = std::to_string(runs.small()) + " " + std::to_string(runs.plain());

  const auto dry = run_workbench("runs delete " + ids + runs.store());
  CHECK(dry.exit_code == 1);
  CHECK_THAT(dry.output, Contains("--yes") && Contains(doomed.string()));
  {
    wb::RunStore store(runs.store_path());
    CHECK(store.list_runs().size() == 3);
    CHECK(fs::exists(doomed));
  }

  const auto missing = run_workbench("runs delete 999 --yes" + runs.store());
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("no run 999"));

  const auto done = run_workbench("runs delete " + ids + " --yes" + runs.store());
  INFO(done.output);
  REQUIRE(done.exit_code == 0);
  CHECK_THAT(done.output, Contains("deleted 2 run(s)"));
  CHECK_FALSE(fs::exists(doomed));
  CHECK(fs::exists(kept));
  wb::RunStore store(runs.store_path());
  const auto left = store.list_runs();
  REQUIRE(left.size() == 1);
  CHECK(left[0].id == runs.large());
  CHECK_FALSE(store.find_run(runs.small()));
}

TEST_CASE("runs delete refuses a run that is still running", "[cli]") {
  wb::test::TempDir dir;
  const std::string store_path = dir.file("runs.db");
  wb::RunStore store(store_path);
  wb::RunStart start;
  start.experiment = "karate";
  // This test process is alive, so the run is not reaped as crashed.
  const int64_t id = store.begin_run(start);
  const auto result =
      run_workbench("runs delete " + std::to_string(id) + " --yes --store " + store_path);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("still running"));
  CHECK(store.find_run(id));
}

TEST_CASE("runs import copies another store's runs and says where they went", "[cli]") {
  const RecordedRuns source;
  wb::test::TempDir dir;
  const std::string store = " --store " + dir.file("workbench.db");
  const CommandResult imported = run_workbench("runs import " + source.store_path() + " --run " +
                                               std::to_string(source.large()) + store);
  REQUIRE(imported.exit_code == 0);
  CHECK_THAT(imported.output, Contains("run " + std::to_string(source.large()) + " of " +
                                       source.store_path() + " is run 1 here"));
  CHECK_THAT(imported.output, Contains("imported 1 run(s)"));
  const CommandResult all = run_workbench("runs import " + source.store_path() + store);
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.output, Contains("imported 2 run(s)") && Contains("1 imported before"));
  CHECK(listed_ids(run_workbench("runs list" + store).output).size() == 3);
  CHECK_THAT(run_workbench("runs list --sweep pq" + store).output, Contains("karate"));

  const CommandResult missing = run_workbench("runs import " + dir.file("none.db") + store);
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.output, Contains("none.db: no such store"));
}
