#pragma once
// Where every run's record lives: one SQLite file holding experiments, runs and
// their parameters, environment, metric series, timings, scores and artifacts.
// Several processes may write the same file at once (WAL mode, transactions
// retried on contention), and every multi-row write is one transaction, so a
// failure never leaves a half-written run behind.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "run/recorder.h"

namespace wb {

class Database;

enum class RunStatus { kRunning, kFinished, kFailed, kInterrupted, kCrashed };

// The names stored in runs.status: "running", "finished", ...
std::string to_string(RunStatus status);
// Throws wb::Error for a name that is not a status.
RunStatus run_status_from_string(const std::string& name);

// Where runs recorded in the store at `store_path` keep their files (run-ID
// folders): "artifacts" beside the default workbench.db, "<name>-artifacts"
// beside any other store, so that two stores in one folder never write into
// each other's run folders.
std::string artifact_root_of(const std::string& store_path);

// Everything known about a run before it starts.
struct RunStart {
  std::string experiment;  // experiment name (created on first use)
  std::string config_path;
  std::string config_toml;                                  // the full resolved config as TOML text
  std::vector<std::pair<std::string, std::string>> params;  // "train.dimension" -> "128"
  std::vector<std::pair<std::string, std::string>> environment;  // "torch_version" -> "2.11.0"
  int64_t seed = 0;
  std::string device;
  std::string git_commit;
  bool git_dirty = false;
  std::string command_line;
  // Set for a sweep's trial (see claim_trial); 0 and "" for a plain run.
  int64_t sweep_id = 0;
  std::string trial_key;
};

// One line of `workbench runs`. Timestamps are ISO-8601 UTC text.
struct RunSummary {
  int64_t id = 0;
  std::string experiment;
  std::string status;
  std::string started_at;
  std::string ended_at;  // "" while running
  std::string device;
  int64_t seed = 0;
  double seconds = -1;  // ended_at - started_at, or -1 while running
  std::map<std::string, double> scores;
  std::string sweep;              // the sweep's name; "" for a plain run
  std::string trial_key;          // "" for a plain run
  std::vector<std::string> tags;  // sorted
};

struct MetricPoint {
  int64_t step;
  double value;
};

// A file a run read (see Recorder::input).
struct RunInput {
  std::string role;  // "graph", "labels", "embeddings", "embeddings_ids"
  std::string path;
  int64_t bytes = 0;
  std::string sha256;
};

// Everything stored about one run. Lists keep the order they were recorded in.
struct RunDetails {
  RunSummary summary;
  std::string config_path;
  std::string config_toml;
  std::string git_commit;
  std::string command_line;
  std::string message;  // why it failed, was interrupted or crashed
  std::string host;
  bool git_dirty = false;
  int64_t pid = 0;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::pair<std::string, std::string>> environment;
  std::map<std::string, std::vector<MetricPoint>> metrics;  // each series sorted by step
  std::vector<std::pair<std::string, double>> timings;      // phase, seconds
  std::vector<std::tuple<std::string, std::string, int64_t>> artifacts;  // kind, path, bytes
  std::vector<RunInput> inputs;                                          // by role

  // The value of param `key` ("walk.p"), or `missing` when the run has none.
  std::string param(const std::string& key, const std::string& missing = "") const {
    for (const auto& [name, value] : params) {
      if (name == key) return value;
    }
    return missing;
  }
};

// Empty fields match everything; limit <= 0 means no limit.
struct RunFilter {
  std::string experiment;
  std::string status;  // a to_string(RunStatus) name; anything else throws
  std::string sweep;   // sweep name
  std::string tag;
  // Simple conditions, all of which must hold: "params.train.dimension=128",
  // "scores.link/hadamard/roc_auc>=0.9", "metrics..." is not supported.
  // Operators: = != < <= > >=; numbers compare as numbers, text as text.
  std::vector<std::string> where;
  int64_t limit = 0;
};

// A sweep: a named family of trials over one base experiment.
struct SweepRecord {
  int64_t id = 0;
  std::string name;
  std::string spec_toml;  // the sweep file as resolved when first started
  std::string metric;     // e.g. "link/hadamard/roc_auc"
  std::string goal;       // "maximize" | "minimize"
  std::string created_at;
};

// What claim_trial found for a trial.
enum class TrialState {
  kClaimed,    // a new run was recorded for it as running: this caller runs it
  kDone,       // a finished run exists
  kBusy,       // another live process is running it
  kExhausted,  // it failed (or crashed) max_attempts times already
};

struct TrialClaim {
  TrialState state = TrialState::kBusy;
  int64_t run_id = 0;  // the new run for kClaimed, the latest finished one for kDone,
                       // the running one for kBusy, 0 for kExhausted
  int attempts = 0;    // runs of this trial that failed or crashed (not interrupted ones)
};

// What import_runs did.
struct ImportResult {
  std::vector<std::pair<int64_t, int64_t>> imported;  // (id in the source, new id here)
  int already_here = 0;   // imported before: same host, process and start time
  int still_running = 0;  // skipped: their records are not complete yet
};

// One open store file. A RunStore and the recorders it hands out may be used
// from several threads: each operation holds the connection for its duration.
// Errors are wb::Error, with messages that name the file.
class RunStore {
 public:
  // Creates the parent directories and the file if missing, and brings the
  // schema up to date. Throws wb::Error when the directory cannot be created,
  // the file cannot be opened, is not a SQLite database, or was written by a
  // newer workbench.
  explicit RunStore(const std::string& path);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  // Records a new run as running on this host and process: the experiment
  // (created on first use), the run, its params and environment, all in one
  // transaction. Returns the run id.
  int64_t begin_run(const RunStart& start);

