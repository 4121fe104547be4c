// RunStore's sweeps: the sweeps table, and claiming a sweep's trials so that
// several processes can work through one sweep without running a trial twice.
#include <mutex>

#include "core/errors.h"
#include "store/run_rows.h"
#include "store/run_store.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"

namespace wb {
namespace {

constexpr const char* kSweepColumns =
    "SELECT id, name, spec_toml, metric, goal, created_at FROM sweeps ";

SweepRecord read_sweep(const Statement& row) {
  SweepRecord sweep;
  sweep.id = row.column_int64(0);
  sweep.name = row.column_text(1);
  sweep.spec_toml = row.column_text(2);
  sweep.metric = row.column_text(3);
  sweep.goal = row.column_text(4);
  sweep.created_at = row.column_text(5);
  return sweep;
}

struct TrialRun {
  int64_t id;
  std::string status;
  std::string host;
  int64_t pid;
  std::string heartbeat_at;
  double seconds_since_heartbeat;
};

std::vector<TrialRun> trial_runs(Database& db, int64_t sweep_id, const std::string& trial_key) {
  Statement query(db, R"sql(
SELECT id, status, host, pid, heartbeat_at,
       (julianday('now') - julianday(heartbeat_at)) * 86400.0
FROM runs WHERE sweep_id = ?1 AND trial_key = ?2 ORDER BY id
)sql");
  query.bind_int64(1, sweep_id).bind_text(2, trial_key);
  std::vector<TrialRun> runs;
  while (query.step()) {
    runs.push_back({query.column_int64(0), query.column_text(1), query.column_text(2),
                    query.column_int64(3), query.column_text(4), query.column_double(5)});
  }
  return runs;
}

// Why a running run counts as dead, or "" while it may still be alive.
std::string stale_reason(const TrialRun& run, const std::string& this_host,
                         int stale_after_seconds) {
  if (run.host == this_host && process_is_gone(run.pid)) {
    return "process " + std::to_string(run.pid) + " on " + run.host +
           " ended without finishing the trial; last sign of life " + run.heartbeat_at;
  }
  if (stale_after_seconds > 0 && run.seconds_since_heartbeat > stale_after_seconds) {
    return "no heartbeat from process " + std::to_string(run.pid) + " on " + run.host +
           " for more than " + std::to_string(stale_after_seconds) + " s; last sign of life " +
           run.heartbeat_at;
  }
  return "";
}

// A user's Ctrl-C says nothing about the trial, so it does not use up an attempt.
bool counts_as_attempt(const std::string& status) {
  return status == "failed" || status == "crashed";
}

}  // namespace

int64_t RunStore::ensure_sweep(const std::string& name, const std::string& spec_toml,
                               const std::string& metric, const std::string& goal) {
  if (name.empty()) throw Error(located(path_, 0, "a sweep needs a name"));
  if (goal != "maximize" && goal != "minimize") {
    throw Error(located(
        path_, 0, "sweep '" + name + "': goal must be maximize or minimize, not '" + goal + "'"));
  }
  int64_t sweep_id = 0;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    Statement insert(*db_,
                     "INSERT INTO sweeps(name, spec_toml, metric, goal, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(name) DO NOTHING");
    insert.bind_text(1, name)
        .bind_text(2, spec_toml)
        .bind_text(3, metric)
        .bind_text(4, goal)
        .bind_text(5, utc_timestamp())
        .run();
    Statement find(*db_, "SELECT id FROM sweeps WHERE name = ?1");
    find.bind_text(1, name).step();
    sweep_id = find.column_int64(0);
  });
  return sweep_id;
}

std::optional<SweepRecord> RunStore::find_sweep(const std::string& name) const {
  const std::string sql = std::string(kSweepColumns) + "WHERE name = ?1";
  std::optional<SweepRecord> sweep;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kRead, [&] {
    sweep.reset();
    Statement query(*db_, sql.c_str());
    query.bind_text(1, name);
    if (query.step()) sweep = read_sweep(query);
  });
  return sweep;
}

