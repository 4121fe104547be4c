#pragma once
// The node2vec paper's tables against our runs: for each dataset the paper's
// node2vec score (read from the CSV tables in ../shared/datasets/tables) and
// ours from the finished runs of experiment "paper-<dataset>", on the CPU and
// on the GPU, as mean ± std over the runs of one setting. Where runs used
// several settings (a p, q sweep), the setting with the best validation score
// is shown, never the best test score.
#include <string>
#include <vector>

#include "report/report_document.h"
#include "store/run_store.h"

namespace wb {

struct PaperScore {
  std::string dataset;  // our name: facebook, astroph, ppi, ppi-link, blogcatalog, wikipedia
  std::string metric;   // our score key, e.g. "node/macro_f1"
  double value = 0;     // the paper's node2vec number
  // Set where the paper measured another graph than ours (PPI's link
  // prediction): its number is shown for reference, not as a target.
  bool other_graph = false;
};

// Reads node2vec_table2_macro_f1.csv and node2vec_table4_link_prediction_auc.csv
// (Hadamard row) from `directory`. PPI's link prediction becomes dataset
// "ppi-link" (experiment "paper-ppi-link"), marked other_graph. Throws
// DataError naming a missing file or a malformed row.
std::vector<PaperScore> read_paper_scores(const std::string& directory);

// The finished runs of experiment "paper-<dataset>" that carry the metric.
std::vector<RunDetails> paper_runs(const RunStore& store, const PaperScore& reference);

// The run's params except those `ignored` names, as one text: runs with equal
// keys trained the same setting. Seed, threads, device and export are always
// ignored (bookkeeping).
std::string paper_setting_key(const RunDetails& run,
                              bool (*ignored)(const std::string& name) = nullptr);

bool ran_on_gpu(const RunSummary& run);

// run.param(name) in its shortest form (short_param_text): 0.0125, not
// 0.012500000000000001; "?" when the run lacks it.
std::string param_text(const RunDetails& run, const std::string& name);

ReportTable paper_results_table(const RunStore& store, const std::vector<PaperScore>& paper);

// The files (graph, labels) the runs shown by paper_results_table read: one
// row per dataset, file and version, with its size and SHA-256.
ReportTable paper_data_table(const RunStore& store, const std::vector<PaperScore>& paper);

void write_paper_report(const RunStore& store, const std::vector<PaperScore>& paper,
                        ReportDocument& document);

}  // namespace wb
