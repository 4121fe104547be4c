#pragma once
// Runs fn(begin, end) over [0, total) in chunks on `threads` threads, reporting
// progress from the calling thread and stopping early when asked to. The first
// exception thrown by any worker stops the others and is rethrown here.
#include <cstdint>
#include <functional>
#include <string>

#include "core/progress.h"

namespace wb {

// 0 means all hardware threads.
int resolve_thread_count(int64_t requested);

void parallel_for_chunks(int64_t total, int64_t chunk, int threads, const Progress& progress,
                         const std::string& phase,
                         const std::function<void(int64_t begin, int64_t end)>& fn);

}  // namespace wb
