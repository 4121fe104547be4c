#pragma once
// Summary statistics of a handful of repetitions: the median and the min-max
// range for timings (robust to one slow outlier), mean and standard deviation
// for scores.
#include <limits>
#include <vector>

namespace wb {

struct SampleStats {
  int n = 0;
  double median = std::numeric_limits<double>::quiet_NaN();
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
  double mean = std::numeric_limits<double>::quiet_NaN();
  double stddev = std::numeric_limits<double>::quiet_NaN();  // sample (n - 1); 0 for n = 1
};

// Non-finite values are ignored; no values at all give n = 0 and NaNs.
SampleStats summarize(std::vector<double> values);

}  // namespace wb
