#pragma once
// Runs one experiment as a recorded run: resolves the device and threads,
// records the start (config, params, environment, code version), keeps a
// heartbeat while the job runs, and records how it ended. Shared by
// `workbench run` and the sweep workers.
#include <functional>
#include <memory>
#include <string>

#include "config/experiment_config.h"
#include "core/errors.h"
#include "run/pipeline.h"
#include "store/run_store.h"

namespace wb {

// Where runs come from, recorded with each: the same for every run that one
// command starts (a run, a sweep's trials, a report's repetitions).
struct RunOrigin {
  std::string command_line;
  std::string git_commit;
  bool git_dirty = false;
  std::string artifact_root;  // artifacts go to artifact_root/run-ID unless export.directory is set
};

struct RunRequest {
  ExperimentConfig config;
  std::string config_path;
  RunOrigin origin;
  // Set for a sweep's trial: the run is claimed with RunStore::claim_trial
  // instead of begun, and runs only when this caller gets the claim.
  int64_t sweep_id = 0;
  std::string trial_key;
  // Set to continue an interrupted, crashed or failed run (same id) from its
  // last training checkpoint; config must be the run's stored config.
  int64_t resume_run_id = 0;
  int max_attempts = 3;
  // Lets the caller watch what the run records (a sweep's early stopping):
  // given the store's recorder, returns one that forwards to it.
  std::function<std::unique_ptr<Recorder>(Recorder& store_recorder)> watch;
};

// Thrown from inside a run, e.g. by a watching recorder, to end it early
// though nothing went wrong: the run is recorded as finished, with this
// message and the kPrunedTag, so a sweep neither ranks nor re-runs it.
class TrialPruned : public Error {
 public:
  using Error::Error;
};
inline constexpr const char* kPrunedTag = "pruned";

struct RunResult {
  int64_t run_id = 0;
  RunStatus status = RunStatus::kFailed;
  std::string message;  // the error, for failed and interrupted runs
  RunOutcome outcome;
  RunContext context;
  TrialClaim claim;     // for a sweep's trial: what the claim found (kClaimed: it ran)
  bool pruned = false;  // ended by TrialPruned
};

// Throws ConfigError (before anything is recorded) when the config names
// components that do not exist or a device that is not there. Once the run
// is recorded, failures are caught and returned as the run's status.
// `on_start` is called once the run id is known. For a sweep's trial that
// another process has done, is running or has given up on, nothing runs:
// result.claim says which, and on_start is not called.
RunResult execute_run(RunStore& store, const RunRequest& request, const PipelineHooks& hooks,
                      const std::function<void(const RunResult&)>& on_start = {});

// How often a running job proves it is alive, and after how long without a
// sign of life another process may consider it dead.
inline constexpr int kHeartbeatSeconds = 10;
inline constexpr int kStaleAfterSeconds = 60;

}  // namespace wb