  // A Recorder that buffers what the job reports and writes it to this run in
  // one transaction per flush(); it flushes by itself every 1000 metric points
  // and when destroyed (where errors are swallowed: call flush() to see them).
  // It refers to this store's connection, so it must not outlive the store.
  // Throws wb::Error when the run does not exist.
  std::unique_ptr<Recorder> recorder(int64_t run_id);

  // Ends a run that is running (or was marked crashed by mistake, e.g. by a
  // reaper in another pid namespace) with a final status; message says why it
  // failed or was interrupted. Throws wb::Error for kRunning, an unknown run
  // or a run that has already ended.
  void finish_run(int64_t run_id, RunStatus status, const std::string& message = "");
  // Marks an interrupted, crashed or failed run running again, owned by this
  // process (a resumed run keeps its id, records and artifacts). Throws Error
  // for a run that is running or finished.
  void resume_run(int64_t run_id);

  // Marks the run alive now, for tools that look for stale runs.
  void heartbeat(int64_t run_id);

  // Marks as crashed every run still running on this host whose process no
  // longer exists, e.g. after a kill -9 or a power cut. Runs on other hosts
  // are left alone: their pids mean nothing here. Returns how many it marked.
  int reap_dead_runs();

  // Sweeps. ensure_sweep creates the sweep on first use and returns its id;
  // later calls with the same name return the same id (the stored spec is
  // kept, so a resumed sweep is compared against what it started as).
  // Throws wb::Error for a goal other than "maximize" or "minimize".
  int64_t ensure_sweep(const std::string& name, const std::string& spec_toml,
                       const std::string& metric, const std::string& goal);
  std::optional<SweepRecord> find_sweep(const std::string& name) const;
  std::vector<SweepRecord> list_sweeps() const;  // oldest first

  // In one write transaction: first marks as crashed any run of this trial
  // that is 'running' but has had no heartbeat for stale_after_seconds (or
  // whose process is gone on this host); then, unless the trial is done,
  // busy or exhausted, records a new run for it exactly as begin_run does
  // (start.sweep_id and start.trial_key must be set). Two processes claiming
  // the same trial at once: exactly one gets kClaimed. A finished run makes
  // the trial done even if later attempts failed; it is exhausted once
  // attempts >= max_attempts (>= 1). stale_after_seconds <= 0 turns the
  // heartbeat test off, leaving only the dead-process test on this host.
  TrialClaim claim_trial(const RunStart& start, int max_attempts, int stale_after_seconds);

  // Runs of a sweep, oldest first, with their params (for leaderboards).
  std::vector<RunDetails> sweep_runs(int64_t sweep_id) const;
  // Sets the trial keys of runs of a sweep (run id -> key) in one write
  // transaction, for when the key function changes. Throws wb::Error, with
  // nothing changed, for a run that is not one of the sweep's.
  void set_trial_keys(int64_t sweep_id, const std::map<int64_t, std::string>& keys);

  // Tagging twice keeps one tag; removing a tag the run lacks does nothing.
  // All three throw wb::Error for a run that does not exist.
  void add_tag(int64_t run_id, const std::string& tag);
  void remove_tag(int64_t run_id, const std::string& tag);
  std::vector<std::string> tags(int64_t run_id) const;  // sorted
  // Deletes runs with everything recorded about them (not their artifact
  // files: the caller decides), in one transaction. Returns how many existed.
  int delete_runs(const std::vector<int64_t>& run_ids);

  // Copies runs of the store at `source_path` (read only; every run, or those
  // listed) into this one, in one transaction: experiments and sweeps matched
  // by name, run ids renumbered, every row kept, and an environment entry
  // "imported_from" naming the source and its run id (artifact paths still
  // name the source machine's files). A sweep's imported trials count as done
  // here, so one sweep can be split across machines. Throws wb::Error, with
  // nothing imported, for a missing or unreadable source, one of another
  // schema version, an unknown run id, or a sweep whose spec differs here.
  ImportResult import_runs(const std::string& source_path,
                           const std::vector<int64_t>& run_ids = {});

  // Newest first. Throws wb::Error for an unknown status or a malformed
  // where condition (see run_condition.h).
  std::vector<RunSummary> list_runs(const RunFilter& filter = {}) const;
  std::optional<RunDetails> find_run(int64_t id) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<Database> db_;
};

}  // namespace wb
