#include "report/compare_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "eval/link_heuristics.h"
#include "report/number_format.h"
#include "report/svg_chart.h"

namespace wb {
namespace {

const char* const kWalkRate = "walk/steps_per_second";
const char* const kPairRate = "train/pairs_per_second";
const char* const kPeakMemory = "resources/peak_memory_mib";
const char* const kAucSuffix = "/roc_auc";
const char* const kPreferredAuc = "link/hadamard/roc_auc";

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string join_ids(const std::vector<int64_t>& ids) {
  std::string text;
  for (int64_t id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

const SampleStats& score_of(const VariantResult& result, const std::string& key) {
  static const SampleStats missing;
  const auto found = result.scores.find(key);
  return found == result.scores.end() ? missing : found->second;
}

// "1.23 (1.20–1.31)": the median time, and the range over repetitions.
std::string median_range(const SampleStats& stats) {
  if (stats.n == 0) return "n/a";
  std::string text = format_seconds(stats.median);
  if (stats.n > 1) {
    text += " (" + format_seconds(stats.min) + "–" + format_seconds(stats.max) + ")";
  }
  return text;
}

// "link/hadamard/roc_auc" -> "hadamard".
std::string operator_name(const std::string& auc_key) {
  const size_t prefix = std::string("link/").size();
  return auc_key.substr(prefix, auc_key.size() - prefix - std::string(kAucSuffix).size());
}

// The link-prediction AUC keys any variant recorded, in name order; graph
// heuristics score every variant of one split alike, so they are left out.
std::vector<std::string> auc_keys(const RunComparison& comparison) {
  std::vector<std::string> keys;
  for (const auto& result : comparison.variants) {
    for (const auto& entry : result.scores) {
      if (entry.first.rfind("link/", 0) == 0 && ends_with(entry.first, kAucSuffix) &&
          !is_link_heuristic(operator_name(entry.first)) &&
          std::find(keys.begin(), keys.end(), entry.first) == keys.end()) {
        keys.push_back(entry.first);
      }
    }
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The AUC the summary shows: Hadamard as in the node2vec paper, else the first one.
std::string headline_auc(const RunComparison& comparison) {
  const auto keys = auc_keys(comparison);
  if (keys.empty()) return "";
  return std::find(keys.begin(), keys.end(), kPreferredAuc) != keys.end() ? kPreferredAuc
                                                                          : keys.front();
}

std::string auc_cell(const SampleStats& stats) {
  return stats.n == 0 ? "n/a" : format_mean_std(stats.mean, stats.stddev, stats.n, 4);
}

std::string environment_value(const RunEnvironment& run, const std::string& key) {
  for (const auto& [name, value] : run.environment) {
    if (name == key) return value;
  }
  return "";
}

GroupedBars phase_bars(const RunComparison& comparison) {
  GroupedBars bars;
  bars.groups = comparison.phases;
  for (const auto& result : comparison.variants) bars.series.push_back(result.variant.label());
  for (const auto& phase : comparison.phases) {
    std::vector<RangedValue> group;
    for (const auto& result : comparison.variants) {
      const SampleStats& stats = result.phase_seconds.at(phase);
      group.push_back(stats.n == 0 ? RangedValue{}
                                   : RangedValue{stats.median, stats.min, stats.max});
    }
    bars.values.push_back(group);
  }
  return bars;
}

std::vector<LineSeries> loss_series(const RunComparison& comparison) {
  std::vector<LineSeries> series;
  for (const auto& result : comparison.variants) {
    for (const auto& [run_id, points] : result.loss_curves) {
      LineSeries line;
      line.name = result.variant.label();
      for (const auto& point : points) {
        line.x.push_back(static_cast<double>(point.step));
        line.y.push_back(point.value);
      }
      series.push_back(std::move(line));
    }
  }
  return series;
}

ReportTable settings_table(const RunComparison& comparison) {
  ReportTable table;
  table.header = {"setting", "value"};
  for (const auto& [key, value] : comparison.settings) table.rows.push_back({key, value});
  return table;
}

}  // namespace

std::string compare_report_title(const RunComparison& comparison) {
  std::string names;
  for (const auto& name : comparison.experiments) names += (names.empty() ? "" : ", ") + name;
  return "CPU versus GPU: " + names;
}

ReportTable compare_summary_table(const RunComparison& comparison) {
  const std::string auc = headline_auc(comparison);
  ReportTable table;
  table.header = {"variant",          "n",        "runs",
                  "end to end (s)",   "speed-up", auc.empty() ? "AUC" : operator_name(auc) + " AUC",
                  "peak memory (MiB)"};
  table.align = {Align::kLeft,  Align::kRight, Align::kLeft, Align::kRight,
                 Align::kRight, Align::kRight, Align::kRight};
  for (const auto& result : comparison.variants) {
    table.rows.push_back({result.variant.label(), std::to_string(result.run_ids.size()),
                          join_ids(result.run_ids), median_range(result.total_seconds),
                          format_speedup(result.total_speedup),
                          auc.empty() ? "n/a" : auc_cell(score_of(result, auc)),
                          format_significant(score_of(result, kPeakMemory).median)});
  }
  return table;
}

ReportTable phase_time_table(const RunComparison& comparison) {
  ReportTable table;
  table.header = {"variant"};
  table.align = {Align::kLeft};
  for (const auto& phase : comparison.phases) table.header.push_back(phase + " (s)");
  table.header.push_back("end to end (s)");
  table.align.resize(table.header.size(), Align::kRight);
  for (const auto& result : comparison.variants) {
    std::vector<std::string> row = {result.variant.label()};
    for (const auto& phase : comparison.phases) {
      row.push_back(median_range(result.phase_seconds.at(phase)));
    }
    row.push_back(median_range(result.total_seconds));
    table.rows.push_back(row);
  }
  return table;
}

ReportTable phase_speedup_table(const RunComparison& comparison) {
  ReportTable table;
  table.header = {"variant"};
  table.align = {Align::kLeft};
  for (const auto& phase : comparison.phases) table.header.push_back(phase);
  table.header.push_back("end to end");
  table.align.resize(table.header.size(), Align::kRight);
  for (const auto& result : comparison.variants) {
    std::vector<std::string> row = {result.variant.label()};
    for (const auto& phase : comparison.phases) {
      row.push_back(format_speedup(result.phase_speedup.at(phase)));
    }
    row.push_back(format_speedup(result.total_speedup));
    table.rows.push_back(row);
  }
  return table;
}

ReportTable throughput_table(const RunComparison& comparison) {
  const VariantResult& baseline = comparison.variants[comparison.baseline];
  const double baseline_rate = score_of(baseline, kPairRate).median;
  ReportTable table;
  table.header = {"variant",        "walk steps/s",      "train pairs/s",
                  "train speed-up", "peak memory (MiB)", "peak memory max (MiB)"};
  table.align = {Align::kLeft,  Align::kRight, Align::kRight,
                 Align::kRight, Align::kRight, Align::kRight};
  for (const auto& result : comparison.variants) {
    const double rate = score_of(result, kPairRate).median;
    table.rows.push_back({result.variant.label(), format_si(score_of(result, kWalkRate).median),
                          format_si(rate),
                          format_speedup(baseline_rate > 0 ? rate / baseline_rate : kNaN),
                          format_significant(score_of(result, kPeakMemory).median),
                          format_significant(score_of(result, kPeakMemory).max)});
  }
  return table;
}

ReportTable auc_table(const RunComparison& comparison) {
  const auto keys = auc_keys(comparison);
  const std::string headline = headline_auc(comparison);
  const VariantResult& baseline = comparison.variants[comparison.baseline];
  ReportTable table;
  table.header = {"variant"};
  for (const auto& key : keys) table.header.push_back(operator_name(key));
  if (!headline.empty()) table.header.push_back(operator_name(headline) + " vs baseline");
  table.align.assign(table.header.size(), Align::kRight);
  table.align[0] = Align::kLeft;
  for (const auto& result : comparison.variants) {
    std::vector<std::string> row = {result.variant.label()};
    for (const auto& key : keys) row.push_back(auc_cell(score_of(result, key)));
    if (!headline.empty()) {
      const double delta = score_of(result, headline).mean - score_of(baseline, headline).mean;
      char text[32];
      std::snprintf(text, sizeof(text), "%+.4f", delta);
      row.push_back(std::isfinite(delta) ? text : "n/a");
    }
    table.rows.push_back(row);
  }
  return table;
}

ReportTable environment_table(const RunComparison& comparison) {
  ReportTable table;
  table.header = {"run", "variant", "host", "CPU",   "threads",
                  "GPU", "torch",   "CUDA", "cuDNN", "commit"};
  table.align = {Align::kRight, Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight};
  for (const auto& run : comparison.environments) {
    const std::string gpu = environment_value(run, "gpu0_name");
    table.rows.push_back({std::to_string(run.run_id), run.variant,
                          environment_value(run, "hostname"), environment_value(run, "cpu_model"),
                          environment_value(run, "threads"), gpu.empty() ? "none" : gpu,
                          environment_value(run, "torch_version"),
                          environment_value(run, "cuda_runtime_version"),
                          environment_value(run, "cudnn_version"), run.code_version});
  }
  return table;
}

void write_compare_report(const RunComparison& comparison, const std::vector<std::string>& notes,
                          ReportDocument& document) {
  const VariantResult& baseline = comparison.variants[comparison.baseline];
  size_t runs = 0;
  for (const auto& result : comparison.variants) runs += result.run_ids.size();
  document.paragraph(std::to_string(runs) + " runs in " +
                     std::to_string(comparison.variants.size()) +
                     " variants (device / trainer / precision). Times are medians over the "
                     "repetitions with their min–max range; a speed-up is the baseline's median "
                     "time (" +
                     baseline.variant.label() + ") over the variant's, so above 1 is faster.");
  document.notes(notes);

  document.heading("Summary");
  document.table(compare_summary_table(comparison));

  document.heading("Time per phase");
  ChartLabels phase_labels{"Time per phase (median, whiskers: min–max)", "phase", "seconds"};
  document.chart(grouped_bar_chart(phase_labels, phase_bars(comparison)),
                 "Wall time of each pipeline phase per variant.");
  document.table(phase_time_table(comparison));
  document.paragraph("Speed-up per phase against " + baseline.variant.label() + ":");
  document.table(phase_speedup_table(comparison));

  document.heading("Throughput and memory");
  document.table(throughput_table(comparison));

  document.heading("Link prediction (ROC-AUC parity)");
  document.table(auc_table(comparison));

  document.heading("Training loss");
  ChartLabels loss_labels{"Training loss", "step", "loss"};
  document.chart(line_chart(loss_labels, loss_series(comparison)),
                 "train/loss of every run, one colour per variant.");

  document.heading("Environment");
  document.table(environment_table(comparison));

  document.heading("Compared settings");
  document.paragraph(
      "Equal in every run; only experiment.device, train.trainer and train.amp "
      "differ between variants.");
  document.table(settings_table(comparison));
}

}  // namespace wb
