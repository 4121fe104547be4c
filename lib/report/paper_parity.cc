#include "report/paper_parity.h"

#include <cmath>
#include <map>
#include <set>

#include "core/sample_stats.h"
#include "report/number_format.h"
#include "report/paper_report.h"

namespace wb {
namespace {

// How a run trains, not what it trains: these may differ between the runs
// set side by side. Everything else (walks, window, learning rate, the
// evaluation) must be equal. The seed may differ too: each side is averaged
// over the seeds both ran, as one seed's score moves by up to 0.01 F1.
bool is_variant_param(const std::string& name) {
  static const char* const kVariant[] = {"train.trainer",        "train.amp",
                                         "train.storage",        "train.negative_sharing",
                                         "train.negative_chunk", "train.batching",
                                         "train.deterministic",  "train.stochastic_rounding",
                                         "experiment.device",    "experiment.threads",
                                         "experiment.seed"};
  for (const char* variant : kVariant) {
    if (name == variant) return true;
  }
  return name.rfind("export.", 0) == 0;
}

std::string param_of(const RunDetails& run, const std::string& key) {
  for (const auto& [name, value] : run.params) {
    if (name == key) return value;
  }
  return "";
}

bool is_reference(const RunDetails& run) {
  return param_of(run, "train.trainer") == "torch" && param_of(run, "train.amp") == "off";
}

std::string device_of(const RunSummary& summary) {
  return summary.device.rfind("cuda", 0) == 0 ? "GPU" : "CPU";
}

// "GPU torch bf16", "CPU fused", "GPU fused (bf16 tables, window-shared negatives)".
std::string variant_label(const RunDetails& run) {
  std::string label = device_of(run.summary) + " " + param_of(run, "train.trainer");
  const std::string amp = param_of(run, "train.amp");
  if (!amp.empty() && amp != "off") label += " " + amp;
  std::string details;
  const std::string storage = param_of(run, "train.storage");
  if (!storage.empty() && storage != "fp32") details += storage + " tables";
  const std::string sharing = param_of(run, "train.negative_sharing");
  if (!sharing.empty() && sharing != "none") {
    details += (details.empty() ? "" : ", ") + sharing + "-shared negatives";
  }
  return details.empty() ? label : label + " (" + details + ")";
}

struct Variant {
  std::map<int64_t, std::vector<double>> scores_by_seed;

  // This variant's runs of the given seeds.
  Variant of_seeds(const std::set<int64_t>& seeds) const {
    Variant kept;
    for (const int64_t seed : seeds) kept.scores_by_seed[seed] = scores_by_seed.at(seed);
    return kept;
  }
  std::vector<double> scores() const {
    std::vector<double> all;
    for (const auto& [seed, scores] : scores_by_seed)
      all.insert(all.end(), scores.begin(), scores.end());
    return all;
  }
};

std::set<int64_t> shared_seeds(const Variant& a, const Variant& b) {
  std::set<int64_t> seeds;
  for (const auto& [seed, scores] : a.scores_by_seed) {
    if (b.scores_by_seed.count(seed)) seeds.insert(seed);
  }
  return seeds;
}

// The runs of one setting, by variant label.
struct Setting {
  std::string description;  // p, q, walks per node
  std::string reference_label;
  std::map<std::string, Variant> variants;
};

// "0.1482 ± 0.0031 (seeds 1, 2, 42)"
std::string scores_text(const Variant& variant) {
  const SampleStats stats = summarize(variant.scores());
  std::string seeds;
  for (const auto& [seed, scores] : variant.scores_by_seed) {
    seeds += (seeds.empty() ? "" : ", ") + std::to_string(seed);
  }
  return format_mean_std(stats.mean, stats.stddev, static_cast<int>(stats.n), 4) + " (seed" +
         (variant.scores_by_seed.size() > 1 ? "s " : " ") + seeds + ")";
}

std::string difference_text(double difference) {
  const double rounded = std::round(difference * 1e4) / 1e4;
  char text[32];
  std::snprintf(text, sizeof(text), "%+.4f", rounded == 0 ? 0.0 : rounded);
  return text;
}

// The finished runs of experiment "paper-<dataset>" that carry `metric`, by setting.
std::map<std::string, Setting> settings_of(const RunStore& store, const PaperScore& reference) {
  RunFilter filter;
  filter.experiment = "paper-" + reference.dataset;
  filter.status = "finished";
  std::map<std::string, Setting> settings;  // by every param but the variant ones
  for (const RunSummary& summary : store.list_runs(filter)) {
    const auto score = summary.scores.find(reference.metric);
    if (score == summary.scores.end()) continue;
    const auto run = store.find_run(summary.id);
    if (!run) continue;
    std::string key;
    for (const auto& [name, value] : run->params) {
      if (!is_variant_param(name)) key += name + "=" + value + "\n";
    }
    Setting& setting = settings[key];
    setting.description = "p=" + param_of(*run, "walk.p") + " q=" + param_of(*run, "walk.q") +
                          ", " + param_of(*run, "walk.walks_per_node") + " walks/node";
    const std::string label = variant_label(*run);
    // The CPU reference when there are both.
    if (is_reference(*run) && (setting.reference_label.empty() || device_of(summary) == "CPU")) {
      setting.reference_label = label;
    }
    setting.variants[label].scores_by_seed[summary.seed].push_back(score->second);
  }
  return settings;
}

}  // namespace

double parity_tolerance(const std::string& metric) {
  return metric.rfind("link/", 0) == 0 ? 0.005 : 0.01;
}

ReportTable trainer_parity_table(const RunStore& store, const std::vector<PaperScore>& paper) {
  ReportTable table;
  table.header = {"dataset", "metric",        "setting",    "reference (torch FP32)",
                  "variant", "variant score", "difference", "within"};
  table.align = {Align::kLeft, Align::kLeft,  Align::kLeft,  Align::kRight,
                 Align::kLeft, Align::kRight, Align::kRight, Align::kLeft};
  for (const PaperScore& reference : paper) {
    const double tolerance = parity_tolerance(reference.metric);
    for (const auto& [key, setting] : settings_of(store, reference)) {
      if (setting.reference_label.empty() || setting.variants.size() < 2) continue;
      const Variant& reference_runs = setting.variants.at(setting.reference_label);
      for (const auto& [label, variant] : setting.variants) {
        if (label == setting.reference_label) continue;
        // Only the seeds both sides ran: one seed's score moves more than the
        // tolerance on the smaller label sets.
        const std::set<int64_t> seeds = shared_seeds(variant, reference_runs);
        if (seeds.empty()) continue;
        const Variant reference_part = reference_runs.of_seeds(seeds);
        const Variant variant_part = variant.of_seeds(seeds);
        const double difference =
            summarize(variant_part.scores()).mean - summarize(reference_part.scores()).mean;
        table.rows.push_back({reference.dataset, reference.metric, setting.description,
                              scores_text(reference_part) + ", " + setting.reference_label, label,
                              scores_text(variant_part), difference_text(difference),
                              std::fabs(difference) <= tolerance ? "yes" : "no"});
      }
    }
  }
  return table;
}

}  // namespace wb
