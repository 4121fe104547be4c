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

// How an evaluation's fits use the run's threads: side by side, each fit on
// one LibTorch thread, or in turn, each fit on `in_turn` LibTorch threads.
struct FitThreads {
  int side_by_side = 0;  // > 0: that many fits at once; 0: in turn
  int in_turn = 1;       // LibTorch threads of a fit run in turn
};

// Fits side by side on up to `threads` CPU threads while their working
// memory, `bytes_per_fit` each, stays under 1 GiB together; otherwise (one
// thread, or CUDA) in turn, on the run's `threads`.
FitThreads plan_classifier_fits(int threads, bool cuda, int64_t bytes_per_fit);

// Runs fit(0) .. fit(count - 1) as `plan` says, reporting "eval" progress as
// fits done + 1 .. done + count of all `total`, and stopping between fits
// when asked. The process-wide LibTorch thread count is restored afterwards;
// side by side, the results do not depend on the number of fits at once.
// The first exception thrown by a fit is rethrown here.
void run_classifier_fits(int64_t count, const FitThreads& plan, const Progress& progress,
                         int64_t done, int64_t total, const std::function<void(int64_t)>& fit);

}  // namespace wb
