#pragma once
// Gathers the runs a CPU-versus-GPU report needs: for every variant (device x
// trainer x AMP) of one experiment, the finished runs of exactly that
// resolved config already in the store, plus new runs for the repetitions
// still missing. Variants this machine or build cannot run are skipped with
// the reason, for the report to show.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/experiment_config.h"
#include "exec/experiment_runner.h"
#include "report/run_comparison.h"
#include "store/run_store.h"

namespace wb {

struct CompareRequest {
  std::string experiment_path;
  std::vector<std::string> overrides;  // --set section.key=value
  std::string overrides_directory;     // where their relative file names resolve
  std::vector<std::string> devices;    // cpu | cuda
  std::vector<std::string> trainers;   // empty: the experiment's own
  std::vector<std::string> amps;       // off | bf16 | fp16; empty: the experiment's own
  int repeat = 3;                      // runs per variant
  RunOrigin origin;                    // recorded with each new run
};

struct PlannedVariant {
  Variant variant;
  ExperimentConfig config;  // the experiment with this variant's settings
  std::string skip_reason;  // empty when the variant can run here
};

// One entry per device x trainer x AMP, in the report's order. Throws
// ConfigError when the experiment, an override or a variant's settings do
// not validate, before anything runs.
std::vector<PlannedVariant> plan_variants(const CompareRequest& request, bool gpu_available);

// Finished runs of config's experiment recorded with exactly these resolved
// settings (the flattened params), oldest first.
std::vector<int64_t> matching_runs(const RunStore& store, const ExperimentConfig& config);

struct CollectedRuns {
  std::vector<int64_t> run_ids;    // every run the report covers
  std::vector<std::string> notes;  // skipped variants and why
  int reused = 0;                  // runs found in the store
  int recorded = 0;                // runs made now
};

struct CollectHooks {
  PipelineHooks pipeline;                          // progress and log lines of each run
  std::function<void(const std::string&)> log;     // what is reused, what is run
  std::function<void(const RunResult&)> on_start;  // a new run has its id
};

// Reuses the newest `repeat` matching runs of each runnable variant and runs
// the missing ones with execute_run. Throws Interrupted when a run was
// stopped, wb::Error naming the run when one failed, and wb::Error listing
// the reasons when every variant was skipped.
CollectedRuns collect_comparison_runs(RunStore& store, const CompareRequest& request,
                                      const std::vector<PlannedVariant>& plan,
                                      const CollectHooks& hooks);

}  // namespace wb
