#pragma once
// The fast trainers against the reference on the paper's datasets: runs of
// experiment "paper-<dataset>" that differ only in how they train (trainer,
// AMP, table storage, negative sharing, device) and share every other setting
// are set beside the LibTorch FP32 runs of the same setting (each side
// averaged over the seeds both ran), with the difference and whether it is
// within the tolerance the fast paths are held to (0.005 ROC-AUC, 0.01 F1).
#include <string>
#include <vector>

#include "report/report_table.h"
#include "store/run_store.h"

namespace wb {

struct PaperScore;

// Largest difference from the reference still counted as the same score.
double parity_tolerance(const std::string& metric);

// One row per (dataset, setting, variant) that has a reference run;
// empty when no setting was trained both ways.
ReportTable trainer_parity_table(const RunStore& store, const std::vector<PaperScore>& paper);

}  // namespace wb
