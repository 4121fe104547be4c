#pragma once
// How long work reports how far it got and learns that it should stop.
// Passed down by value; both parts are optional.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

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

}  // namespace wb
