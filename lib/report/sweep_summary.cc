#include "report/sweep_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/errors.h"

namespace wb {
namespace {

// Repetitions of a point differ in their seed only; it is not a parameter.
const char* const kRepetitionKey = "experiment.seed";

std::vector<std::string> varied_keys(const std::vector<const RunDetails*>& runs) {
  std::map<std::string, std::set<std::string>> values;
  std::vector<std::string> order;  // first appearance, which follows the config's layout
  for (const RunDetails* run : runs) {
    for (const auto& [key, value] : run->params) {
      if (values.count(key) == 0) order.push_back(key);
      values[key].insert(value);
    }
  }
  std::vector<std::string> keys;
  for (const auto& key : order) {
    // A key missing from some runs varies too: it was set in some trials only.
    const bool everywhere = std::all_of(runs.begin(), runs.end(), [&](const RunDetails* run) {
      return std::any_of(run->params.begin(), run->params.end(),
                         [&](const auto& entry) { return entry.first == key; });
    });
    if (key != kRepetitionKey && (values[key].size() > 1 || !everywhere)) keys.push_back(key);
  }
  return keys;
}

}  // namespace

SweepSummary summarize_sweep(const SweepRecord& sweep, const std::vector<RunDetails>& runs) {
  SweepSummary summary;
  summary.sweep = sweep;
  std::vector<const RunDetails*> used;
  for (const auto& run : runs) {
    const auto metric = run.summary.scores.find(sweep.metric);
    if (run.summary.status == "finished" && metric != run.summary.scores.end() &&
        std::isfinite(metric->second)) {
      used.push_back(&run);
    } else {
      ++summary.left_out;
    }
  }
  if (used.empty()) {
    throw Error("sweep " + sweep.name + " has no finished run with " + sweep.metric + " yet (" +
                std::to_string(runs.size()) + " runs recorded)");
  }
  summary.varied_keys = varied_keys(used);
  std::map<std::vector<std::string>, size_t> point_index;
  std::vector<std::vector<double>> point_metrics;
  for (const RunDetails* run : used) {
    SweepRunValue value{run->summary.id, {}, run->summary.scores.at(sweep.metric)};
    for (const auto& key : summary.varied_keys)
      value.values.push_back(run->param(key, "(not set)"));
    const auto [entry, added] = point_index.emplace(value.values, summary.points.size());
    if (added) {
      summary.points.push_back({value.values, {}, {}});
      point_metrics.emplace_back();
    }
    summary.points[entry->second].run_ids.push_back(value.run_id);
    point_metrics[entry->second].push_back(value.metric);
    summary.runs.push_back(std::move(value));
  }
  for (size_t i = 0; i < summary.points.size(); ++i) {
    summary.points[i].metric = summarize(point_metrics[i]);
  }
  const bool minimize = sweep.goal == "minimize";
  std::stable_sort(summary.points.begin(), summary.points.end(),
                   [minimize](const SweepPoint& a, const SweepPoint& b) {
                     return minimize ? a.metric.mean < b.metric.mean
                                     : a.metric.mean > b.metric.mean;
                   });
  return summary;
}

}  // namespace wb
