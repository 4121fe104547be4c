#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>
#include <utility>

#include "report/number_format.h"
#include "report/svg_canvas.h"

namespace wb {
namespace {

constexpr double kMarginLeft = 72;
constexpr double kMarginTop = 40;
constexpr double kMarginBottom = 56;
constexpr double kMarginRight = 24;
constexpr double kLegendWidth = 200;
const char* const kAxisColor = "#444";
const char* const kGridColor = "#e4e4e4";

struct PlotArea {
  double left, top, right, bottom;
};

PlotArea plot_area(const SvgCanvas& canvas, bool with_legend) {
  return {kMarginLeft, kMarginTop, canvas.width() - kMarginRight - (with_legend ? kLegendWidth : 0),
          canvas.height() - kMarginBottom};
}

void draw_title(SvgCanvas& canvas, const ChartLabels& labels) {
  canvas.text(canvas.width() / 2.0, 22, labels.title, TextAnchor::kMiddle, 15);
}

void draw_no_data(SvgCanvas& canvas, const PlotArea& area) {
  canvas.text((area.left + area.right) / 2, (area.top + area.bottom) / 2, "no data",
              TextAnchor::kMiddle, 14, 0, "#888");
}

// Tick labels with the decimals their spacing needs: 0, 10, 20 rather than
// 0, 10.0, 20.0; 0.2, 0.4 rather than 0.200, 0.400.
std::vector<std::string> tick_labels(const std::vector<double>& ticks) {
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  std::vector<std::string> labels;
  for (double tick : ticks) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.*f", decimals, tick);
    labels.push_back(text);
  }
  return labels;
}

// Gridlines and labelled ticks on the left edge, plus the rotated axis label.
void draw_y_axis(SvgCanvas& canvas, const PlotArea& area, const LinearScale& scale,
                 const std::string& label) {
  const std::vector<double> ticks = nice_ticks(scale.domain_min, scale.domain_max);
  const std::vector<std::string> labels = tick_labels(ticks);
  for (size_t i = 0; i < ticks.size(); ++i) {
    const double y = scale(ticks[i]);
    canvas.line(area.left, y, area.right, y, kGridColor);
    canvas.text(area.left - 6, y + 4, labels[i], TextAnchor::kEnd, 11);
  }
  canvas.line(area.left, area.top, area.left, area.bottom, kAxisColor);
  canvas.text(18, (area.top + area.bottom) / 2, label, TextAnchor::kMiddle, 12, -90);
}

void draw_x_label(SvgCanvas& canvas, const PlotArea& area, const std::string& label) {
  canvas.line(area.left, area.bottom, area.right, area.bottom, kAxisColor);
  canvas.text((area.left + area.right) / 2, area.bottom + 40, label, TextAnchor::kMiddle, 12);
}

void draw_x_numeric_axis(SvgCanvas& canvas, const PlotArea& area, const LinearScale& scale,
                         const std::string& label) {
  const std::vector<double> ticks = nice_ticks(scale.domain_min, scale.domain_max);
  const std::vector<std::string> labels = tick_labels(ticks);
  for (size_t i = 0; i < ticks.size(); ++i) {
    const double x = scale(ticks[i]);
    canvas.line(x, area.top, x, area.bottom, kGridColor);
    canvas.line(x, area.bottom, x, area.bottom + 5, kAxisColor);
    canvas.text(x, area.bottom + 18, labels[i], TextAnchor::kMiddle, 11);
  }
  draw_x_label(canvas, area, label);
}

// Category i sits at scale(i).
void draw_x_category_axis(SvgCanvas& canvas, const PlotArea& area, const LinearScale& scale,
                          const std::vector<std::string>& categories, const std::string& label) {
  for (size_t i = 0; i < categories.size(); ++i) {
    const double x = scale(static_cast<double>(i));
    canvas.line(x, area.bottom, x, area.bottom + 5, kAxisColor);
    canvas.text(x, area.bottom + 18, categories[i], TextAnchor::kMiddle, 11);
  }
  draw_x_label(canvas, area, label);
}

void draw_legend(SvgCanvas& canvas, const PlotArea& area, const std::vector<std::string>& names) {
  const double x = area.right + 20;
  for (size_t i = 0; i < names.size(); ++i) {
    const double y = area.top + 20.0 * static_cast<double>(i);
    canvas.rect(x, y, 12, 12, palette_color(i));
    canvas.text(x + 18, y + 10, names[i], TextAnchor::kStart, 12);
  }
}

// The nice domain of the finite values, or nothing when there are none.
bool finite_range(const std::vector<double>& values, double& min, double& max) {
  min = INFINITY;
  max = -INFINITY;
  for (double value : values) {
    if (!std::isfinite(value)) continue;
    min = std::min(min, value);
    max = std::max(max, value);
  }
  if (min > max) return false;
  std::tie(min, max) = nice_domain(min, max);
  return true;
}

std::vector<std::string> unique_names(const std::vector<LineSeries>& series) {
  std::vector<std::string> names;
  for (const auto& s : series) {
    if (std::find(names.begin(), names.end(), s.name) == names.end()) names.push_back(s.name);
  }
  return names;
}

// Light blue for 0, dark blue for 1: the shade of a parallel-coordinates line.
std::string shade(double fraction) {
  fraction = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
  const auto mix = [fraction](int light, int dark) {
    return static_cast<int>(std::lround(light + (dark - light) * fraction));
  };
  char color[8];
  std::snprintf(color, sizeof(color), "#%02x%02x%02x", mix(0xb3, 0x08), mix(0xcd, 0x30),
                mix(0xe3, 0x6b));
  return color;
}

// A value as its category name on a categorical axis, else as a number.
std::string value_text(double value, const std::vector<std::string>& categories) {
  if (value >= 0 && value < static_cast<double>(categories.size())) {
    return categories[static_cast<size_t>(value)];
  }
  return format_significant(value, 4);
}

// One vertical axis of a parallel-coordinates chart, with its name and ticks;
// returns its scale.
LinearScale draw_parallel_axis(SvgCanvas& canvas, const PlotArea& area, double x,
                               const ParallelAxis& axis) {
  double min = 0, max = static_cast<double>(axis.categories.size()) - 1;
  if (axis.categories.empty() && !finite_range(axis.values, min, max)) {
    std::tie(min, max) = std::make_pair(0.0, 1.0);
  }
  // A single category sits in the middle of its axis.
  if (!axis.categories.empty() && min >= max) std::tie(min, max) = std::make_pair(-1.0, 1.0);
  const LinearScale scale{min, max, area.bottom, area.top};
  canvas.line(x, area.top, x, area.bottom, kAxisColor);
  canvas.text(x, area.top - 12, axis.name, TextAnchor::kMiddle, 12);
  std::vector<double> ticks;
  std::vector<std::string> names = axis.categories;
  if (axis.categories.empty()) {
    ticks = nice_ticks(min, max, 4);
    names = tick_labels(ticks);
  } else {
    for (size_t c = 0; c < axis.categories.size(); ++c) ticks.push_back(static_cast<double>(c));
  }
  for (size_t t = 0; t < ticks.size(); ++t) {
    canvas.line(x, scale(ticks[t]), x + 4, scale(ticks[t]), kAxisColor);
    canvas.text(x + 6, scale(ticks[t]) + 4, names[t], TextAnchor::kStart, 10);
  }
  return scale;
}

}  // namespace

