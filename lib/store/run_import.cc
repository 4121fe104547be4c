// RunStore::import_runs: runs recorded elsewhere (a GPU machine, a colleague's
// laptop) merged into this store, so one report can compare them.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "core/errors.h"
#include "store/run_store.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"

namespace wb {
namespace {

// Every table with a run_id column, and its other columns.
constexpr std::pair<const char*, const char*> kRunChildTables[] = {
    {"params", "key, value"},
    {"metrics", "key, step, value, recorded_at"},
    {"timings", "phase, seconds"},
    {"scores", "key, value"},
    {"environment", "key, value"},
    {"artifacts", "kind, path, bytes"},
    {"tags", "tag"},
    {"inputs", "role, path, bytes, sha256"},
};

// "file:" URI of `path`, which SQLite reads percent-decoded.
std::string file_uri(const std::string& path, const char* query) {
  std::string uri = "file:";
  for (unsigned char c : std::filesystem::absolute(path).string()) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-') {
      uri += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof(escaped), "%%%02X", c);
      uri += escaped;
    }
  }
  return uri + "?" + query;
}

// The source stays attached as "source" while it lives.
class AttachedSource {
 public:
  AttachedSource(Database& db, const std::string& path) : db_(db) {
    if (!std::filesystem::is_regular_file(path)) throw Error(path + ": no such store");
    // A store no process has open has no -wal file; read it as immutable then,
    // which needs no -shm file beside it, so a read-only copy (fetched from
    // another machine) can be read. A live store is read with locking.
    const bool live = std::filesystem::exists(path + "-wal");
    try {
      Statement attach(db, "ATTACH DATABASE ?1 AS source");
      attach.bind_text(1, file_uri(path, live ? "mode=ro" : "immutable=1")).run();
    } catch (const SqliteError& e) {
      throw Error(path + " is not a workbench store (" + e.detail() + ")");
    }
  }
  ~AttachedSource() {
    try {
      db_.exec("DETACH DATABASE source");
    } catch (const Error&) {
      // Closing the connection detaches it too.
    }
  }
  AttachedSource(const AttachedSource&) = delete;
  AttachedSource& operator=(const AttachedSource&) = delete;

 private:
  Database& db_;
};

int source_schema_version(Database& db, const std::string& path) {
  try {
    Statement query(db, "SELECT MAX(version) FROM source.schema_version");
    if (!query.step() || query.column_is_null(0)) throw Error(path + " is not a workbench store");
    return static_cast<int>(query.column_int64(0));
  } catch (const SqliteError& e) {
    throw Error(path + " is not a workbench store (" + e.detail() + ")");
  }
}

struct SourceRun {
  int64_t id;
  std::string status, experiment, sweep;
};

std::vector<SourceRun> source_runs(Database& db) {
  Statement query(db,
                  "SELECT r.id, r.status, e.name, COALESCE(s.name, '') FROM source.runs r "
                  "JOIN source.experiments e ON e.id = r.experiment_id "
                  "LEFT JOIN source.sweeps s ON s.id = r.sweep_id ORDER BY r.id");
  std::vector<SourceRun> runs;
  while (query.step()) {
    runs.push_back(
        {query.column_int64(0), query.column_text(1), query.column_text(2), query.column_text(3)});
  }
  return runs;
}

int64_t experiment_id(Database& db, const std::string& name) {
  Statement insert(db,
                   "INSERT OR IGNORE INTO experiments (name, created_at) "
                   "SELECT name, created_at FROM source.experiments WHERE name = ?1");
  insert.bind_text(1, name).run();
  Statement query(db, "SELECT id FROM experiments WHERE name = ?1");
  query.bind_text(1, name);
  query.step();
  return query.column_int64(0);
}

// The sweep here of that name, created from the source's record when
// missing; one that exists here must have the same spec.
int64_t sweep_id(Database& db, const std::string& name, const std::string& path) {
  Statement source(db,
                   "SELECT spec_toml, metric, goal, created_at FROM source.sweeps WHERE name = ?1");
  source.bind_text(1, name);
  source.step();
  const std::string spec = source.column_text(0);
  Statement here(db, "SELECT id, spec_toml FROM sweeps WHERE name = ?1");
  here.bind_text(1, name);
  if (here.step()) {
    if (here.column_text(1) != spec) {
      throw Error("sweep '" + name + "' of " + path +
                  " has another spec than the sweep of that name here; nothing was imported");
    }
    return here.column_int64(0);
  }
  Statement insert(db,
                   "INSERT INTO sweeps (name, spec_toml, metric, goal, created_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)");
  insert.bind_text(1, name).bind_text(2, spec).bind_text(3, source.column_text(1));
  insert.bind_text(4, source.column_text(2)).bind_text(5, source.column_text(3)).run();
  return db.last_insert_rowid();
}

