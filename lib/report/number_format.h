#pragma once
// Numbers as a reader wants them in a report: a few significant digits and no
// exponent for timings and scores, SI suffixes for rates, "n/a" for a value
// that could not be computed (NaN), so every table cell is short and aligned.
#include <string>

namespace wb {

// 3 significant digits without an exponent: 0.0123, 1.23, 123, 12300.
std::string format_significant(double value, int digits = 3);
// Wall times: 123, 12.3, 1.23, 0.123, 0.012 (milliseconds at most: shorter
// phases are noise next to the ones that matter).
std::string format_seconds(double seconds);
// 1.23k, 45.6M, 7.89G: for rates such as pairs per second.
std::string format_si(double value);
// "2.35x".
std::string format_speedup(double ratio);
// "0.912 ± 0.004" (the spread of repetitions), or just "0.912" when n < 2.
std::string format_mean_std(double mean, double stddev, int n, int decimals = 3);

}  // namespace wb