std::string line_chart(const ChartLabels& labels, const std::vector<LineSeries>& series) {
  const std::vector<std::string> names = unique_names(series);
  SvgCanvas canvas(labels.width, labels.height, labels.title);
  const PlotArea area = plot_area(canvas, !names.empty());
  draw_title(canvas, labels);
  std::vector<double> xs, ys;
  for (const auto& s : series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  double x_min, x_max, y_min, y_max;
  if (!finite_range(xs, x_min, x_max) || !finite_range(ys, y_min, y_max)) {
    draw_no_data(canvas, area);
    return canvas.str();
  }
  const LinearScale x_scale{x_min, x_max, area.left, area.right};
  const LinearScale y_scale{y_min, y_max, area.bottom, area.top};
  draw_y_axis(canvas, area, y_scale, labels.y_label);
  draw_x_numeric_axis(canvas, area, x_scale, labels.x_label);
  for (const auto& s : series) {
    std::vector<std::pair<double, double>> points;
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        points.emplace_back(x_scale(s.x[i]), y_scale(s.y[i]));
      }
    }
    const size_t color =
        static_cast<size_t>(std::find(names.begin(), names.end(), s.name) - names.begin());
    canvas.polyline(points, palette_color(color), 1.5, s.name);
  }
  draw_legend(canvas, area, names);
  return canvas.str();
}

