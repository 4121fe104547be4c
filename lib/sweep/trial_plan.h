#pragma once
// Turns a sweep into its list of trials: the grid's points or the random
// draws, each once per replicate seed, resolved against the base experiment.
// The plan depends only on the sweep file (random draws come from the sweep's
// own seed), so every worker and every resumed run computes the same one.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/experiment_config.h"
#include "store/run_store.h"
#include "sweep/sweep_config.h"

namespace wb {

using SettingValues = std::vector<std::pair<std::string, std::string>>;

struct Trial {
  int64_t index = 0;                   // position in the plan
  int64_t point = 0;                   // trials of one point differ only in their seed
  SettingValues values;                // the varied settings, as TOML text, in file order
  int64_t seed = 0;                    // experiment.seed
  std::vector<std::string> overrides;  // "section.key=value", the seed included
  ExperimentConfig config;             // the base experiment with the overrides applied
  std::string key;                     // trial_key(flatten(config))
};

struct TrialPlan {
  std::vector<Trial> trials;  // seed by seed: every point at the first seed, then the next
  int64_t points = 0;         // distinct parameter points in the plan
  int64_t grid_points = 0;    // grid: points before sweep.trials capped them; random: 0
};

// `execution_overrides` (experiment.device, experiment.threads) apply to every
// trial but are not part of its identity. Throws ConfigError, located in the
// sweep file, when a combination of values does not validate.
TrialPlan plan_trials(const SweepConfig& sweep,
                      const std::vector<std::string>& execution_overrides = {});

// A trial's identity: FNV-1a over its resolved settings but the execution
// settings and those at their built-in defaults, as 16 hex digits. The
// settings recorded with a run give the same key, so any run can be matched to
// its trial, also after a version that adds config keys.
std::string trial_key(const SettingValues& flattened_config);

// The same over everything but the seed: which trials are replicates of one point.
std::string point_key(const SettingValues& flattened_config);

// The runs whose stored trial key is not trial_key of their params (recorded
// by a version whose key function differed), with the key they have now:
// RunStore::set_trial_keys makes a resumed sweep find them again.
std::map<int64_t, std::string> stale_trial_keys(const std::vector<RunDetails>& sweep_runs);

// "walk.p=0.5 walk.q=2.0", for progress lines; strings lose their quotes.
std::string describe_values(const SettingValues& values);

}  // namespace wb
