#include "exec/experiment_runner.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/errors.h"
#include "core/parallel.h"
#include "run/environment.h"
#include "run/exporter.h"

namespace wb {
namespace {

// Updates the run's heartbeat from a background thread until destroyed, so a
// long phase without recorded metrics still looks alive to other processes.
class Heartbeat {
 public:
  Heartbeat(RunStore& store, int64_t run_id)
      : thread_([this, &store, run_id] {
          std::unique_lock<std::mutex> lock(mutex_);
          while (!done_) {
            if (wake_.wait_for(lock, std::chrono::seconds(kHeartbeatSeconds),
                               [this] { return done_; })) {
              break;
            }
            try {
              store.heartbeat(run_id);
            } catch (const std::exception&) {
              // A busy store delays a heartbeat; the next one will do.
            }
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

RunStart describe_start(const RunRequest& request, const RunContext& context) {
  const ExperimentConfig& config = request.config;
  RunStart start;
  start.experiment = config.experiment.name;
  start.config_path =
      request.config_path.empty() ? "" : std::filesystem::absolute(request.config_path).string();
  start.config_toml = to_toml(config);
  start.params = flatten(config);
  start.environment = environment_pairs(detect_environment());
  start.environment.emplace_back("threads", std::to_string(context.threads));
  start.seed = config.experiment.seed;
  start.device = context.device;
  start.git_commit = request.origin.git_commit;
  start.git_dirty = request.origin.git_dirty;
  start.command_line = request.origin.command_line;
  return start;
}

}  // namespace

RunResult execute_run(RunStore& store, const RunRequest& request, const PipelineHooks& hooks,
                      const std::function<void(const RunResult&)>& on_start) {
  const ExperimentConfig& config = request.config;
  check_components(config);
  RunResult result;
  result.context.device = resolve_device(config.experiment.device);
  result.context.threads = resolve_thread_count(config.experiment.threads);
  RunStart start = describe_start(request, result.context);
  if (request.resume_run_id != 0) {
    store.resume_run(request.resume_run_id);
    result.run_id = request.resume_run_id;
    result.context.resume = true;
    if (const auto before = store.find_run(result.run_id)) {
      for (const RunInput& input : before->inputs) {
        result.context.resumed_inputs[input.role] = input.sha256;
      }
    }
  } else if (request.sweep_id == 0) {
    result.run_id = store.begin_run(start);
  } else {
    start.sweep_id = request.sweep_id;
    start.trial_key = request.trial_key;
    result.claim = store.claim_trial(start, request.max_attempts, kStaleAfterSeconds);
    result.run_id = result.claim.run_id;
    if (result.claim.state != TrialState::kClaimed) {
      result.status = result.claim.state == TrialState::kDone   ? RunStatus::kFinished
                      : result.claim.state == TrialState::kBusy ? RunStatus::kRunning
                                                                : RunStatus::kFailed;
      return result;
    }
  }
  const std::filesystem::path root =
      config.export_.directory.empty() ? request.origin.artifact_root : config.export_.directory;
  result.context.artifact_directory = (root / ("run-" + std::to_string(result.run_id))).string();
  if (on_start) on_start(result);

  std::unique_ptr<Recorder> recorder = store.recorder(result.run_id);
  try {
    Heartbeat heartbeat(store, result.run_id);
    std::unique_ptr<Recorder> watcher = request.watch ? request.watch(*recorder) : nullptr;
    result.outcome = run_pipeline(config, result.context, watcher ? *watcher : *recorder, hooks);
    recorder->flush();
    result.status = RunStatus::kFinished;
  } catch (const TrialPruned& pruned) {
    result.status = RunStatus::kFinished;
    result.message = pruned.what();
    result.pruned = true;
  } catch (const Interrupted&) {
    result.status = RunStatus::kInterrupted;
    result.message = "stopped by a signal";
  } catch (const std::exception& error) {
    result.status = RunStatus::kFailed;
    result.message = error.what();
  }
  if (result.status != RunStatus::kFinished || result.pruned) {
    try {
      recorder->flush();  // keep the loss history up to the failure
    } catch (const std::exception&) {
      // The failure may be the store itself; the status update below still tries.
    }
  }
  if (result.status != RunStatus::kFinished) discard_artifacts(result.context.artifact_directory);
  // Tagged before it is finished, so a finished run without the tag is never a pruned one.
  if (result.pruned) store.add_tag(result.run_id, kPrunedTag);
  store.finish_run(result.run_id, result.status, result.message);
  return result;
}

}  // namespace wb
