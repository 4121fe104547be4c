#include "report/sweep_report.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "report/number_format.h"
#include "report/svg_chart.h"

namespace wb {
namespace {

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// A parameter's values as chart coordinates: the numbers themselves when all
// are numbers, else indices into the sorted distinct values.
struct Coordinates {
  std::vector<double> positions;
  std::vector<std::string> categories;  // empty for numbers
};

Coordinates coordinates(const std::vector<std::string>& values) {
  Coordinates result;
  const bool numeric = std::all_of(values.begin(), values.end(), [](const std::string& v) {
    return parse_number(v).has_value();
  });
  if (numeric) {
    for (const auto& value : values) result.positions.push_back(*parse_number(value));
    return result;
  }
  result.categories = values;
  std::sort(result.categories.begin(), result.categories.end());
  result.categories.erase(std::unique(result.categories.begin(), result.categories.end()),
                          result.categories.end());
  for (const auto& value : values) {
    result.positions.push_back(static_cast<double>(
        std::lower_bound(result.categories.begin(), result.categories.end(), value) -
        result.categories.begin()));
  }
  return result;
}

std::string scatter_for(const SweepSummary& summary, size_t key_index) {
  std::vector<std::string> values;
  ScatterPoints points;
  for (const auto& run : summary.runs) {
    values.push_back(run.values[key_index]);
    points.y.push_back(run.metric);
  }
  Coordinates x = coordinates(values);
  points.x = std::move(x.positions);
  points.x_categories = std::move(x.categories);
  const std::string& key = summary.varied_keys[key_index];
  ChartLabels labels{summary.sweep.metric + " against " + key, key, summary.sweep.metric};
  labels.height = 320;
  return scatter_chart(labels, points);
}

std::string parallel_view(const SweepSummary& summary) {
  std::vector<ParallelAxis> axes;
  for (size_t k = 0; k < summary.varied_keys.size(); ++k) {
    std::vector<std::string> values;
    for (const auto& point : summary.points) values.push_back(point.values[k]);
    Coordinates c = coordinates(values);
    axes.push_back({summary.varied_keys[k], std::move(c.positions), std::move(c.categories)});
  }
  ParallelAxis metric{summary.sweep.metric + " (mean)", {}, {}};
  for (const auto& point : summary.points) metric.values.push_back(point.metric.mean);
  axes.push_back(std::move(metric));
  ChartLabels labels{"Parameter points and " + summary.sweep.metric, "", ""};
  labels.width = std::max(760, 220 * static_cast<int>(axes.size()));
  labels.height = 420;
  return parallel_coordinates(labels, axes);
}

std::string join_ids(const std::vector<int64_t>& ids) {
  std::string text;
  for (int64_t id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

}  // namespace

std::string sweep_report_title(const SweepSummary& summary) {
  return "Sweep " + summary.sweep.name;
}

ReportTable sweep_leaderboard_table(const SweepSummary& summary) {
  ReportTable table;
  table.header = {"rank"};
  table.align = {Align::kRight};
  for (const auto& key : summary.varied_keys) {
    table.header.push_back(key);
    table.align.push_back(Align::kRight);
  }
  table.header.insert(table.header.end(), {summary.sweep.metric, "n", "runs"});
  table.align.insert(table.align.end(), {Align::kRight, Align::kRight, Align::kLeft});
  for (size_t i = 0; i < summary.points.size(); ++i) {
    const SweepPoint& point = summary.points[i];
    std::vector<std::string> row = {std::to_string(i + 1)};
    row.insert(row.end(), point.values.begin(), point.values.end());
    row.push_back(format_mean_std(point.metric.mean, point.metric.stddev, point.metric.n, 4));
    row.push_back(std::to_string(point.metric.n));
    row.push_back(join_ids(point.run_ids));
    table.rows.push_back(row);
  }
  return table;
}

void write_sweep_report(const SweepSummary& summary, ReportDocument& document) {
  const std::string goal = summary.sweep.goal == "minimize" ? "lower" : "higher";
  document.paragraph("Metric " + summary.sweep.metric + " (" + summary.sweep.goal + ": " + goal +
                     " is better) over " + std::to_string(summary.runs.size()) +
                     " finished runs at " + std::to_string(summary.points.size()) +
                     " parameter points; runs that differ only in experiment.seed are "
                     "repetitions of one point.");
  std::vector<std::string> notes;
  if (summary.left_out > 0) {
    notes.push_back(std::to_string(summary.left_out) +
                    " runs are left out: not finished, or without " + summary.sweep.metric + ".");
  }
  if (summary.varied_keys.empty()) {
    notes.push_back("No parameter varies between the runs: every run is a repetition.");
  }
  document.notes(notes);

  document.heading("Leaderboard");
  document.table(sweep_leaderboard_table(summary));
  if (summary.varied_keys.empty()) return;

  document.heading("Metric against each parameter");
  for (size_t k = 0; k < summary.varied_keys.size(); ++k) {
    document.chart(scatter_for(summary, k),
                   summary.sweep.metric + " of every run against " + summary.varied_keys[k] + ".");
  }
  document.heading("Parallel coordinates");
  document.chart(parallel_view(summary), "One line per parameter point, shaded by the mean of " +
                                             summary.sweep.metric + " (dark: high).");
}

}  // namespace wb
