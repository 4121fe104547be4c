// A file written by the first workbench (schema version 1) opened by this
// one: migrated in one transaction, keeping every row.
#include <catch2/catch.hpp>
#include <string>

#include "core/errors.h"
#include "store/run_store.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"
#include "test_support.h"

using Catch::Matchers::Contains;

namespace {

// The version 1 layout as that release created it, copied rather than taken
// from schema.cc so that later edits there cannot change what is tested.
constexpr const char* kVersion1Layout = R"sql(
CREATE TABLE schema_version (
  version INTEGER NOT NULL
);
INSERT INTO schema_version(version) VALUES (1);
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY,       -- referenced by runs.experiment_id
  name TEXT NOT NULL UNIQUE,    -- the experiment name from the config
  created_at TEXT NOT NULL      -- when its first run began
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,       -- the run id users pass to `show`, `compare`
  experiment_id INTEGER NOT NULL REFERENCES experiments(id),
  status TEXT NOT NULL          -- running until the job ends; crashed when its process vanished
    CHECK (status IN ('running', 'finished', 'failed', 'interrupted', 'crashed')),
  started_at TEXT NOT NULL,     -- when the run row was written
  ended_at TEXT,                -- NULL while running; for crashed runs, the last heartbeat
  seed INTEGER NOT NULL,        -- the master random seed
  device TEXT NOT NULL,         -- e.g. 'cpu', 'cuda:0'
  git_commit TEXT NOT NULL,     -- commit of the source tree; '' outside a checkout
  git_dirty INTEGER NOT NULL CHECK (git_dirty IN (0, 1)),  -- 1: uncommitted changes
  command_line TEXT NOT NULL,   -- the full command that started the run
  config_path TEXT NOT NULL,    -- the experiment file as given
  config_toml TEXT NOT NULL,    -- the fully resolved config (defaults, overrides) as TOML
  message TEXT NOT NULL DEFAULT '',  -- why it failed, was interrupted or crashed; '' otherwise
  host TEXT NOT NULL,           -- hostname of the process running it
  pid INTEGER NOT NULL,         -- its process id on that host, to detect crashes
  heartbeat_at TEXT NOT NULL    -- last sign of life: start, heartbeat or recorder flush
);
CREATE INDEX runs_by_experiment ON runs(experiment_id);

CREATE TABLE params (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,            -- dotted config path, e.g. 'train.dimension'
  value TEXT NOT NULL,          -- the value as text, e.g. '128'
  PRIMARY KEY (run_id, key)
);

CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,            -- series name, e.g. 'train/loss'
  step INTEGER NOT NULL,        -- position in the series (batch, epoch, ...)
  value REAL,                   -- NULL: NaN
  recorded_at TEXT NOT NULL     -- when the job recorded it, not when it was flushed
);
CREATE INDEX metrics_by_series ON metrics(run_id, key, step);

CREATE TABLE timings (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  phase TEXT NOT NULL,          -- load, preprocess, walk, train, eval, export
  seconds REAL                  -- wall time of the phase
);

CREATE TABLE scores (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,            -- final result name, e.g. 'link/hadamard/roc_auc'
  value REAL,                   -- NULL: NaN; a key scored twice keeps the last value
  PRIMARY KEY (run_id, key)
);

CREATE TABLE environment (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,            -- e.g. 'torch_version', 'cuda_device_name'
  value TEXT NOT NULL
);

CREATE TABLE artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,           -- e.g. 'embeddings', 'checkpoint', 'log'
  path TEXT NOT NULL,           -- where the run wrote it
  bytes INTEGER NOT NULL        -- its size when written
);

CREATE TABLE tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,            -- a free-form label
  PRIMARY KEY (run_id, tag)
);
)sql";

constexpr const char* kVersion1Rows = R"sql(
INSERT INTO experiments(id, name, created_at) VALUES (1, 'karate', '2024-01-01T00:00:00.000Z');
INSERT INTO runs(id, experiment_id, status, started_at, ended_at, seed, device, git_commit,
                 git_dirty, command_line, config_path, config_toml, message, host, pid,
                 heartbeat_at)
VALUES (7, 1, 'finished', '2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00.000Z', 5, 'cpu',
        'abc', 0, 'workbench run k.toml', 'k.toml', '', '', 'h', 1, '2024-01-01T00:01:00.000Z');
INSERT INTO params(run_id, key, value) VALUES (7, 'train.dimension', '128');
INSERT INTO scores(run_id, key, value) VALUES (7, 'link/dot/roc_auc', 0.75);
INSERT INTO tags(run_id, tag) VALUES (7, 'baseline');
)sql";

void write_version1_file(const std::string& path, const std::string& extra_sql = "") {
  wb::Database db(path);
  db.exec(kVersion1Layout);
  db.exec(kVersion1Rows);
  if (!extra_sql.empty()) db.exec(extra_sql.c_str());
}

int64_t query_int(const std::string& path, const char* sql) {
  wb::Database db(path);
  wb::Statement query(db, sql);
  REQUIRE(query.step());
  return query.column_int64(0);
}

}  // namespace

TEST_CASE("a version 1 store is migrated to the current schema with its runs", "[store]") {
  wb::test::TempDir dir;
  const std::string path = dir.file("v1.db");
  write_version1_file(path);
  {
    wb::Database db(path);
    REQUIRE(wb::schema_version(db) == 1);
  }

  wb::RunStore store(path);
  {
    wb::Database db(path);
    CHECK(wb::schema_version(db) == wb::kSchemaVersion);
  }
  CHECK(query_int(path, "SELECT COUNT(*) FROM schema_version") == 1);
  CHECK(query_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs_by_trial'") == 1);
  CHECK(query_int(path, "SELECT COUNT(*) FROM runs WHERE sweep_id IS NULL AND trial_key = ''") ==
        1);

  const auto old_run = store.find_run(7);
  REQUIRE(old_run);
  CHECK(old_run->summary.status == "finished");
  CHECK(old_run->summary.seconds == Approx(60.0));
  CHECK(old_run->summary.sweep.empty());
  CHECK(old_run->summary.tags == std::vector<std::string>{"baseline"});
  CHECK(old_run->summary.scores.at("link/dot/roc_auc") == Approx(0.75));
  CHECK(old_run->params.size() == 1);

  // The new tables and columns work on the migrated file.
  const int64_t sweep = store.ensure_sweep("s", "", "link/dot/roc_auc", "maximize");
  wb::RunStart start;
  start.experiment = "karate";
  start.sweep_id = sweep;
  start.trial_key = "t";
  const wb::TrialClaim claim = store.claim_trial(start, 1, 60);
  CHECK(claim.state == wb::TrialState::kClaimed);
  CHECK(claim.run_id > 7);
  wb::RunFilter by_sweep;
  by_sweep.sweep = "s";
  CHECK(store.list_runs(by_sweep).size() == 1);
}

TEST_CASE("a migration that fails leaves the version 1 file as it was", "[store]") {
  wb::test::TempDir dir;
  const std::string path = dir.file("v1.db");
  // An index in the way makes version 2's last statement fail, after its
  // table and columns were added.
  write_version1_file(path, "CREATE INDEX runs_by_trial ON experiments(name);");

  CHECK_THROWS_WITH(wb::RunStore(path), Contains("runs_by_trial"));
  wb::Database db(path);
  CHECK(wb::schema_version(db) == 1);
  CHECK(query_int(path, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'sweep_id'") ==
        0);
  CHECK(query_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sweeps'") == 0);
  CHECK(query_int(path, "SELECT COUNT(*) FROM runs") == 1);
}
