#include "sweep/early_stopping.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "exec/experiment_runner.h"

namespace wb {
namespace {

constexpr const char* kLossKey = "train/loss";

// The curve's value at `step`: its last point at or before it (loss points
// are interval means, so that is the loss the trial had reached by then).
double value_at(const LossCurve& curve, int64_t step) {
  const auto after = std::upper_bound(curve.begin(), curve.end(), step,
                                      [](int64_t s, const MetricPoint& p) { return s < p.step; });
  return after == curve.begin() ? curve.front().value : std::prev(after)->value;
}

bool is_pruned(const RunDetails& run) {
  const auto& tags = run.summary.tags;
  return std::find(tags.begin(), tags.end(), kPrunedTag) != tags.end();
}

}  // namespace

MedianStoppingRule::MedianStoppingRule(EarlyStoppingSettings settings,
                                       std::vector<LossCurve> finished_curves)
    : settings_(std::move(settings)), curves_(std::move(finished_curves)) {}

double MedianStoppingRule::median_at(int64_t step) const {
  std::vector<double> values;
  for (const LossCurve& curve : curves_) {
    if (curve.empty() || curve.back().step < step) continue;
    const double value = value_at(curve, step);
    if (!std::isnan(value)) values.push_back(value);
  }
  if (values.empty() || static_cast<int64_t>(values.size()) < settings_.min_trials) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + middle, values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + middle);
  return (lower + upper) / 2;
}

bool MedianStoppingRule::should_stop(int64_t step, double best_loss) const {
  if (settings_.rule != "median" || step < settings_.warmup_steps) return false;
  const double median = median_at(step);
  return !std::isnan(median) && best_loss > median;
}

std::vector<LossCurve> finished_loss_curves(const std::vector<RunDetails>& sweep_runs) {
  std::vector<LossCurve> curves;
  for (const RunDetails& run : sweep_runs) {
    if (run.summary.status != "finished" || is_pruned(run)) continue;
    const auto series = run.metrics.find(kLossKey);
    if (series != run.metrics.end() && !series->second.empty()) curves.push_back(series->second);
  }
  return curves;
}

EarlyStoppingRecorder::EarlyStoppingRecorder(Recorder& inner, MedianStoppingRule rule)
    : inner_(inner), rule_(std::move(rule)), best_loss_(std::numeric_limits<double>::infinity()) {}

void EarlyStoppingRecorder::metric(const std::string& key, int64_t step, double value) {
  inner_.metric(key, step, value);
  if (key != kLossKey) return;
  best_loss_ = std::min(best_loss_, value);
  if (rule_.should_stop(step, best_loss_)) {
    std::ostringstream message;
    message << "pruned at step " << step << " by the median rule (best loss " << best_loss_
            << ", median of finished trials " << rule_.median_at(step) << ")";
    throw TrialPruned(message.str());
  }
}

void EarlyStoppingRecorder::timing(const std::string& phase, double seconds) {
  inner_.timing(phase, seconds);
}

void EarlyStoppingRecorder::score(const std::string& key, double value) {
  inner_.score(key, value);
}

void EarlyStoppingRecorder::artifact(const std::string& kind, const std::string& path,
                                     int64_t bytes) {
  inner_.artifact(kind, path, bytes);
}

void EarlyStoppingRecorder::input(const std::string& role, const std::string& path, int64_t bytes,
                                  const std::string& sha256) {
  inner_.input(role, path, bytes, sha256);
}

void EarlyStoppingRecorder::flush() { inner_.flush(); }

}  // namespace wb
