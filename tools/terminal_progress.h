#pragma once
// Progress lines for long phases: rewritten in place on a terminal, a line
// every few seconds in logs. Shows the rate and the time left.
#include <chrono>
#include <cstdint>
#include <string>

namespace wb::cli {

class TerminalProgress {
 public:
  explicit TerminalProgress(bool quiet);
  void update(const std::string& phase, int64_t done, int64_t total);
  // Ends an in-place line before other output.
  void finish_line();

 private:
  bool quiet_;
  bool interactive_;
  std::string phase_;
  std::chrono::steady_clock::time_point phase_start_;
  std::chrono::steady_clock::time_point last_print_;
  bool line_open_ = false;
};

}  // namespace wb::cli
