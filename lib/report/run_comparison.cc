#include "report/run_comparison.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "config/config_fields.h"
#include "config/experiment_config.h"
#include "core/errors.h"
#include "run/pipeline.h"

namespace wb {
namespace {

const char* const kLossMetric = "train/loss";

// The position of `value` in `order`, unknown values after all known ones.
size_t rank_in(const std::string& value, const std::vector<std::string>& order) {
  return static_cast<size_t>(std::find(order.begin(), order.end(), value) - order.begin());
}

// The settings that decide what a run computes: a different graph, walk,
// model or evaluation split makes timings and AUCs incomparable.
bool is_compared_setting(const std::string& key) {
  const auto& skip = variant_keys();
  if (std::find(skip.begin(), skip.end(), key) != skip.end() || is_execution_setting(key)) {
    return false;
  }
  for (const char* prefix : {"graph.", "walk.", "train.", "eval."}) {
    if (key.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::map<std::string, std::string> compared_settings(const RunDetails& run) {
  std::map<std::string, std::string> settings;
  for (const auto& [key, value] : run.params) {
    if (is_compared_setting(key)) settings[key] = value;
  }
  return settings;
}

// The settings that name an input file, by the role the file is recorded in.
const std::map<std::string, std::string>& input_role_of_setting() {
  static const std::map<std::string, std::string> roles = {
      {"graph.path", "graph"},
      {"eval.labels", "labels"},
      {"train.embeddings", "embeddings"},
      {"train.embeddings_ids", "embeddings_ids"}};
  return roles;
}

const RunInput* input_of(const RunDetails& run, const std::string& role) {
  for (const RunInput& input : run.inputs) {
    if (input.role == role) return &input;
  }
  return nullptr;
}

std::string run_name(const RunDetails& run) { return "run " + std::to_string(run.summary.id); }

// Where both runs recorded the file a setting names, its content decides, not
// its path: the same data may live elsewhere on a GPU machine, and a file may
// change under one path. Returns false when the setting is not such a file.
bool check_same_input(const std::string& key, const RunDetails& a, const RunDetails& b) {
  const auto role = input_role_of_setting().find(key);
  if (role == input_role_of_setting().end()) return false;
  const RunInput* input_a = input_of(a, role->second);
  const RunInput* input_b = input_of(b, role->second);
  if (input_a == nullptr || input_b == nullptr) return false;
  if (input_a->sha256 != input_b->sha256) {
    throw Error(run_name(a) + " and " + run_name(b) + " are not comparable: they read different " +
                role->second + " files, " + input_a->path + " (sha256 " +
                input_a->sha256.substr(0, 12) + "...) in " + run_name(a) + " but " + input_b->path +
                " (sha256 " + input_b->sha256.substr(0, 12) + "...) in " + run_name(b));
  }
  return true;
}

std::string code_version(const RunDetails& run) {
  return run.git_commit.substr(0, 10) + (run.git_dirty ? "+dirty" : "");
}

std::vector<std::string> ordered_phases(const std::vector<RunDetails>& runs) {
  std::set<std::string> recorded;
  for (const auto& run : runs) {
    for (const auto& timing : run.timings) recorded.insert(timing.first);
  }
  std::vector<std::string> phases;
  for (const auto& phase : pipeline_phases()) {
    if (recorded.erase(phase) > 0) phases.push_back(phase);
  }
  phases.insert(phases.end(), recorded.begin(), recorded.end());
  return phases;
}

VariantResult summarize_variant(const Variant& variant, const std::vector<const RunDetails*>& runs,
                                const std::vector<std::string>& phases) {
  VariantResult result;
  result.variant = variant;
  std::map<std::string, std::vector<double>> phase_values, score_values;
  std::vector<double> totals;
  for (const RunDetails* run : runs) {
    result.run_ids.push_back(run->summary.id);
    double total = 0;
    for (const auto& [phase, seconds] : run->timings) {
      phase_values[phase].push_back(seconds);
      total += seconds;
    }
    totals.push_back(total);
    for (const auto& [key, value] : run->summary.scores) score_values[key].push_back(value);
    const auto loss = run->metrics.find(kLossMetric);
    if (loss != run->metrics.end()) result.loss_curves.emplace_back(run->summary.id, loss->second);
  }
  for (const auto& phase : phases) result.phase_seconds[phase] = summarize(phase_values[phase]);
  result.total_seconds = summarize(totals);
  for (const auto& [key, values] : score_values) result.scores[key] = summarize(values);
  return result;
}

double speedup(const SampleStats& baseline, const SampleStats& variant) {
  if (baseline.n == 0 || variant.n == 0 || variant.median <= 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return baseline.median / variant.median;
}

size_t choose_baseline(const std::vector<VariantResult>& variants) {
  const Variant reference{"cpu", "torch", "off"};
  for (size_t i = 0; i < variants.size(); ++i) {
    if (variants[i].variant == reference) return i;
  }
  for (size_t i = 0; i < variants.size(); ++i) {
    if (variants[i].variant.device == "cpu") return i;
  }
  return 0;
}

}  // namespace

std::string Variant::label() const {
  return device + " / " + trainer + " / " + (amp == "off" ? std::string("fp32") : "amp " + amp);
}

bool operator==(const Variant& a, const Variant& b) {
  return a.device == b.device && a.trainer == b.trainer && a.amp == b.amp;
}

bool operator<(const Variant& a, const Variant& b) {
  static const std::vector<std::string> devices = {"cpu", "cuda"};
  static const std::vector<std::string> trainers = {"torch"};
  static const std::vector<std::string> amps = {"off", "bf16", "fp16"};
  const auto key = [](const Variant& v) {
    return std::make_tuple(rank_in(v.device, devices), v.device, rank_in(v.trainer, trainers),
                           v.trainer, rank_in(v.amp, amps), v.amp);
  };
  return key(a) < key(b);
}

const std::vector<std::string>& variant_keys() {
  static const std::vector<std::string> keys = {"experiment.device", "train.trainer", "train.amp"};
  return keys;
}

Variant variant_of(const RunDetails& run) {
  const TrainSection defaults;
  // The device the run actually used: experiment.device may say "auto".
  return {run.summary.device, run.param("train.trainer", defaults.trainer),
          run.param("train.amp", defaults.amp)};
}

void check_comparable(const std::vector<RunDetails>& runs) {
  if (runs.empty()) throw Error("no finished runs to compare");
  for (const auto& run : runs) {
    if (run.summary.status != "finished") {
      throw Error(run_name(run) + " is " + run.summary.status +
                  ", not finished: only finished runs can be compared");
    }
  }
  const RunDetails& first = runs.front();
  const auto reference = compared_settings(first);
  for (size_t i = 1; i < runs.size(); ++i) {
    const auto settings = compared_settings(runs[i]);
    std::set<std::string> keys;
    for (const auto& entry : reference) keys.insert(entry.first);
    for (const auto& entry : settings) keys.insert(entry.first);
    for (const auto& key : keys) {
      if (check_same_input(key, first, runs[i])) continue;
      const auto a = reference.find(key), b = settings.find(key);
      const std::string value_a = a == reference.end() ? "(not set)" : a->second;
      const std::string value_b = b == settings.end() ? "(not set)" : b->second;
      if (value_a == value_b) continue;
      throw Error(run_name(first) + " and " + run_name(runs[i]) + " are not comparable: " + key +
                  " is " + value_a + " in " + run_name(first) + " but " + value_b + " in " +
                  run_name(runs[i]) + " (only " + variant_keys()[0] + ", " + variant_keys()[1] +
                  " and " + variant_keys()[2] + " may differ)");
    }
  }
}

RunComparison compare_runs(const std::vector<RunDetails>& runs) {
  check_comparable(runs);
  RunComparison comparison;
  comparison.phases = ordered_phases(runs);
  std::vector<std::pair<Variant, std::vector<const RunDetails*>>> groups;
  for (const auto& run : runs) {
    if (std::find(comparison.experiments.begin(), comparison.experiments.end(),
                  run.summary.experiment) == comparison.experiments.end()) {
      comparison.experiments.push_back(run.summary.experiment);
    }
    const Variant variant = variant_of(run);
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& entry) { return entry.first == variant; });
    if (group == groups.end()) group = groups.insert(groups.end(), {variant, {}});
    group->second.push_back(&run);
    comparison.environments.push_back(
        {run.summary.id, variant.label(), code_version(run), run.environment});
  }
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [variant, members] : groups) {
    comparison.variants.push_back(summarize_variant(variant, members, comparison.phases));
  }
  comparison.baseline = choose_baseline(comparison.variants);
  const VariantResult& baseline = comparison.variants[comparison.baseline];
  for (auto& result : comparison.variants) {
    for (const auto& phase : comparison.phases) {
      result.phase_speedup[phase] =
          speedup(baseline.phase_seconds.at(phase), result.phase_seconds.at(phase));
    }
    result.total_speedup = speedup(baseline.total_seconds, result.total_seconds);
  }
  for (const auto& entry : compared_settings(runs.front())) comparison.settings.push_back(entry);
  for (const RunInput& input : runs.front().inputs) {
    comparison.settings.emplace_back(input.role + " sha256", input.sha256);
  }
  return comparison;
}

}  // namespace wb
