#include "eval/classifier_fits.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <string>

#include "core/parallel.h"

namespace wb {

namespace {

// Sets the process-wide LibTorch thread count for a scope.
class TorchThreads {
 public:
  explicit TorchThreads(int threads) : saved_(at::get_num_threads()) {
    at::set_num_threads(threads);
  }
  ~TorchThreads() { at::set_num_threads(saved_); }
  TorchThreads(const TorchThreads&) = delete;
  TorchThreads& operator=(const TorchThreads&) = delete;

 private:
  int saved_;
};

}  // namespace

FitThreads plan_classifier_fits(int threads, bool cuda, int64_t bytes_per_fit) {
  constexpr int64_t kSideBySideBytes = int64_t{1} << 30;
  threads = std::max(1, threads);
  const int64_t fit_in_memory = kSideBySideBytes / std::max<int64_t>(1, bytes_per_fit);
  const auto side_by_side = static_cast<int>(std::min<int64_t>(threads, fit_in_memory));
  if (cuda || side_by_side < 2) return {0, threads};
  return {side_by_side, threads};
}

void run_classifier_fits(int64_t count, const FitThreads& plan, const Progress& progress,
                         int64_t done, int64_t total, const std::function<void(int64_t)>& fit) {
  if (plan.side_by_side == 0) {
    const TorchThreads torch_threads(plan.in_turn);
    for (int64_t i = 0; i < count; ++i) {
      fit(i);
      progress.update("eval", done + i + 1, total);
      progress.throw_if_stopping();
    }
    return;
  }
  // set_num_threads in a worker also sets the process-wide default, which
  // the guard restores.
  const TorchThreads torch_threads(at::get_num_threads());
  Progress offset{[&](const std::string& phase, int64_t fits, int64_t) {
                    progress.update(phase, done + fits, total);
                  },
                  progress.stop_requested};
  parallel_for_chunks(count, 1, plan.side_by_side, offset, "eval", [&](int64_t begin, int64_t end) {
    at::set_num_threads(1);
    for (int64_t i = begin; i < end; ++i) fit(i);
  });
}

}  // namespace wb
