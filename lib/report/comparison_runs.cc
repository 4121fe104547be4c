#include "report/comparison_runs.h"

#include <algorithm>
#include <map>

#include "core/errors.h"

namespace wb {
namespace {

// What this build cannot do, known before anything runs: a variant that
// would only fail (or silently ignore a setting) is skipped with the reason.
std::string skip_reason(const Variant& variant, bool gpu_available) {
  if (variant.device == "cuda" && !gpu_available) {
    return "no usable CUDA device on this machine (see `workbench doctor`)";
  }
#ifndef WORKBENCH_WITH_CUDA
  if (variant.trainer == "fused" && variant.device == "cuda") {
    return "this build has no CUDA kernels (nvcc was not found)";
  }
#endif
  if (variant.trainer == "fused" && variant.amp != "off") {
    return "the fused trainer computes in FP32 (half precision is train.storage); train.amp "
           "does not apply to it";
  }
  if (variant.amp == "fp16" && variant.device == "cpu") {
    return "fp16 autocast needs CUDA (bf16 is the CPU's AMP)";
  }
  return "";
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

void log_line(const CollectHooks& hooks, const std::string& line) {
  if (hooks.log) hooks.log(line);
}

std::string id_list(const std::vector<int64_t>& ids) {
  std::string text;
  for (int64_t id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

}  // namespace

std::vector<PlannedVariant> plan_variants(const CompareRequest& request, bool gpu_available) {
  const ExperimentConfig base = load_experiment_config(request.experiment_path, request.overrides,
                                                       request.overrides_directory);
  const std::vector<std::string> trainers =
      request.trainers.empty() ? std::vector<std::string>{base.train.trainer} : request.trainers;
  const std::vector<std::string> amps =
      request.amps.empty() ? std::vector<std::string>{base.train.amp} : request.amps;
  std::vector<PlannedVariant> plan;
  for (const auto& device : request.devices) {
    for (const auto& trainer : trainers) {
      for (const auto& amp : amps) {
        PlannedVariant planned;
        planned.variant = {device, trainer, amp};
        planned.skip_reason = skip_reason(planned.variant, gpu_available);
        if (planned.skip_reason.empty()) {
          std::vector<std::string> overrides = request.overrides;
          overrides.push_back("experiment.device=" + quoted(device));
          overrides.push_back("train.trainer=" + quoted(trainer));
          overrides.push_back("train.amp=" + quoted(amp));
          planned.config = load_experiment_config(request.experiment_path, overrides,
                                                  request.overrides_directory);
          check_components(planned.config);
        }
        plan.push_back(std::move(planned));
      }
    }
  }
  std::stable_sort(plan.begin(), plan.end(), [](const PlannedVariant& a, const PlannedVariant& b) {
    return a.variant < b.variant;
  });
  return plan;
}

std::vector<int64_t> matching_runs(const RunStore& store, const ExperimentConfig& config) {
  RunFilter filter;
  filter.experiment = config.experiment.name;
  filter.status = to_string(RunStatus::kFinished);
  const auto wanted = flatten(config);
  const std::map<std::string, std::string> wanted_params(wanted.begin(), wanted.end());
  std::vector<int64_t> ids;
  for (const auto& summary : store.list_runs(filter)) {
    const auto run = store.find_run(summary.id);
    if (!run) continue;  // deleted since it was listed
    const std::map<std::string, std::string> params(run->params.begin(), run->params.end());
    if (params == wanted_params) ids.push_back(summary.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

CollectedRuns collect_comparison_runs(RunStore& store, const CompareRequest& request,
                                      const std::vector<PlannedVariant>& plan,
                                      const CollectHooks& hooks) {
  CollectedRuns collected;
  for (const auto& planned : plan) {
    const std::string label = planned.variant.label();
    if (!planned.skip_reason.empty()) {
      collected.notes.push_back(label + " skipped: " + planned.skip_reason + ".");
      continue;
    }
    std::vector<int64_t> ids = matching_runs(store, planned.config);
    if (static_cast<int>(ids.size()) > request.repeat) {
      ids.erase(ids.begin(), ids.end() - request.repeat);  // the newest ones
    }
    if (!ids.empty()) log_line(hooks, label + ": reusing runs " + id_list(ids));
    collected.reused += static_cast<int>(ids.size());
    for (int repetition = static_cast<int>(ids.size()); repetition < request.repeat; ++repetition) {
      log_line(hooks, label + ": repetition " + std::to_string(repetition + 1) + " of " +
                          std::to_string(request.repeat));
      RunRequest run_request;
      run_request.config = planned.config;
      run_request.config_path = request.experiment_path;
      run_request.origin = request.origin;
      const RunResult result = execute_run(store, run_request, hooks.pipeline, hooks.on_start);
      if (result.status == RunStatus::kInterrupted) throw Interrupted();
      if (result.status != RunStatus::kFinished) {
        throw Error("run " + std::to_string(result.run_id) + " (" + label +
                    ") failed: " + result.message);
      }
      ids.push_back(result.run_id);
      ++collected.recorded;
    }
    collected.run_ids.insert(collected.run_ids.end(), ids.begin(), ids.end());
  }
  if (collected.run_ids.empty()) {
    std::string reasons;
    for (const auto& note : collected.notes) reasons += "\n  " + note;
    throw Error("nothing to compare: every variant was skipped:" + reasons);
  }
  return collected;
}

}  // namespace wb
