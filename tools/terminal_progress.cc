#include "terminal_progress.h"

#include <unistd.h>

#include <cstdio>

namespace wb::cli {
namespace {

std::string human_count(double value) {
  char text[32];
  if (value >= 1e9)
    std::snprintf(text, sizeof(text), "%.2fG", value / 1e9);
  else if (value >= 1e6)
    std::snprintf(text, sizeof(text), "%.2fM", value / 1e6);
  else if (value >= 1e3)
    std::snprintf(text, sizeof(text), "%.1fk", value / 1e3);
  else
    std::snprintf(text, sizeof(text), "%.0f", value);
  return text;
}

const char* unit_of(const std::string& phase) {
  if (phase == "walk") return "walks";
  if (phase == "train") return "tokens";
  if (phase == "alias") return "nodes";
  if (phase == "eval") return "fits";
  return "items";
}

}  // namespace

TerminalProgress::TerminalProgress(bool quiet)
    : quiet_(quiet), interactive_(isatty(STDERR_FILENO)) {}

void TerminalProgress::update(const std::string& phase, int64_t done, int64_t total) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  if (phase != phase_) {
    finish_line();
    phase_ = phase;
    phase_start_ = now;
    last_print_ = now;
    return;
  }
  const auto interval = interactive_ ? std::chrono::milliseconds(250) : std::chrono::seconds(5);
  if (now - last_print_ < interval && done < total) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - phase_start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  const double percent =
      total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100;
  std::fprintf(stderr, "%s%-6s %5.1f%%  %s/%s %s  %s/s  elapsed %.0fs  ETA %.0fs%s",
               interactive_ ? "\r" : "", phase.c_str(), percent, human_count(done).c_str(),
               human_count(total).c_str(), unit_of(phase), human_count(rate).c_str(), elapsed, left,
               interactive_ ? "\033[K" : "\n");
  std::fflush(stderr);
  line_open_ = interactive_;
}

void TerminalProgress::finish_line() {
  if (line_open_) std::fputc('\n', stderr);
  line_open_ = false;
}

}  // namespace wb::cli
