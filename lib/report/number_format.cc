#include "report/number_format.h"

#include <cmath>
#include <cstdio>

namespace wb {
namespace {

const char* const kNotAvailable = "n/a";

std::string printf_text(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

}  // namespace

std::string format_significant(double value, int digits) {
  if (!std::isfinite(value)) return kNotAvailable;
  if (value == 0) return "0";
  // Decimals so that `digits` significant digits remain, but never an exponent:
  // tick labels and timings read better as 0.00012 or 123000.
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  int decimals = digits - 1 - magnitude;
  if (decimals < 0) decimals = 0;
  if (decimals > 12) decimals = 12;
  char format[16];
  std::snprintf(format, sizeof(format), "%%.%df", decimals);
  std::string text = printf_text(format, value);
  if (text == "-0" || text.find_first_not_of("-0.") == std::string::npos) return "0";
  return text;
}

std::string format_seconds(double seconds) {
  if (!std::isfinite(seconds)) return kNotAvailable;
  const double magnitude = std::fabs(seconds);
  if (magnitude >= 100) return printf_text("%.0f", seconds);
  if (magnitude >= 10) return printf_text("%.1f", seconds);
  if (magnitude >= 1) return printf_text("%.2f", seconds);
  return printf_text("%.3f", seconds);
}

std::string format_si(double value) {
  if (!std::isfinite(value)) return kNotAvailable;
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9) return format_significant(value / 1e9) + "G";
  if (magnitude >= 1e6) return format_significant(value / 1e6) + "M";
  if (magnitude >= 1e3) return format_significant(value / 1e3) + "k";
  return format_significant(value);
}

std::string format_speedup(double ratio) {
  if (!std::isfinite(ratio)) return kNotAvailable;
  return printf_text(ratio >= 10 ? "%.1fx" : "%.2fx", ratio);
}

std::string format_mean_std(double mean, double stddev, int n, int decimals) {
  if (!std::isfinite(mean)) return kNotAvailable;
  char buffer[64];
  if (n < 2 || !std::isfinite(stddev)) {
    std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, mean);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.*f ± %.*f", decimals, mean, decimals, stddev);
  }
  return buffer;
}

}  // namespace wb
