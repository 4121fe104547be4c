#include "core/sample_stats.h"

#include <algorithm>
#include <cmath>

namespace wb {

SampleStats summarize(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](double value) { return !std::isfinite(value); }),
               values.end());
  SampleStats stats;
  stats.n = static_cast<int>(values.size());
  if (values.empty()) return stats;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  stats.median =
      values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  stats.min = values.front();
  stats.max = values.back();
  double sum = 0;
  for (double value : values) sum += value;
  stats.mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double value : values) squares += (value - stats.mean) * (value - stats.mean);
  stats.stddev =
      values.size() < 2 ? 0 : std::sqrt(squares / static_cast<double>(values.size() - 1));
  return stats;
}

}  // namespace wb
