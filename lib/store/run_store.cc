#include "store/run_store.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <system_error>

#include "core/errors.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"

namespace wb {
namespace {

// Long enough to ride out another process's flush of a large buffer.
constexpr int kBusyTimeoutMs = 10000;
// Big enough that per-transaction cost vanishes, small enough that a crash
// loses only seconds of a training log.
constexpr size_t kAutoFlushMetricPoints = 1000;

constexpr const char* kStatusNames[] = {"running", "finished", "failed", "interrupted", "crashed"};

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, HOST_NAME_MAX) != 0) return "unknown";
  return name;
}

bool process_is_gone(int64_t pid) {
  // kill() reads 0 and negative pids as process groups; such a pid cannot
  // belong to a live run, so it counts as gone.
  if (pid <= 0 || pid > INT_MAX) return true;
  return kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH;
}

std::string no_such_run(const std::string& path, int64_t run_id) {
  return located(path, 0, "no run with id " + std::to_string(run_id));
}

bool run_exists(Database& db, int64_t run_id) {
  Statement query(db, "SELECT 1 FROM runs WHERE id = ?1");
  query.bind_int64(1, run_id);
  return query.step();
}

// Buffers in memory so that a training loop's per-step calls cost no I/O.
class StoreRecorder : public Recorder {
 public:
  StoreRecorder(Database& db, int64_t run_id) : db_(db), run_id_(run_id) {}

  ~StoreRecorder() override {
    try {
      flush();
    } catch (...) {
      // A destructor may run during unwinding; throwing would terminate.
    }
  }

  void metric(const std::string& key, int64_t step, double value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    metrics_.push_back({key, step, value, utc_timestamp()});
    if (metrics_.size() >= kAutoFlushMetricPoints) flush_locked();
  }

  void timing(const std::string& phase, double seconds) override {
    std::lock_guard<std::mutex> lock(mutex_);
    timings_.emplace_back(phase, seconds);
  }

  void score(const std::string& key, double value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    scores_.emplace_back(key, value);
  }

  void artifact(const std::string& kind, const std::string& path, int64_t bytes) override {
    std::lock_guard<std::mutex> lock(mutex_);
    artifacts_.emplace_back(kind, path, bytes);
  }

  void flush() override {
    std::lock_guard<std::mutex> lock(mutex_);
    flush_locked();
  }

 private:
  struct PendingMetric {
    std::string key;
    int64_t step;
    double value;
    std::string recorded_at;
  };

  // The buffers are cleared only after COMMIT, so a failed flush keeps them
  // for the next attempt (or the destructor's).
  void flush_locked() {
    if (metrics_.empty() && timings_.empty() && scores_.empty() && artifacts_.empty()) return;
    std::lock_guard<std::mutex> db_lock(db_.mutex());
    in_transaction(db_, TransactionMode::kWrite, [this] { write_buffers(); });
    metrics_.clear();
    timings_.clear();
    scores_.clear();
    artifacts_.clear();
  }

  void write_buffers() {
    Statement insert_metric(
        db_,
        "INSERT INTO metrics(run_id, key, step, value, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const PendingMetric& point : metrics_) {
      insert_metric.bind_int64(1, run_id_)
          .bind_text(2, point.key)
          .bind_int64(3, point.step)
          .bind_double(4, point.value)
          .bind_text(5, point.recorded_at)
          .run();
    }
    Statement insert_timing(db_, "INSERT INTO timings(run_id, phase, seconds) VALUES (?1, ?2, ?3)");
    for (const auto& [phase, seconds] : timings_) {
      insert_timing.bind_int64(1, run_id_).bind_text(2, phase).bind_double(3, seconds).run();
    }
    // A score is a final result, so recording a key again replaces it.
    Statement upsert_score(db_,
                           "INSERT INTO scores(run_id, key, value) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value");
    for (const auto& [key, value] : scores_) {
      upsert_score.bind_int64(1, run_id_).bind_text(2, key).bind_double(3, value).run();
    }
    Statement insert_artifact(
        db_, "INSERT INTO artifacts(run_id, kind, path, bytes) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [kind, path, bytes] : artifacts_) {
      insert_artifact.bind_int64(1, run_id_)
          .bind_text(2, kind)
          .bind_text(3, path)
          .bind_int64(4, bytes)
          .run();
    }
    // Writing proves the job is alive, which spares it separate heartbeats.
    Statement touch(db_, "UPDATE runs SET heartbeat_at = ?2 WHERE id = ?1");
    touch.bind_int64(1, run_id_).bind_text(2, utc_timestamp()).run();
  }

