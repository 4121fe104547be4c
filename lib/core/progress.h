#pragma once
// How long work reports how far it got and learns that it should stop.
// Passed down by value; both parts are optional.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "core/errors.h"

namespace wb {

struct Progress {
  // Called from the thread that owns the phase, at most a few times a second.
  std::function<void(const std::string& phase, int64_t done, int64_t total)> report;
  // Set by a signal handler; long loops poll it between chunks of work.
  const std::atomic<bool>* stop_requested = nullptr;

  void update(const std::string& phase, int64_t done, int64_t total) const {
    if (report) report(phase, done, total);
  }
  bool stopping() const {
    return stop_requested != nullptr && stop_requested->load(std::memory_order_relaxed);
  }
  void throw_if_stopping() const {
    if (stopping()) throw Interrupted();
  }
};

// A phase of a known number of steps (classifier fits, say): each step()
// reports how many are done and stops the phase between steps when asked.
class StepProgress {
 public:
  StepProgress(const Progress& progress, std::string phase, int64_t total)
      : progress_(progress), phase_(std::move(phase)), total_(total) {}
  void step() {
    progress_.update(phase_, ++done_, total_);
    progress_.throw_if_stopping();
  }

 private:
  const Progress& progress_;
  std::string phase_;
  int64_t total_;
  int64_t done_ = 0;
};

}  // namespace wb
