#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace wb {

int resolve_thread_count(int64_t requested) {
  if (requested > 0) return static_cast<int>(requested);
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for_chunks(int64_t total, int64_t chunk, int threads, const Progress& progress,
                         const std::string& phase,
                         const std::function<void(int64_t, int64_t)>& fn) {
  chunk = std::max<int64_t>(1, chunk);
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

  auto work = [&] {
    while (!failed.load(std::memory_order_relaxed) && !progress.stopping()) {
      const int64_t begin = next.fetch_add(chunk);
      if (begin >= total) return;
      const int64_t end = std::min(total, begin + chunk);
      try {
        fn(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
        return;
      }
      done.fetch_add(end - begin);
    }
  };

  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, threads); ++i) workers.emplace_back(work);
  // The calling thread only reports, so progress callbacks never run concurrently.
  auto last_report = std::chrono::steady_clock::now();
  while (done.load() < total && !failed.load() && !progress.stopping()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto now = std::chrono::steady_clock::now();
    if (now - last_report > std::chrono::milliseconds(500)) {
      progress.update(phase, done.load(), total);
      last_report = now;
    }
  }
  for (auto& worker : workers) worker.join();
  if (first_error) std::rethrow_exception(first_error);
  progress.throw_if_stopping();
  progress.update(phase, done.load(), total);
}

}  // namespace wb
