#pragma once
// The whole job for one experiment: load the graph, split it for link
// prediction, walk, train, evaluate and export. Everything it learns goes
// through the Recorder; it knows nothing of the store, the terminal or signals.
#include <functional>
#include <map>
#include <string>

#include "config/experiment_config.h"
#include "core/progress.h"
#include "run/recorder.h"
#include "train/trainer.h"

namespace wb {

struct RunContext {
  std::string device = "cpu";      // resolved: cpu | cuda
  int threads = 1;                 // resolved: > 0
  std::string artifact_directory;  // exports go here; empty: no export
  // Continue from artifact_directory/checkpoint.bin when it exists (a
  // resumed run); checkpoints are written there either way.
  bool resume = false;
  // For a resumed run, the SHA-256 of each file it read before, by role: a
  // file that changed since is refused, its checkpoint being of other data.
  std::map<std::string, std::string> resumed_inputs;
};

struct PipelineHooks {
  Progress progress;
  std::function<void(const std::string&)> log;  // one human-readable line per event
};

struct RunOutcome {
  int64_t num_nodes = 0;
  int64_t num_edges = 0;
  TrainSummary train;
  std::map<std::string, double> scores;
  std::map<std::string, double> timings;  // seconds per phase
};

// Throws ConfigError when a sampler or trainer named in the config does not
// exist, so that the mistake is reported before a run is recorded.
void check_components(const ExperimentConfig& config);

RunOutcome run_pipeline(const ExperimentConfig& config, const RunContext& context,
                        Recorder& recorder, const PipelineHooks& hooks);

// The phases in the order they run, as recorded in timings.
const std::vector<std::string>& pipeline_phases();

}  // namespace wb
