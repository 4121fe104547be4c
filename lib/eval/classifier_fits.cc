#include "eval/classifier_fits.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <string>

#include "core/parallel.h"

namespace wb {

void run_classifier_fits(int64_t count, int threads, const Progress& progress, int64_t done,
                         int64_t total, const std::function<void(int64_t)>& fit) {
  if (threads == 0) {
    for (int64_t i = 0; i < count; ++i) {
      fit(i);
      progress.update("eval", done + i + 1, total);
      progress.throw_if_stopping();
    }
    return;
  }
  const int torch_threads = at::get_num_threads();
  Progress offset{[&](const std::string& phase, int64_t fits, int64_t) {
                    progress.update(phase, done + fits, total);
                  },
                  progress.stop_requested};
  try {
    parallel_for_chunks(count, 1, threads, offset, "eval", [&](int64_t begin, int64_t end) {
      at::set_num_threads(1);
      for (int64_t i = begin; i < end; ++i) fit(i);
    });
  } catch (...) {
    at::set_num_threads(torch_threads);
    throw;
  }
  // set_num_threads also sets the process-wide default the workers changed.
  at::set_num_threads(torch_threads);
}

int side_by_side_threads(int threads, bool cuda, int64_t bytes_per_fit) {
  constexpr int64_t kSideBySideBytes = int64_t{1} << 30;
  if (cuda) return 0;
  const int64_t fit_in_memory = kSideBySideBytes / std::max<int64_t>(1, bytes_per_fit);
  const auto side_by_side = static_cast<int>(std::min<int64_t>(threads, fit_in_memory));
  return side_by_side >= 2 ? side_by_side : 0;
}

}  // namespace wb
