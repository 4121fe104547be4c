#include "sweep/trial_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "config/config_fields.h"
#include "core/errors.h"
#include "core/random.h"
#include "sweep/toml_value_text.h"

namespace wb {
namespace {

// A setting at its default is left out of the identity: a key added in a
// later version (whose default keeps the earlier behaviour) is absent from
// earlier runs' params and at its default in new ones, and both give one key.
bool is_excluded(const std::string& key, const std::string& value, bool exclude_seed) {
  if (is_execution_setting(key)) return true;
  if (exclude_seed && key == "experiment.seed") return true;
  return is_default_setting(key, value);
}

std::string hash_settings(const SettingValues& settings, bool exclude_seed) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a, 64 bits
  const auto add = [&hash](const std::string& text) {
    for (const unsigned char c : text) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
  };
  SettingValues sorted = settings;  // the key must not depend on the settings' order
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, value] : sorted) {
    if (is_excluded(key, value, exclude_seed)) continue;
    add(key);
    add("=");
    add(value);
    add("\n");
  }
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

// Row-major over the parameters in file order: the first one varies slowest.
std::vector<SettingValues> grid_points(const SweepConfig& sweep) {
  std::vector<SettingValues> points = {{}};
  for (const SweepParameter& parameter : sweep.parameters) {
    std::vector<SettingValues> next;
    for (const SettingValues& point : points) {
      for (const std::string& value : parameter.values) {
        next.push_back(point);
        next.back().emplace_back(parameter.name, value);
      }
    }
    points = std::move(next);
  }
  return points;
}

std::string draw(const SweepParameter& parameter, Rng& rng) {
  switch (parameter.kind) {
    case ParameterKind::kList:
    case ParameterKind::kChoice:
      return parameter.values[rng.below(parameter.values.size())];
    case ParameterKind::kIntUniform: {
      const auto low = static_cast<int64_t>(parameter.min);
      const auto span = static_cast<uint64_t>(static_cast<int64_t>(parameter.max) - low) + 1;
      return std::to_string(low + static_cast<int64_t>(rng.below(span)));
    }
    case ParameterKind::kUniform:
      return toml_real_text(parameter.min + rng.uniform() * (parameter.max - parameter.min));
    case ParameterKind::kLogUniform: {
      const double low = std::log(parameter.min);
      const double value = std::exp(low + rng.uniform() * (std::log(parameter.max) - low));
      // exp(log(x)) may land a hair outside [min, max]; the bounds were validated.
      return toml_real_text(std::clamp(value, parameter.min, parameter.max));
    }
  }
  return "";
}

// Draw i comes from its own stream, so raising sweep.trials keeps the earlier
// draws and a resumed sweep finds them done.
std::vector<SettingValues> random_points(const SweepConfig& sweep) {
  std::vector<SettingValues> points;
  for (int64_t i = 0; i < sweep.trials; ++i) {
    Rng rng(static_cast<uint64_t>(sweep.seed), static_cast<uint64_t>(i));
    SettingValues point;
    for (const SweepParameter& parameter : sweep.parameters) {
      point.emplace_back(parameter.name, draw(parameter, rng));
    }
    points.push_back(std::move(point));
  }
  return points;
}

ExperimentConfig resolve(const SweepConfig& sweep, const std::vector<std::string>& overrides,
                         const SettingValues& values) {
  try {
    return load_experiment_config(sweep.experiment_path, overrides, sweep_directory(sweep));
  } catch (const ConfigError& error) {
    throw ConfigError(
        located(sweep.source_path, 0,
                "the trial " + describe_values(values) + " does not validate: " + error.what()));
  }
}

}  // namespace

std::string trial_key(const SettingValues& flattened_config) {
  return hash_settings(flattened_config, false);
}

std::string point_key(const SettingValues& flattened_config) {
  return hash_settings(flattened_config, true);
}

std::map<int64_t, std::string> stale_trial_keys(const std::vector<RunDetails>& sweep_runs) {
  std::map<int64_t, std::string> stale;
  for (const RunDetails& run : sweep_runs) {
    const std::string key = trial_key(run.params);
    if (key != run.summary.trial_key) stale[run.summary.id] = key;
  }
  return stale;
}

std::string describe_values(const SettingValues& values) {
  std::string text;
  for (const auto& [name, value] : values) {
    const bool simple_string = value.size() >= 2 && value.front() == '"' &&
                               value.find_first_of("\\ ", 1) == std::string::npos;
    text += (text.empty() ? "" : " ") + name + "=" +
            (simple_string ? value.substr(1, value.size() - 2) : value);
  }
  return text;
}

TrialPlan plan_trials(const SweepConfig& sweep,
                      const std::vector<std::string>& execution_overrides) {
  TrialPlan plan;
  std::vector<SettingValues> points;
  if (sweep.method == "grid") {
    points = grid_points(sweep);
    plan.grid_points = static_cast<int64_t>(points.size());
    if (sweep.trials > 0 && static_cast<int64_t>(points.size()) > sweep.trials) {
      points.resize(static_cast<size_t>(sweep.trials));
    }
  } else {
    points = random_points(sweep);
  }
  std::vector<int64_t> seeds = sweep.seeds;
  if (seeds.empty()) seeds.push_back(load_experiment_config(sweep.experiment_path).experiment.seed);

  std::set<std::string> seen_keys;
  std::set<std::string> seen_points;
  for (const int64_t seed : seeds) {
    for (size_t p = 0; p < points.size(); ++p) {
      Trial trial;
      trial.point = static_cast<int64_t>(p);
      trial.values = points[p];
      trial.seed = seed;
      for (const auto& [name, value] : trial.values) trial.overrides.push_back(name + "=" + value);
      trial.overrides.push_back("experiment.seed=" + std::to_string(seed));
      std::vector<std::string> all = trial.overrides;
      all.insert(all.end(), execution_overrides.begin(), execution_overrides.end());
      trial.config = resolve(sweep, all, trial.values);
      const SettingValues flattened = flatten(trial.config);
      trial.key = trial_key(flattened);
      // Random search may draw the same point twice; it is one trial.
      if (!seen_keys.insert(trial.key).second) continue;
      seen_points.insert(point_key(flattened));
      trial.index = static_cast<int64_t>(plan.trials.size());
      plan.trials.push_back(std::move(trial));
    }
  }
  plan.points = static_cast<int64_t>(seen_points.size());
  return plan;
}

}  // namespace wb
