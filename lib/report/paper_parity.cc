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
// set side by side, as may the bookkeeping paper_setting_key ignores (the
// seed among it: each side is averaged over the seeds both ran, as one seed's
// score moves by up to 0.01 F1). Everything else (walks, window, learning
// rate, the evaluation) must be equal.
bool is_training_variant(const std::string& name) {
  static const char* const kVariant[] = {"train.trainer",        "train.amp",
                                         "train.storage",        "train.negative_sharing",
                                         "train.negative_chunk", "train.batching",
                                         "train.deterministic",  "train.stochastic_rounding",
                                         "train.embeddings",     "train.embeddings_ids"};
  for (const char* variant : kVariant) {
    if (name == variant) return true;
  }
  return false;
}

bool is_reference(const RunDetails& run) {
  return run.param("train.trainer") == "torch" && run.param("train.amp") == "off";
}

std::string device_of(const RunSummary& summary) { return ran_on_gpu(summary) ? "GPU" : "CPU"; }

// "GPU torch bf16", "CPU fused", "GPU fused (bf16 tables, window-shared negatives)",
// "CPU external (gensim.emb)".
std::string variant_label(const RunDetails& run) {
  std::string label = device_of(run.summary) + " " + run.param("train.trainer");
  if (run.param("train.trainer") == "external") {
    const std::string path = run.param("train.embeddings");
    return label + " (" + path.substr(path.find_last_of('/') + 1) + ")";
  }
  const std::string amp = run.param("train.amp");
  if (!amp.empty() && amp != "off") label += " " + amp;
  std::string details;
  const std::string storage = run.param("train.storage");
  if (!storage.empty() && storage != "fp32") details += storage + " tables";
  const std::string sharing = run.param("train.negative_sharing");
  if (!sharing.empty() && sharing != "none") {
    details += (details.empty() ? "" : ", ") + sharing + "-shared negatives";
  }
  return details.empty() ? label : label + " (" + details + ")";
}

using ScoresBySeed = std::map<int64_t, std::vector<double>>;

std::set<int64_t> shared_seeds(const ScoresBySeed& a, const ScoresBySeed& b) {
  std::set<int64_t> seeds;
  for (const auto& [seed, scores] : a) {
    if (b.count(seed)) seeds.insert(seed);
  }
  return seeds;
}

std::vector<double> scores_of(const ScoresBySeed& runs, const std::set<int64_t>& seeds) {
  std::vector<double> kept;
  for (const int64_t seed : seeds) {
    const auto& scores = runs.at(seed);
    kept.insert(kept.end(), scores.begin(), scores.end());
  }
  return kept;
}

// The runs of one setting, by variant label.
struct Setting {
  std::string description;  // p, q, walks per node
  std::string reference_label;
  std::map<std::string, ScoresBySeed> variants;
};

// "0.1482 ± 0.0031 (seeds 1, 2, 42)"
std::string scores_text(const SampleStats& stats, const std::set<int64_t>& seeds) {
  std::string list;
  for (const int64_t seed : seeds) list += (list.empty() ? "" : ", ") + std::to_string(seed);
  return format_mean_std(stats.mean, stats.stddev, static_cast<int>(stats.n), 4) + " (seed" +
         (seeds.size() > 1 ? "s " : " ") + list + ")";
}

std::string difference_text(double difference) {
  const double rounded = std::round(difference * 1e4) / 1e4;
  char text[32];
  std::snprintf(text, sizeof(text), "%+.4f", rounded == 0 ? 0.0 : rounded);
  return text;
}

// The runs of paper_runs, by setting.
std::map<std::string, Setting> settings_of(const RunStore& store, const PaperScore& reference) {
  std::map<std::string, Setting> settings;
  for (const RunDetails& run : paper_runs(store, reference)) {
    Setting& setting = settings[paper_setting_key(run, is_training_variant)];
    setting.description = "p=" + param_text(run, "walk.p") + " q=" + param_text(run, "walk.q") +
                          ", " + run.param("walk.walks_per_node") + " walks/node, lr " +
                          param_text(run, "train.learning_rate");
    const std::string label = variant_label(run);
    // The CPU reference when there are both.
    if (is_reference(run) && (setting.reference_label.empty() || !ran_on_gpu(run.summary))) {
      setting.reference_label = label;
    }
    setting.variants[label][run.summary.seed].push_back(run.summary.scores.at(reference.metric));
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
      const ScoresBySeed& reference_runs = setting.variants.at(setting.reference_label);
      for (const auto& [label, runs] : setting.variants) {
        if (label == setting.reference_label) continue;
        // Only the seeds both sides ran: one seed's score moves more than the
        // tolerance on the smaller label sets.
        const std::set<int64_t> seeds = shared_seeds(runs, reference_runs);
        if (seeds.empty()) continue;
        const SampleStats ours = summarize(scores_of(runs, seeds));
        const SampleStats theirs = summarize(scores_of(reference_runs, seeds));
        const double difference = ours.mean - theirs.mean;
        table.rows.push_back({reference.dataset, reference.metric, setting.description,
                              scores_text(theirs, seeds) + ", " + setting.reference_label, label,
                              scores_text(ours, seeds), difference_text(difference),
                              std::fabs(difference) <= tolerance ? "yes" : "no"});
      }
    }
  }
  return table;
}

}  // namespace wb
