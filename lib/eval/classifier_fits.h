#pragma once
// Runs an evaluation's classifier fits: side by side on several CPU threads,
// each fit on one LibTorch thread, or in turn with LibTorch's own threads.
// Small fits (one-vs-rest on a few thousand nodes, edge classifiers on a few
// hundred thousand pairs) spend most of their time starting and joining
// OpenMP teams, so whole fits side by side go further; large ones parallelise
// well inside each operation and would need one feature matrix per thread.
#include <cstdint>
#include <functional>

#include "core/progress.h"

namespace wb {

// Runs fit(0) .. fit(count - 1), reporting "eval" progress as fits done + 1
// .. done + count of all `total`, and stopping between fits when asked.
// threads > 0: on that many threads, one LibTorch thread each (the
// process-wide LibTorch thread count is restored afterwards); the results do
// not depend on `threads`. threads = 0: in turn on the calling thread (GPU
// fits, or fits too large to hold side by side). The first exception thrown
// by a fit is rethrown here.
void run_classifier_fits(int64_t count, int threads, const Progress& progress, int64_t done,
                         int64_t total, const std::function<void(int64_t)>& fit);

// The `threads` argument for run_classifier_fits: fits side by side on up to
// `threads` CPU threads while their working memory, `bytes_per_fit` each,
// stays under 1 GiB together; otherwise (or on CUDA) 0, in turn, each fit
// parallel inside its operations.
int side_by_side_threads(int threads, bool cuda, int64_t bytes_per_fit);

}  // namespace wb
