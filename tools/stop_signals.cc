#include "stop_signals.h"

#include <time.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>

namespace wb::cli {
namespace {

std::atomic<bool> g_stop_requested{false};
std::atomic<int64_t> g_first_stop_ms{0};  // 0: no stop signal yet

// Never 0, so that the first signal's time is told apart from none.
int64_t monotonic_ms() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000 + 1;
}

void on_stop_signal(int signal_number) {
  const int64_t now = monotonic_ms();
  int64_t first = 0;
  if (!g_first_stop_ms.compare_exchange_strong(first, now)) {
    // timeout(1) and process-group kills deliver one SIGTERM more than once:
    // only a Ctrl-C pressed again, a moment later, gives up on a clean stop.
    if (signal_number == SIGINT && now - first > 300) _exit(128 + signal_number);
    return;
  }
  g_stop_requested = true;
  const char message[] = "\nstopping after the current step (press Ctrl-C again to abort)\n";
  (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& stop_flag() { return g_stop_requested; }

}  // namespace wb::cli
