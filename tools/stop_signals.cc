#include "stop_signals.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>

namespace wb::cli {
namespace {

std::atomic<bool> g_stop_requested{false};

void on_stop_signal(int signal_number) {
  if (g_stop_requested.exchange(true)) _exit(128 + signal_number);
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
