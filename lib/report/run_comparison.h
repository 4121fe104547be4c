#pragma once
// The numbers behind a CPU-versus-GPU report, from recorded runs alone: runs
// are grouped into variants (device x trainer x AMP), checked to be the same
// experiment otherwise, and summarised per variant: phase timings with their
// spread, speed-ups against the CPU baseline, every score (throughput, peak
// memory, AUC) and the loss curves. Pure data: no store, no files.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/sample_stats.h"
#include "store/run_store.h"

namespace wb {

struct Variant {
  std::string device;   // where the run ran: cpu | cuda
  std::string trainer;  // train.trainer
  std::string amp;      // train.amp: off | bf16 | fp16
  // "cpu / torch / fp32", "cuda / torch / amp bf16".
  std::string label() const;
};

bool operator==(const Variant& a, const Variant& b);
// The reading order: CPU before GPU, the reference trainer first, FP32 before AMP.
bool operator<(const Variant& a, const Variant& b);

Variant variant_of(const RunDetails& run);

// The settings that make a variant, and so may differ between compared runs.
const std::vector<std::string>& variant_keys();

struct VariantResult {
  Variant variant;
  std::vector<int64_t> run_ids;  // in the order given
  std::map<std::string, SampleStats> phase_seconds;
  SampleStats total_seconds;  // the sum of each run's phases
  // The baseline's median over this variant's median: > 1 is faster. NaN
  // where either is missing or zero.
  std::map<std::string, double> phase_speedup;
  double total_speedup = std::numeric_limits<double>::quiet_NaN();
  std::map<std::string, SampleStats> scores;  // every score any of its runs recorded
  std::vector<std::pair<int64_t, std::vector<MetricPoint>>> loss_curves;  // run id, train/loss
};

struct RunEnvironment {
  int64_t run_id = 0;
  std::string variant;       // Variant::label()
  std::string code_version;  // the git commit, abbreviated, with "+dirty" for local changes
  std::vector<std::pair<std::string, std::string>> environment;
};

struct RunComparison {
  std::vector<std::string> experiments;  // distinct experiment names, in run order
  std::vector<std::string> phases;       // recorded phases, in pipeline order
  std::vector<VariantResult> variants;   // sorted by Variant's order
  // Index into variants of the reference for speed-ups: CPU / torch / FP32
  // when present, else the first CPU variant, else the first one.
  size_t baseline = 0;
  // The compared settings (graph, walk, train, eval), equal in every run,
  // as the first run recorded them, then "graph sha256" and the like.
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<RunEnvironment> environments;  // one per run
};

// Throws wb::Error when `runs` is empty, when a run is not finished, or when
// two runs differ in a graph, walk, train or eval setting other than the
// variant keys (the message names the key, both values and both runs). A file
// setting (graph.path, eval.labels, train.embeddings, train.embeddings_ids)
// is compared by the SHA-256 both runs recorded of it where they did: the
// same data under another path is comparable, another file under one path
// is not.
void check_comparable(const std::vector<RunDetails>& runs);

// check_comparable, then the summary.
RunComparison compare_runs(const std::vector<RunDetails>& runs);

}  // namespace wb
