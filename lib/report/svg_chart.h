#pragma once
// The report's charts, each returned as one self-contained <svg> element with
// a title, axes, ticks, labels and (where there are several series) a legend.
// Non-finite values are left out rather than drawn, and a chart with nothing
// to draw says "no data" instead of failing.
#include <limits>
#include <string>
#include <vector>

namespace wb {

struct ChartLabels {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 760;
  int height = 380;
};

struct LineSeries {
  // The legend entry. Series with the same name share one colour and one
  // entry, e.g. the repetitions of one variant.
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

// One <polyline> per series over numeric x and y axes.
std::string line_chart(const ChartLabels& labels, const std::vector<LineSeries>& series);

struct RangedValue {
  double value = std::numeric_limits<double>::quiet_NaN();  // NaN: no bar
  double low = std::numeric_limits<double>::quiet_NaN();    // NaN: no whisker
  double high = std::numeric_limits<double>::quiet_NaN();
};

struct GroupedBars {
  std::vector<std::string> groups;               // along the x axis, e.g. phases
  std::vector<std::string> series;               // one bar per group each, e.g. variants
  std::vector<std::vector<RangedValue>> values;  // [group][series]
};

// Bars from zero, grouped along x, with a low-high whisker on each bar.
std::string grouped_bar_chart(const ChartLabels& labels, const GroupedBars& bars);

struct ScatterPoints {
  std::vector<double> x;
  std::vector<double> y;
  // When not empty, x is categorical: x[i] is an index into these names.
  std::vector<std::string> x_categories;
};

std::string scatter_chart(const ChartLabels& labels, const ScatterPoints& points);

struct ParallelAxis {
  std::string name;
  std::vector<double> values;  // one per line, in the same order on every axis
  // When not empty, the axis is categorical: values are indices into these names.
  std::vector<std::string> categories;
};

// One polyline per item across vertical axes, each axis with its own scale;
// lines are shaded by the last axis (light: low, dark: high).
std::string parallel_coordinates(const ChartLabels& labels, const std::vector<ParallelAxis>& axes);

}  // namespace wb