// The same run: recorded by the same process at the same time, with the same
// config, seed and trial (one process may start runs within a millisecond).
bool already_here(Database& db, const SourceRun& run) {
  Statement query(db,
                  "SELECT 1 FROM runs r JOIN source.runs s ON s.id = ?1 WHERE r.host = s.host "
                  "AND r.pid = s.pid AND r.started_at = s.started_at AND r.seed = s.seed "
                  "AND r.trial_key = s.trial_key AND r.config_toml = s.config_toml");
  query.bind_int64(1, run.id);
  return query.step();
}

int64_t copy_run(Database& db, const SourceRun& run, int64_t experiment, int64_t sweep,
                 const std::string& path) {
  Statement insert(db,
                   "INSERT INTO runs (experiment_id, status, started_at, ended_at, seed, device, "
                   "git_commit, git_dirty, command_line, config_path, config_toml, message, host, "
                   "pid, heartbeat_at, sweep_id, trial_key) "
                   "SELECT ?1, status, started_at, ended_at, seed, device, git_commit, git_dirty, "
                   "command_line, config_path, config_toml, message, host, pid, heartbeat_at, "
                   "NULLIF(?2, 0), trial_key FROM source.runs WHERE id = ?3");
  insert.bind_int64(1, experiment).bind_int64(2, sweep).bind_int64(3, run.id).run();
  const int64_t id = db.last_insert_rowid();
  for (const auto& [table, columns] : kRunChildTables) {
    const std::string sql = std::string("INSERT INTO ") + table + " (run_id, " + columns +
                            ") SELECT ?1, " + columns + " FROM source." + table +
                            " WHERE run_id = ?2 ORDER BY rowid";
    Statement copy(db, sql.c_str());
    copy.bind_int64(1, id).bind_int64(2, run.id).run();
  }
  Statement origin(db, "INSERT INTO environment (run_id, key, value) VALUES (?1, ?2, ?3)");
  origin.bind_int64(1, id).bind_text(2, "imported_from");
  origin.bind_text(3, std::filesystem::absolute(path).string() + " run " + std::to_string(run.id))
      .run();
  return id;
}

}  // namespace

ImportResult RunStore::import_runs(const std::string& source_path,
                                   const std::vector<int64_t>& run_ids) {
  std::error_code ignored;
  if (std::filesystem::equivalent(source_path, path_, ignored)) {
    throw Error(source_path + " is this store; nothing to import");
  }
  std::lock_guard<std::mutex> lock(db_->mutex());
  AttachedSource attached(*db_, source_path);
  const int version = source_schema_version(*db_, source_path);
  if (version != kSchemaVersion) {
    throw Error(source_path + " has store schema version " + std::to_string(version) +
                " and this workbench " + std::to_string(kSchemaVersion) +
                (version < kSchemaVersion
                     ? "; open it once with this workbench (workbench runs list --store " +
                           source_path + ") to upgrade it"
                     : "; import with the newer workbench that wrote it"));
  }
  std::vector<SourceRun> runs = source_runs(*db_);
  if (!run_ids.empty()) {
    std::map<int64_t, SourceRun> by_id;
    for (const SourceRun& run : runs) by_id.emplace(run.id, run);
    runs.clear();
    for (int64_t id : std::set<int64_t>(run_ids.begin(), run_ids.end())) {
      const auto found = by_id.find(id);
      if (found == by_id.end()) {
        throw Error(source_path + " has no run " + std::to_string(id) + "; nothing was imported");
      }
      runs.push_back(found->second);
    }
  }
  ImportResult result;
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    result = ImportResult{};
    std::map<std::string, int64_t> sweeps;
    for (const SourceRun& run : runs) {
      if (run.status == "running") {
        ++result.still_running;
        continue;
      }
      if (already_here(*db_, run)) {
        ++result.already_here;
        continue;
      }
      int64_t sweep = 0;
      if (!run.sweep.empty()) {
        const auto known = sweeps.find(run.sweep);
        sweep = known != sweeps.end() ? known->second
                                      : sweeps[run.sweep] = sweep_id(*db_, run.sweep, source_path);
      }
      const int64_t id =
          copy_run(*db_, run, experiment_id(*db_, run.experiment), sweep, source_path);
      result.imported.emplace_back(run.id, id);
    }
  });
  return result;
}

}  // namespace wb
