#pragma once
// SIGINT and SIGTERM set a flag the job polls, so it can stop at a safe point
// and mark its run interrupted; a second Ctrl-C exits at once, a repeated
// SIGTERM does not.
#include <atomic>

namespace wb::cli {

void install_stop_handlers();
const std::atomic<bool>& stop_flag();

}  // namespace wb::cli
