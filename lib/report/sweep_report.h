#pragma once
// The sweep report: a leaderboard of parameter points (metric mean ± std over
// repetitions), the metric against each varied parameter, and a
// parallel-coordinates view of all of them at once.
#include <string>

#include "report/report_document.h"
#include "report/sweep_summary.h"

namespace wb {

std::string sweep_report_title(const SweepSummary& summary);

void write_sweep_report(const SweepSummary& summary, ReportDocument& document);

// Rank, one column per varied parameter, the metric, n and the run ids.
ReportTable sweep_leaderboard_table(const SweepSummary& summary);

}  // namespace wb
