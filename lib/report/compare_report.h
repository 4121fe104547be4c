#pragma once
// The CPU-versus-GPU report: a summary per variant, time per phase (chart and
// tables), speed-ups, throughput and peak memory, link-prediction AUC parity,
// the loss curves overlaid, and where each run ran.
#include <string>
#include <vector>

#include "report/report_document.h"
#include "report/run_comparison.h"

namespace wb {

std::string compare_report_title(const RunComparison& comparison);

// `notes` are shown first, e.g. variants that were skipped and why.
void write_compare_report(const RunComparison& comparison, const std::vector<std::string>& notes,
                          ReportDocument& document);

// The tables of the report, one function each, so tests can check them exactly.
ReportTable compare_summary_table(const RunComparison& comparison);
ReportTable phase_time_table(const RunComparison& comparison);
ReportTable phase_speedup_table(const RunComparison& comparison);
ReportTable throughput_table(const RunComparison& comparison);
ReportTable auc_table(const RunComparison& comparison);
ReportTable environment_table(const RunComparison& comparison);

}  // namespace wb
