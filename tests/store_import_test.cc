// RunStore::import_runs: runs recorded in another store (a GPU machine's)
// merged into this one, whole, once, and all or nothing.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/errors.h"
#include "store/run_store.h"
#include "store/sqlite_handle.h"
#include "test_support.h"

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

wb::RunStart start_of(const std::string& experiment, int64_t seed, int64_t sweep_id = 0,
                      const std::string& trial_key = "") {
  wb::RunStart start;
  start.experiment = experiment;
  start.config_path = "experiments/paper/facebook.toml";
  start.config_toml = "[train]\ndimension = 128\n";
  start.params = {{"train.dimension", "128"}, {"walk.p", "1"}};
  start.environment = {{"cuda_device_name", "NVIDIA H200"}};
  start.seed = seed;
  start.device = "cuda:0";
  start.git_commit = "abc1234";
  start.command_line = "workbench run experiments/paper/facebook.toml";
  start.sweep_id = sweep_id;
  start.trial_key = trial_key;
  return start;
}

int64_t record_finished(wb::RunStore& store, const wb::RunStart& start, double auc) {
  const int64_t id = store.begin_run(start);
  auto recorder = store.recorder(id);
  recorder->metric("train/loss", 0, 4.16);
  recorder->metric("train/loss", 100, 2.5);
  recorder->timing("train", 3.5);
  recorder->score("link/hadamard/roc_auc", auc);
  recorder->artifact("embeddings_npy", "/gpu/runs/artifacts/run-1/embeddings.npy", 1024);
  recorder->input("graph", "/gpu/data/facebook_combined.txt", 854362, std::string(64, 'f'));
  recorder->flush();
  store.finish_run(id, wb::RunStatus::kFinished);
  store.add_tag(id, "gpu");
  return id;
}

int64_t count(const std::string& store, const std::string& sql) {
  wb::Database db(store);
  wb::Statement query(db, sql.c_str());
  REQUIRE(query.step());
  return query.column_int64(0);
}

// A source store: a plain finished run, a sweep's finished trial and a run
// still running.
struct Source {
  explicit Source(const std::string& path) : path(path) {
    wb::RunStore store(path);
    plain = record_finished(store, start_of("paper-facebook", 1), 0.99);
    const int64_t sweep = store.ensure_sweep("pq", "spec A", "link/hadamard/roc_auc", "maximize");
    trial = record_finished(store, start_of("paper-facebook", 2, sweep, "p=1,q=1"), 0.98);
    running = store.begin_run(start_of("paper-astroph", 3));
  }
  std::string path;
  int64_t plain = 0, trial = 0, running = 0;
};

}  // namespace