std::vector<SweepRecord> RunStore::list_sweeps() const {
  const std::string sql = std::string(kSweepColumns) + "ORDER BY created_at, id";
  std::vector<SweepRecord> sweeps;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kRead, [&] {
    sweeps.clear();
    Statement query(*db_, sql.c_str());
    while (query.step()) sweeps.push_back(read_sweep(query));
  });
  return sweeps;
}

TrialClaim RunStore::claim_trial(const RunStart& start, int max_attempts, int stale_after_seconds) {
  if (start.experiment.empty()) throw Error(located(path_, 0, "a run needs an experiment name"));
  if (start.sweep_id <= 0 || start.trial_key.empty()) {
    throw Error(located(path_, 0, "claim_trial needs the run's sweep_id and trial_key"));
  }
  if (max_attempts < 1) {
    throw Error(
        located(path_, 0, "max_attempts must be at least 1, not " + std::to_string(max_attempts)));
  }
  const std::string host = host_name();
  TrialClaim claim;
  std::lock_guard<std::mutex> lock(db_->mutex());
  // BEGIN IMMEDIATE takes the write lock before anything is read, so two
  // claimers serialise here and the second sees the first one's new run.
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    claim = TrialClaim{};
    Statement sweep(*db_, "SELECT 1 FROM sweeps WHERE id = ?1");
    sweep.bind_int64(1, start.sweep_id);
    if (!sweep.step()) {
      throw Error(located(path_, 0, "no sweep with id " + std::to_string(start.sweep_id)));
    }
    int64_t finished_id = 0;
    int64_t running_id = 0;
    for (TrialRun& run : trial_runs(*db_, start.sweep_id, start.trial_key)) {
      if (run.status == "running") {
        const std::string reason = stale_reason(run, host, stale_after_seconds);
        if (!reason.empty()) {
          mark_crashed(*db_, run.id, reason);
          run.status = "crashed";
        }
      }
      if (run.status == "finished") finished_id = run.id;
      if (run.status == "running") running_id = run.id;
      if (counts_as_attempt(run.status)) ++claim.attempts;
    }
    if (finished_id != 0) {
      claim.state = TrialState::kDone;
      claim.run_id = finished_id;
    } else if (running_id != 0) {
      claim.state = TrialState::kBusy;
      claim.run_id = running_id;
    } else if (claim.attempts >= max_attempts) {
      claim.state = TrialState::kExhausted;
    } else {
      claim.state = TrialState::kClaimed;
      claim.run_id = insert_run(*db_, start);
    }
  });
  return claim;
}

void RunStore::set_trial_keys(int64_t sweep_id, const std::map<int64_t, std::string>& keys) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kWrite, [&] {
    Statement update(*db_, "UPDATE runs SET trial_key = ?1 WHERE id = ?2 AND sweep_id = ?3");
    for (const auto& [run_id, key] : keys) {
      update.bind_text(1, key).bind_int64(2, run_id).bind_int64(3, sweep_id).run();
      if (db_->changes() != 1) {
        throw Error(located(path_, 0,
                            "run " + std::to_string(run_id) + " is not a run of sweep " +
                                std::to_string(sweep_id)));
      }
    }
  });
}

std::vector<RunDetails> RunStore::sweep_runs(int64_t sweep_id) const {
  const std::string sql = std::string(kSummaryQuery) + "WHERE r.sweep_id = ?1 ORDER BY r.id";
  std::vector<RunDetails> runs;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kRead, [&] {
    runs.clear();
    Statement query(*db_, sql.c_str());
    query.bind_int64(1, sweep_id);
    while (query.step()) runs.emplace_back().summary = read_summary(query);
    for (RunDetails& run : runs) {
      load_scores_and_tags(*db_, run.summary);
      load_details(*db_, run.summary.id, run);
    }
  });
  return runs;
}

}  // namespace wb