  Database& db_;
  const int64_t run_id_;
  std::mutex mutex_;  // the buffers; taken before db_.mutex(), never after
  std::vector<PendingMetric> metrics_;
  std::vector<std::pair<std::string, double>> timings_;
  std::vector<std::pair<std::string, double>> scores_;
  std::vector<std::tuple<std::string, std::string, int64_t>> artifacts_;
};

// Shared by list_runs and find_run; read_summary() follows the column order.
constexpr const char* kSummaryColumns = R"sql(
SELECT r.id, e.name, r.status, r.started_at, COALESCE(r.ended_at, ''), r.device, r.seed,
       CASE WHEN r.ended_at IS NULL THEN -1.0
            ELSE ROUND((julianday(r.ended_at) - julianday(r.started_at)) * 86400.0, 3) END
FROM runs r JOIN experiments e ON e.id = r.experiment_id
)sql";

RunSummary read_summary(const Statement& row) {
  RunSummary summary;
  summary.id = row.column_int64(0);
  summary.experiment = row.column_text(1);
  summary.status = row.column_text(2);
  summary.started_at = row.column_text(3);
  summary.ended_at = row.column_text(4);
  summary.device = row.column_text(5);
  summary.seed = row.column_int64(6);
  summary.seconds = row.column_double(7);
  return summary;
}

void load_scores(Database& db, RunSummary& summary) {
  Statement query(db, "SELECT key, value FROM scores WHERE run_id = ?1");
  query.bind_int64(1, summary.id);
  while (query.step()) summary.scores[query.column_text(0)] = query.column_double(1);
}

std::vector<std::pair<std::string, std::string>> load_pairs(Database& db, const char* sql,
                                                            int64_t run_id) {
  std::vector<std::pair<std::string, std::string>> pairs;
  Statement query(db, sql);
  query.bind_int64(1, run_id);
  while (query.step()) pairs.emplace_back(query.column_text(0), query.column_text(1));
  return pairs;
}

// Fills everything but the summary; the run row is known to exist.
void load_details(Database& db, int64_t run_id, RunDetails& details) {
  Statement run(db,
                "SELECT config_path, config_toml, git_commit, command_line, message, host, "
                "git_dirty, pid FROM runs WHERE id = ?1");
  run.bind_int64(1, run_id);
  run.step();
  details.config_path = run.column_text(0);
  details.config_toml = run.column_text(1);
  details.git_commit = run.column_text(2);
  details.command_line = run.column_text(3);
  details.message = run.column_text(4);
  details.host = run.column_text(5);
  details.git_dirty = run.column_int64(6) != 0;
  details.pid = run.column_int64(7);

  details.params =
      load_pairs(db, "SELECT key, value FROM params WHERE run_id = ?1 ORDER BY rowid", run_id);
  details.environment =
      load_pairs(db, "SELECT key, value FROM environment WHERE run_id = ?1 ORDER BY rowid", run_id);

  Statement metrics(
      db, "SELECT key, step, value FROM metrics WHERE run_id = ?1 ORDER BY key, step, rowid");
  metrics.bind_int64(1, run_id);
  while (metrics.step()) {
    details.metrics[metrics.column_text(0)].push_back(
        {metrics.column_int64(1), metrics.column_double(2)});
  }

  Statement timings(db, "SELECT phase, seconds FROM timings WHERE run_id = ?1 ORDER BY rowid");
  timings.bind_int64(1, run_id);
  while (timings.step())
    details.timings.emplace_back(timings.column_text(0), timings.column_double(1));

  Statement artifacts(db,
                      "SELECT kind, path, bytes FROM artifacts WHERE run_id = ?1 ORDER BY rowid");
  artifacts.bind_int64(1, run_id);
  while (artifacts.step()) {
    details.artifacts.emplace_back(artifacts.column_text(0), artifacts.column_text(1),
                                   artifacts.column_int64(2));
  }
}

}  // namespace

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
  const std::string host = host_name();
  const int64_t pid = getpid();
  int64_t run_id = 0;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    const std::string now = utc_timestamp();
    Statement add_experiment(*db_,
                             "INSERT INTO experiments(name, created_at) VALUES (?1, ?2) "
                             "ON CONFLICT(name) DO NOTHING");
    add_experiment.bind_text(1, start.experiment).bind_text(2, now).run();
    Statement find_experiment(*db_, "SELECT id FROM experiments WHERE name = ?1");
    find_experiment.bind_text(1, start.experiment).step();
    const int64_t experiment_id = find_experiment.column_int64(0);

    Statement add_run(*db_, R"sql(
INSERT INTO runs(experiment_id, status, started_at, seed, device, git_commit, git_dirty,
                 command_line, config_path, config_toml, host, pid, heartbeat_at)
VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?2)
)sql");
    add_run.bind_int64(1, experiment_id)
        .bind_text(2, now)
        .bind_int64(3, start.seed)
        .bind_text(4, start.device)
        .bind_text(5, start.git_commit)
        .bind_int64(6, start.git_dirty ? 1 : 0)
        .bind_text(7, start.command_line)
        .bind_text(8, start.config_path)
        .bind_text(9, start.config_toml)
        .bind_text(10, host)
        .bind_int64(11, pid)
        .run();
    run_id = db_->last_insert_rowid();

    Statement add_param(*db_, "INSERT INTO params(run_id, key, value) VALUES (?1, ?2, ?3)");
    for (const auto& [key, value] : start.params) {
      add_param.bind_int64(1, run_id).bind_text(2, key).bind_text(3, value).run();
    }
    Statement add_environment(*db_,
                              "INSERT INTO environment(run_id, key, value) VALUES (?1, ?2, ?3)");
    for (const auto& [key, value] : start.environment) {
      add_environment.bind_int64(1, run_id).bind_text(2, key).bind_text(3, value).run();
    }
  });
  return run_id;
}

