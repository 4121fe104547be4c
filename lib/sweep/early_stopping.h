#pragma once
// Early stopping of weak trials by the median rule (as in Google Vizier and
// Optuna's MedianPruner): at a training step, a trial whose best loss so far
// is worse than the median loss that finished trials had at that step is not
// worth finishing.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "run/recorder.h"
#include "store/run_store.h"
#include "sweep/sweep_config.h"

namespace wb {

using LossCurve = std::vector<MetricPoint>;  // sorted by step

class MedianStoppingRule {
 public:
  MedianStoppingRule(EarlyStoppingSettings settings, std::vector<LossCurve> finished_curves);

  // True when a trial whose lowest loss up to `step` is `best_loss` should
  // stop: past the warmup, with at least min_trials finished curves that
  // reach `step`, and worse than their median there.
  bool should_stop(int64_t step, double best_loss) const;

  // The median over the finished curves that reach `step` of their loss at
  // `step` (their last point at or before it); NaN with fewer than min_trials.
  double median_at(int64_t step) const;

 private:
  EarlyStoppingSettings settings_;
  std::vector<LossCurve> curves_;
};

// The "train/loss" curves of a sweep's finished trials, pruned ones left out
// (as Optuna does: they stopped early because they were weak).
std::vector<LossCurve> finished_loss_curves(const std::vector<RunDetails>& sweep_runs);

// Forwards everything to `inner`; after each "train/loss" point asks the rule
// and throws TrialPruned ("pruned at step S by the median rule ...") when it
// says stop. The point itself is forwarded first, so the history is kept.
class EarlyStoppingRecorder : public Recorder {
 public:
  EarlyStoppingRecorder(Recorder& inner, MedianStoppingRule rule);
  void metric(const std::string& key, int64_t step, double value) override;
  void timing(const std::string& phase, double seconds) override;
  void score(const std::string& key, double value) override;
  void artifact(const std::string& kind, const std::string& path, int64_t bytes) override;
  void input(const std::string& role, const std::string& path, int64_t bytes,
             const std::string& sha256) override;
  void flush() override;

 private:
  Recorder& inner_;
  MedianStoppingRule rule_;
  double best_loss_;
};

}  // namespace wb
