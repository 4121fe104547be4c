#include "store/schema.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>

#include "core/errors.h"
#include "store/sqlite_handle.h"

namespace wb {
namespace {

// Created before any migration runs, since it says which ones have run.
constexpr const char* kVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER NOT NULL  -- the last migration applied; the table holds one row
);
)sql";

// Version 1. Timestamps are ISO-8601 UTC text, "YYYY-MM-DDTHH:MM:SS.sssZ".
// Real-valued columns are nullable because SQLite stores NaN as NULL: a NULL
// value is a NaN the run produced, not a missing one.
constexpr const char* kVersion1 = R"sql(
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

// Version 2: sweeps, and which trial of which sweep a run is. ALTER TABLE
// keeps the rows of a version 1 file; an added REFERENCES column must default
// to NULL while foreign keys are enforced, which is also what a plain run has.
// SQLite copies an added column's text, comments included, into the table's
// CREATE statement before its closing parenthesis, so a '--' comment there
// would swallow the parenthesis: these columns carry /* */ comments.
constexpr const char* kVersion2 = R"sql(
CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,       -- referenced by runs.sweep_id
  name TEXT NOT NULL UNIQUE,    -- the sweep name users pass to `sweep` and `runs list --sweep`
  spec_toml TEXT NOT NULL,      -- the sweep file as resolved when the sweep first started
  metric TEXT NOT NULL,         -- the score it optimises, e.g. 'link/hadamard/roc_auc'
  goal TEXT NOT NULL            -- whether a higher or a lower metric is better
    CHECK (goal IN ('maximize', 'minimize')),
  created_at TEXT NOT NULL      -- when it was first started
);

ALTER TABLE runs ADD COLUMN sweep_id INTEGER REFERENCES sweeps(id)
  /* the sweep this run is a trial of; NULL: a plain run */;
ALTER TABLE runs ADD COLUMN trial_key TEXT NOT NULL DEFAULT ''
  /* which trial of the sweep, the same across resumes; '' for a plain run */;
CREATE INDEX runs_by_trial ON runs(sweep_id, trial_key);
)sql";

// Version 3: the files each run read, named by content, so that two runs
// can be told to have seen the same data (or not) and a resumed run can
// refuse a graph that changed under its checkpoint.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE inputs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  role TEXT NOT NULL,           -- 'graph', 'labels', 'embeddings', 'embeddings_ids'
  path TEXT NOT NULL,           -- the file as the config named it
  bytes INTEGER NOT NULL,       -- its size on disk
  sha256 TEXT NOT NULL,         -- of its bytes on disk, as `sha256sum` prints it
  PRIMARY KEY (run_id, role)
);
)sql";

// kMigrations[v] brings a file from version v to v + 1. Append, never edit:
// files in the wild were written by the earlier entries.
constexpr const char* kMigrations[] = {kVersion1, kVersion2, kVersion3};
static_assert(std::size(kMigrations) == static_cast<size_t>(kSchemaVersion),
              "one migration per schema version");

bool has_version_table(Database& db) {
  Statement query(db,
                  "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  return query.step();
}

int read_version(Database& db) {
  Statement query(db, "SELECT MAX(version) FROM schema_version");
  query.step();
  return query.column_is_null(0) ? 0 : static_cast<int>(query.column_int64(0));
}

}  // namespace

void migrate_schema(Database& db) {
  in_transaction(db, TransactionMode::kWrite, [&db] {
    db.exec(kVersionTable);
    const int found = read_version(db);
    if (found > kSchemaVersion) {
      throw Error(located(db.path(), 0,
                          "run store has schema version " + std::to_string(found) +
                              ", newer than this workbench understands (" +
                              std::to_string(kSchemaVersion) + "); upgrade workbench"));
    }
    if (found == kSchemaVersion) return;
    for (int version = found; version < kSchemaVersion; ++version) db.exec(kMigrations[version]);
    db.exec("DELETE FROM schema_version");
    Statement record(db, "INSERT INTO schema_version(version) VALUES (?1)");
    record.bind_int64(1, kSchemaVersion).run();
  });
}

int schema_version(Database& db) { return has_version_table(db) ? read_version(db) : 0; }

std::string utc_timestamp() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto now = std::chrono::system_clock::now();
  const auto since_epoch_ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(since_epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Sized for any int in each field, so the compiler can see nothing is cut.
  char text[80];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(since_epoch_ms % 1000));
  return text;
}

}  // namespace wb