std::unique_ptr<Recorder> RunStore::recorder(int64_t run_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  if (!run_exists(*db_, run_id)) throw Error(no_such_run(path_, run_id));
  return std::make_unique<StoreRecorder>(*db_, run_id);
}

void RunStore::finish_run(int64_t run_id, RunStatus status, const std::string& message) {
  if (status == RunStatus::kRunning) {
    throw Error(located(path_, 0, "finish_run needs a final status, not running"));
  }
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    Statement query(*db_, "SELECT status FROM runs WHERE id = ?1");
    query.bind_int64(1, run_id);
    if (!query.step()) throw Error(no_such_run(path_, run_id));
    const std::string current = query.column_text(0);
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
    Statement mark(*db_,
                   "UPDATE runs SET status = 'crashed', ended_at = heartbeat_at, message = ?2 "
                   "WHERE id = ?1");
    for (const Candidate& run : candidates) {
      if (!process_is_gone(run.pid)) continue;
      const std::string message = "process " + std::to_string(run.pid) + " on " + host +
                                  " ended without finishing the run; last sign of life " +
                                  run.heartbeat_at;
      mark.bind_int64(1, run.run_id).bind_text(2, message).run();
      ++reaped;
    }
  });
  return reaped;
}

std::vector<RunSummary> RunStore::list_runs(const RunFilter& filter) const {
  // Validates the name, so that a typo is an error rather than an empty list.
  if (!filter.status.empty()) run_status_from_string(filter.status);
  const std::string sql = std::string(kSummaryColumns) + R"sql(
WHERE (?1 = '' OR e.name = ?1) AND (?2 = '' OR r.status = ?2)
ORDER BY r.started_at DESC, r.id DESC
LIMIT ?3
)sql";
  std::vector<RunSummary> runs;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kRead, [&] {
    runs.clear();
    Statement query(*db_, sql.c_str());
    query.bind_text(1, filter.experiment)
        .bind_text(2, filter.status)
        .bind_int64(3, filter.limit > 0 ? filter.limit : -1);  // SQLite: negative = no limit
    while (query.step()) runs.push_back(read_summary(query));
    for (RunSummary& summary : runs) load_scores(*db_, summary);
  });
  return runs;
}

std::optional<RunDetails> RunStore::find_run(int64_t id) const {
  const std::string sql = std::string(kSummaryColumns) + "WHERE r.id = ?1";
  std::optional<RunDetails> details;
  std::lock_guard<std::mutex> lock(db_->mutex());
  // One read transaction, so the run is seen as of a single commit even while
  // its job keeps flushing.
  in_transaction(*db_, TransactionMode::kRead, [&] {
    details.reset();
    Statement query(*db_, sql.c_str());
    query.bind_int64(1, id);
    if (!query.step()) return;
    details.emplace();
    details->summary = read_summary(query);
    load_scores(*db_, details->summary);
    load_details(*db_, id, *details);
  });
  return details;
}

}  // namespace wb
