#include "store/run_store.h"

#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <mutex>
#include <system_error>

#include "core/errors.h"
#include "store/run_rows.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"
#include "store/store_recorder.h"

namespace wb {
namespace {

// Long enough to ride out another process's flush of a large buffer.
constexpr int kBusyTimeoutMs = 10000;

constexpr const char* kStatusNames[] = {"running", "finished", "failed", "interrupted", "crashed"};

// Every table with a run_id column. Foreign keys would cascade the delete
// too, but only on connections that enabled them; naming the tables keeps
// delete_runs complete whoever else opens the file.
constexpr const char* kDeleteRunChildRows[] = {
    "DELETE FROM params WHERE run_id = ?1",      "DELETE FROM metrics WHERE run_id = ?1",
    "DELETE FROM timings WHERE run_id = ?1",     "DELETE FROM scores WHERE run_id = ?1",
    "DELETE FROM environment WHERE run_id = ?1", "DELETE FROM artifacts WHERE run_id = ?1",
    "DELETE FROM tags WHERE run_id = ?1",        "DELETE FROM inputs WHERE run_id = ?1",
};

// The stored status of a run; throws Error naming the store for an unknown id.
std::string status_of(Database& db, const std::string& path, int64_t run_id) {
  Statement query(db, "SELECT status FROM runs WHERE id = ?1");
  query.bind_int64(1, run_id);
  if (!query.step()) throw Error(no_such_run(path, run_id));
  return query.column_text(0);
}

}  // namespace

std::string artifact_root_of(const std::string& store_path) {
  const std::filesystem::path path(store_path);
  const std::string stem = path.stem().string();
  const std::string folder = stem == "workbench" ? "artifacts" : stem + "-artifacts";
  return (path.parent_path() / folder).string();
}

std::string to_string(RunStatus status) { return kStatusNames[static_cast<int>(status)]; }

RunStatus run_status_from_string(const std::string& name) {
  for (int i = 0; i < static_cast<int>(std::size(kStatusNames)); ++i) {
    if (name == kStatusNames[i]) return static_cast<RunStatus>(i);
  }
  throw Error("unknown run status '" + name +
              "' (expected running, finished, failed, interrupted or crashed)");
}

RunStore::RunStore(const std::string& path) : path_(path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      throw Error(located(
          path, 0,
          "cannot create the run store's directory " + parent.string() + ": " + error.message()));
    }
  }
  try {
    db_ = std::make_unique<Database>(path);
    db_->set_busy_timeout(kBusyTimeoutMs);
    // Readers and one writer proceed concurrently in WAL mode, which lets a
    // `workbench runs` read the file while jobs write to it. Switching needs an
    // exclusive lock, so a store opening next to a busy one may have to wait.
    retry_when_busy([this] { db_->exec("PRAGMA journal_mode=WAL"); });
    // In WAL mode NORMAL stays consistent after a crash and may lose only the
    // last commits on power loss, while sparing an fsync per flush.
    db_->exec("PRAGMA synchronous=NORMAL");
    db_->exec("PRAGMA foreign_keys=ON");
    migrate_schema(*db_);
  } catch (const SqliteError& e) {
    throw Error(located(path, 0, "cannot open the run store: " + e.detail()));
  }
}

RunStore::~RunStore() = default;

int64_t RunStore::begin_run(const RunStart& start) {
  if (start.experiment.empty()) throw Error(located(path_, 0, "a run needs an experiment name"));
  int64_t run_id = 0;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] { run_id = insert_run(*db_, start); });
  return run_id;
}

std::unique_ptr<Recorder> RunStore::recorder(int64_t run_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  if (!run_exists(*db_, run_id)) throw Error(no_such_run(path_, run_id));
  return make_store_recorder(*db_, run_id);
}

void RunStore::finish_run(int64_t run_id, RunStatus status, const std::string& message) {
  if (status == RunStatus::kRunning) {
    throw Error(located(path_, 0, "finish_run needs a final status, not running"));
  }
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    const std::string current = status_of(*db_, path_, run_id);
    if (current != "running" && current != "crashed") {
      throw Error(located(
          path_, 0, "run " + std::to_string(run_id) + " has already ended (" + current + ")"));
    }
    const std::string now = utc_timestamp();
    Statement update(*db_,
                     "UPDATE runs SET status = ?2, ended_at = ?3, heartbeat_at = ?3, message = ?4 "
                     "WHERE id = ?1");
    update.bind_int64(1, run_id)
        .bind_text(2, to_string(status))
        .bind_text(3, now)
        .bind_text(4, message)
        .run();
  });
}

