#pragma once
// One sweep worker: walks the planned trials and runs each one it can claim
// in the store. Several workers (processes) may walk the same plan at once;
// the store's claims make sure each trial runs once, and a trial left running
// by a dead process is claimed again.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "exec/experiment_runner.h"
#include "store/run_store.h"
#include "sweep/sweep_config.h"
#include "sweep/trial_plan.h"

namespace wb {

struct SweepWorkerOptions {
  int worker_index = 0;  // starts at this trial, so workers begin on different ones
  RunOrigin origin;      // recorded with each trial's run
  const std::atomic<bool>* stop_requested = nullptr;  // Ctrl-C: stop after the current trial
};

// What a worker did. "Skipped" trials were found done, running elsewhere or
// given up on; only claimed trials count as ran.
struct WorkerCounts {
  int64_t finished = 0;
  int64_t pruned = 0;
  int64_t failed = 0;
  int64_t skipped_done = 0;
  int64_t skipped_busy = 0;
  int64_t skipped_exhausted = 0;
  bool interrupted = false;
};

struct SweepEvents {
  std::function<void(const Trial&, const RunResult& started)> trial_started;
  std::function<void(const Trial&, const RunResult& ended, double seconds)> trial_ended;
};

// Runs until every trial has been looked at once, or a stop is requested (the
// running trial then ends 'interrupted', and a later sweep runs it again).
WorkerCounts run_sweep_worker(RunStore& store, int64_t sweep_id, const SweepConfig& sweep,
                              const TrialPlan& plan, const SweepWorkerOptions& options,
                              const SweepEvents& events);

}  // namespace wb