std::string grouped_bar_chart(const ChartLabels& labels, const GroupedBars& bars) {
  SvgCanvas canvas(labels.width, labels.height, labels.title);
  const PlotArea area = plot_area(canvas, !bars.series.empty());
  draw_title(canvas, labels);
  std::vector<double> tops = {0};
  for (const auto& group : bars.values) {
    for (const auto& bar : group) {
      tops.push_back(bar.value);
      tops.push_back(bar.high);
    }
  }
  double y_min, y_max;
  if (bars.groups.empty() || !finite_range(tops, y_min, y_max) || y_max <= 0) {
    draw_no_data(canvas, area);
    return canvas.str();
  }
  const LinearScale y_scale{0, y_max, area.bottom, area.top};
  draw_y_axis(canvas, area, y_scale, labels.y_label);
  const double band = (area.right - area.left) / static_cast<double>(bars.groups.size());
  const LinearScale x_scale{-0.5, static_cast<double>(bars.groups.size()) - 0.5, area.left,
                            area.right};
  draw_x_category_axis(canvas, area, x_scale, bars.groups, labels.x_label);
  const double bar_width =
      band * 0.8 / static_cast<double>(std::max<size_t>(1, bars.series.size()));
  for (size_t g = 0; g < bars.groups.size() && g < bars.values.size(); ++g) {
    const double group_left = x_scale(static_cast<double>(g)) - band * 0.4;
    for (size_t s = 0; s < bars.series.size() && s < bars.values[g].size(); ++s) {
      const RangedValue& bar = bars.values[g][s];
      if (!std::isfinite(bar.value)) continue;
      const double left = group_left + bar_width * static_cast<double>(s);
      const double top = y_scale(bar.value);
      canvas.rect(left + 1, top, bar_width - 2, area.bottom - top, palette_color(s),
                  bars.series[s] + ", " + bars.groups[g] + ": " + format_significant(bar.value));
      if (std::isfinite(bar.low) && std::isfinite(bar.high)) {
        const double middle = left + bar_width / 2;
        const double cap = std::min(6.0, bar_width / 4);
        canvas.line(middle, y_scale(bar.low), middle, y_scale(bar.high), "#222");
        canvas.line(middle - cap, y_scale(bar.low), middle + cap, y_scale(bar.low), "#222");
        canvas.line(middle - cap, y_scale(bar.high), middle + cap, y_scale(bar.high), "#222");
      }
    }
  }
  draw_legend(canvas, area, bars.series);
  return canvas.str();
}

std::string scatter_chart(const ChartLabels& labels, const ScatterPoints& points) {
  SvgCanvas canvas(labels.width, labels.height, labels.title);
  const PlotArea area = plot_area(canvas, false);
  draw_title(canvas, labels);
  const bool categorical = !points.x_categories.empty();
  double x_min, x_max, y_min, y_max;
  if (!finite_range(points.x, x_min, x_max) || !finite_range(points.y, y_min, y_max)) {
    draw_no_data(canvas, area);
    return canvas.str();
  }
  if (categorical) {
    x_min = -0.5;
    x_max = static_cast<double>(points.x_categories.size()) - 0.5;
  }
  const LinearScale x_scale{x_min, x_max, area.left, area.right};
  const LinearScale y_scale{y_min, y_max, area.bottom, area.top};
  draw_y_axis(canvas, area, y_scale, labels.y_label);
  if (categorical) {
    draw_x_category_axis(canvas, area, x_scale, points.x_categories, labels.x_label);
  } else {
    draw_x_numeric_axis(canvas, area, x_scale, labels.x_label);
  }
  for (size_t i = 0; i < std::min(points.x.size(), points.y.size()); ++i) {
    if (!std::isfinite(points.x[i]) || !std::isfinite(points.y[i])) continue;
    canvas.circle(x_scale(points.x[i]), y_scale(points.y[i]), 4.5, palette_color(0),
                  labels.x_label + " = " + value_text(points.x[i], points.x_categories) + ": " +
                      format_significant(points.y[i], 4));
  }
  return canvas.str();
}

std::string parallel_coordinates(const ChartLabels& labels, const std::vector<ParallelAxis>& axes) {
  SvgCanvas canvas(labels.width, labels.height, labels.title);
  // Room above the axes for their names and on the right for the last axis's ticks.
  const PlotArea area{60, kMarginTop + 28, canvas.width() - 90.0, canvas.height() - 24.0};
  draw_title(canvas, labels);
  size_t lines = axes.empty() ? 0 : axes.front().values.size();
  for (const auto& axis : axes) lines = std::min(lines, axis.values.size());
  if (axes.size() < 2 || lines == 0) {
    draw_no_data(canvas, area);
    return canvas.str();
  }
  const double spacing = (area.right - area.left) / static_cast<double>(axes.size() - 1);
  const auto axis_x = [&](size_t a) { return area.left + spacing * static_cast<double>(a); };
  std::vector<LinearScale> scales;
  for (size_t a = 0; a < axes.size(); ++a) {
    scales.push_back(draw_parallel_axis(canvas, area, axis_x(a), axes[a]));
  }
  // The highest lines are drawn last, so they stay on top and visible.
  const auto shade_key = [&](size_t line) {
    const double value = axes.back().values[line];
    return std::isfinite(value) ? value : -INFINITY;
  };
  std::vector<size_t> order(lines);
  for (size_t i = 0; i < lines; ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return shade_key(a) < shade_key(b); });
  for (size_t i : order) {
    std::vector<std::pair<double, double>> points;
    std::string tooltip;
    for (size_t a = 0; a < axes.size(); ++a) {
      const double value = axes[a].values[i];
      if (!std::isfinite(value)) continue;
      points.emplace_back(axis_x(a), scales[a](value));
      tooltip += (tooltip.empty() ? "" : ", ") + axes[a].name + " = " +
                 value_text(value, axes[a].categories);
    }
    const double fraction =
        (scales.back()(axes.back().values[i]) - area.bottom) / (area.top - area.bottom);
    canvas.polyline(points, shade(fraction), 2, tooltip);
  }
  return canvas.str();
}

}  // namespace wb