void RunStore::resume_run(int64_t run_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    const std::string current = status_of(*db_, path_, run_id);
    if (current != "interrupted" && current != "crashed" && current != "failed") {
      throw Error(located(path_, 0,
                          "run " + std::to_string(run_id) + " is " + current +
                              ": only interrupted, crashed or failed runs can be resumed"));
    }
    const std::string now = utc_timestamp();
    Statement update(*db_,
                     "UPDATE runs SET status = 'running', ended_at = NULL, message = '', "
                     "heartbeat_at = ?2, host = ?3, pid = ?4 WHERE id = ?1");
    update.bind_int64(1, run_id)
        .bind_text(2, now)
        .bind_text(3, host_name())
        .bind_int64(4, getpid());
    update.run();
  });
}

void RunStore::heartbeat(int64_t run_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  int changed = 0;
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    Statement touch(*db_, "UPDATE runs SET heartbeat_at = ?2 WHERE id = ?1");
    touch.bind_int64(1, run_id).bind_text(2, utc_timestamp()).run();
    changed = db_->changes();
  });
  if (changed == 0) throw Error(no_such_run(path_, run_id));
}

int RunStore::reap_dead_runs() {
  const std::string host = host_name();
  std::lock_guard<std::mutex> lock(db_->mutex());
  int reaped = 0;
  // Inside one write transaction, so two reapers cannot both mark a run and a
  // run cannot finish between the check and the update.
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    struct Candidate {
      int64_t run_id;
      int64_t pid;
      std::string heartbeat_at;
    };
    // Collected first: SQLite leaves it undefined whether a running SELECT
    // sees rows that are updated under it.
    std::vector<Candidate> candidates;
    Statement running(
        *db_, "SELECT id, pid, heartbeat_at FROM runs WHERE status = 'running' AND host = ?1");
    running.bind_text(1, host);
    while (running.step()) {
      candidates.push_back(
          {running.column_int64(0), running.column_int64(1), running.column_text(2)});
    }
    reaped = 0;
    for (const Candidate& run : candidates) {
      if (!process_is_gone(run.pid)) continue;
      mark_crashed(*db_, run.run_id,
                   "process " + std::to_string(run.pid) + " on " + host +
                       " ended without finishing the run; last sign of life " + run.heartbeat_at);
      ++reaped;
    }
  });
  return reaped;
}

void RunStore::add_tag(int64_t run_id, const std::string& tag) {
  if (tag.empty()) throw Error(located(path_, 0, "a tag cannot be empty"));
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    if (!run_exists(*db_, run_id)) throw Error(no_such_run(path_, run_id));
    // Tagging twice is harmless: the primary key keeps one row.
    Statement insert(*db_, "INSERT OR IGNORE INTO tags(run_id, tag) VALUES (?1, ?2)");
    insert.bind_int64(1, run_id).bind_text(2, tag).run();
  });
}

void RunStore::remove_tag(int64_t run_id, const std::string& tag) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    if (!run_exists(*db_, run_id)) throw Error(no_such_run(path_, run_id));
    Statement remove(*db_, "DELETE FROM tags WHERE run_id = ?1 AND tag = ?2");
    remove.bind_int64(1, run_id).bind_text(2, tag).run();
  });
}

std::vector<std::string> RunStore::tags(int64_t run_id) const {
  std::vector<std::string> found;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kRead, [&] {
    found.clear();
    if (!run_exists(*db_, run_id)) throw Error(no_such_run(path_, run_id));
    Statement query(*db_, "SELECT tag FROM tags WHERE run_id = ?1 ORDER BY tag");
    query.bind_int64(1, run_id);
    while (query.step()) found.push_back(query.column_text(0));
  });
  return found;
}

int RunStore::delete_runs(const std::vector<int64_t>& run_ids) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  int deleted = 0;
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    for (const char* sql : kDeleteRunChildRows) {
      Statement remove(*db_, sql);
      for (int64_t run_id : run_ids) remove.bind_int64(1, run_id).run();
    }
    deleted = 0;
    Statement remove_run(*db_, "DELETE FROM runs WHERE id = ?1");
    for (int64_t run_id : run_ids) {
      remove_run.bind_int64(1, run_id).run();
      deleted += db_->changes();
    }
  });
  return deleted;
}

}  // namespace wb