TEST_CASE("imported runs keep every record under new ids, once", "[store]") {
  wb::test::TempDir dir;
  const Source source(dir.file("gpu.db"));
  wb::RunStore store(dir.file("workbench.db"));
  const int64_t local = record_finished(store, start_of("paper-facebook", 9), 0.97);

  // No process has the source open: it is read as an immutable file.
  REQUIRE_FALSE(fs::exists(source.path + "-wal"));
  const wb::ImportResult result = store.import_runs(source.path);
  REQUIRE(result.imported.size() == 2);
  REQUIRE(result.still_running == 1);
  REQUIRE(result.already_here == 0);
  REQUIRE(result.imported[0].first == source.plain);
  REQUIRE(result.imported[1].first == source.trial);

  wb::RunStore original(source.path);
  for (const auto& [source_id, id] : result.imported) {
    REQUIRE(id > local);
    const wb::RunDetails theirs = *original.find_run(source_id);
    const wb::RunDetails ours = *store.find_run(id);
    CHECK(ours.summary.experiment == theirs.summary.experiment);
    CHECK(ours.summary.status == "finished");
    CHECK(ours.summary.started_at == theirs.summary.started_at);
    CHECK(ours.summary.ended_at == theirs.summary.ended_at);
    CHECK(ours.summary.device == "cuda:0");
    CHECK(ours.summary.seed == theirs.summary.seed);
    CHECK(ours.summary.scores == theirs.summary.scores);
    CHECK(ours.summary.tags == std::vector<std::string>{"gpu"});
    CHECK(ours.summary.sweep == theirs.summary.sweep);
    CHECK(ours.summary.trial_key == theirs.summary.trial_key);
    CHECK(ours.config_toml == theirs.config_toml);
    CHECK(ours.host == theirs.host);
    CHECK(ours.pid == theirs.pid);
    CHECK(ours.params == theirs.params);
    CHECK(ours.timings == theirs.timings);
    CHECK(ours.artifacts == theirs.artifacts);
    REQUIRE(ours.inputs.size() == 1);
    CHECK(ours.inputs[0].sha256 == theirs.inputs[0].sha256);
    CHECK(ours.inputs[0].path == "/gpu/data/facebook_combined.txt");
    CHECK(ours.inputs[0].bytes == 854362);
    REQUIRE(ours.metrics.at("train/loss").size() == 2);
    CHECK(ours.metrics.at("train/loss")[1].value == 2.5);
    auto environment = theirs.environment;
    environment.emplace_back(
        "imported_from", fs::absolute(source.path).string() + " run " + std::to_string(source_id));
    CHECK(ours.environment == environment);
  }
  // One experiment of each name, the local run's included.
  CHECK(count(store.path(), "SELECT COUNT(*) FROM experiments") == 1);

  // The imported trial is done here: a resumed sweep skips it.
  const int64_t sweep = store.find_sweep("pq")->id;
  const wb::TrialClaim claim =
      store.claim_trial(start_of("paper-facebook", 2, sweep, "p=1,q=1"), 3, 0);
  CHECK(claim.state == wb::TrialState::kDone);
  CHECK(claim.run_id == result.imported[1].second);

  const wb::ImportResult again = store.import_runs(source.path);
  CHECK(again.imported.empty());
  CHECK(again.already_here == 2);
  CHECK(count(store.path(), "SELECT COUNT(*) FROM runs") == 3);
}

TEST_CASE("an import that fails part way imports nothing", "[store]") {
  wb::test::TempDir dir;
  const Source source(dir.file("gpu.db"));
  wb::RunStore store(dir.file("workbench.db"));
  store.ensure_sweep("pq", "spec B", "link/hadamard/roc_auc", "maximize");
  // The plain run is copied first, then the trial's sweep conflicts.
  REQUIRE_THROWS_WITH(store.import_runs(source.path),
                      Contains("sweep 'pq'") && Contains("another spec"));
  CHECK(count(store.path(), "SELECT COUNT(*) FROM runs") == 0);
  CHECK(count(store.path(), "SELECT COUNT(*) FROM params") == 0);
  CHECK(count(store.path(), "SELECT COUNT(*) FROM experiments") == 0);

  // Picking runs leaves the conflicting one out.
  const wb::ImportResult some = store.import_runs(source.path, {source.plain});
  CHECK(some.imported.size() == 1);
  REQUIRE_THROWS_WITH(store.import_runs(source.path, {source.plain, 77}),
                      Contains("has no run 77"));
}

TEST_CASE("imports read a live source, and refuse what is not one", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore live(dir.file("live.db"));
  record_finished(live, start_of("paper-ppi", 1), 0.2);
  // The source is open (its -wal file exists): read with locking.
  REQUIRE(fs::exists(dir.file("live.db") + "-wal"));
  wb::RunStore store(dir.file("workbench.db"));
  CHECK(store.import_runs(live.path()).imported.size() == 1);

  REQUIRE_THROWS_WITH(store.import_runs(dir.file("missing.db")), Contains("no such store"));
  REQUIRE_THROWS_WITH(store.import_runs(store.path()), Contains("is this store"));
  std::ofstream(dir.file("notes.db")) << "not a database\n";
  REQUIRE_THROWS_WITH(store.import_runs(dir.file("notes.db")),
                      Contains("notes.db is not a workbench store"));
  {
    wb::Database db(dir.file("live.db"));
    db.exec("UPDATE schema_version SET version = 99");
  }
  REQUIRE_THROWS_WITH(store.import_runs(live.path()),
                      Contains("schema version 99") && Contains("newer workbench"));
}
