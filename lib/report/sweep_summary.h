#pragma once
// The numbers behind a sweep report: which parameters the sweep varied, the
// metric at each parameter point over its repetitions, ranked by the sweep's
// goal. Runs that differ only in experiment.seed are repetitions of one point.
#include <cstdint>
#include <string>
#include <vector>

#include "core/sample_stats.h"
#include "store/run_store.h"

namespace wb {

struct SweepRunValue {
  int64_t run_id = 0;
  std::vector<std::string> values;  // one per varied key
  double metric = 0;
};

struct SweepPoint {
  std::vector<std::string> values;  // one per varied key
  SampleStats metric;
  std::vector<int64_t> run_ids;
};

struct SweepSummary {
  SweepRecord sweep;
  std::vector<std::string> varied_keys;  // params with more than one value, seed aside
  std::vector<SweepRunValue> runs;       // finished runs that recorded the metric
  std::vector<SweepPoint> points;        // best first for the sweep's goal
  int left_out = 0;                      // runs not finished, or without the metric
};

// Throws wb::Error when no run of the sweep has finished with its metric.
SweepSummary summarize_sweep(const SweepRecord& sweep, const std::vector<RunDetails>& runs);

}  // namespace wb
