#include "sweep/sweep_runner.h"

#include <chrono>

#include "sweep/early_stopping.h"

namespace wb {
namespace {

RunRequest trial_request(const Trial& trial, int64_t sweep_id, const SweepConfig& sweep,
                         const SweepWorkerOptions& options) {
  RunRequest request;
  request.config = trial.config;
  request.config_path = sweep.experiment_path;
  request.origin = options.origin;
  request.sweep_id = sweep_id;
  request.trial_key = trial.key;
  request.max_attempts = static_cast<int>(sweep.max_attempts);
  return request;
}

// The reference curves are read once the trial is claimed, so a trial is
// judged against every trial that finished before it started.
std::function<std::unique_ptr<Recorder>(Recorder&)> early_stopping_watch(
    RunStore& store, int64_t sweep_id, const EarlyStoppingSettings& settings) {
  return [&store, sweep_id, settings](Recorder& inner) -> std::unique_ptr<Recorder> {
    MedianStoppingRule rule(settings, finished_loss_curves(store.sweep_runs(sweep_id)));
    return std::make_unique<EarlyStoppingRecorder>(inner, std::move(rule));
  };
}

void count_skipped(TrialState state, WorkerCounts& counts) {
  if (state == TrialState::kDone) ++counts.skipped_done;
  if (state == TrialState::kBusy) ++counts.skipped_busy;
  if (state == TrialState::kExhausted) ++counts.skipped_exhausted;
}

}  // namespace

WorkerCounts run_sweep_worker(RunStore& store, int64_t sweep_id, const SweepConfig& sweep,
                              const TrialPlan& plan, const SweepWorkerOptions& options,
                              const SweepEvents& events) {
  WorkerCounts counts;
  const size_t total = plan.trials.size();
  PipelineHooks hooks;
  hooks.progress.stop_requested = options.stop_requested;
  for (size_t n = 0; n < total; ++n) {
    if (hooks.progress.stopping()) {
      counts.interrupted = true;
      break;
    }
    const Trial& trial = plan.trials[(n + static_cast<size_t>(options.worker_index)) % total];
    RunRequest request = trial_request(trial, sweep_id, sweep, options);
    if (sweep.early_stopping.rule == "median") {
      request.watch = early_stopping_watch(store, sweep_id, sweep.early_stopping);
    }
    const auto started = std::chrono::steady_clock::now();
    const auto announce = [&](const RunResult& result) {
      if (events.trial_started) events.trial_started(trial, result);
    };
    const RunResult result = execute_run(store, request, hooks, announce);
    if (result.claim.state != TrialState::kClaimed) {
      count_skipped(result.claim.state, counts);
      continue;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (events.trial_ended) events.trial_ended(trial, result, seconds);
    if (result.status == RunStatus::kInterrupted) {
      counts.interrupted = true;
      break;
    }
    if (result.pruned) ++counts.pruned;
    if (result.status == RunStatus::kFinished && !result.pruned) ++counts.finished;
    if (result.status == RunStatus::kFailed) ++counts.failed;
  }
  return counts;
}

}  // namespace wb
