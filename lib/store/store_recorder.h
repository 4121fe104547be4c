#pragma once
// The Recorder that RunStore::recorder() hands out: it buffers what a job
// reports and writes it to the store in one transaction per flush.
#include <cstdint>
#include <memory>

#include "run/recorder.h"

namespace wb {

class Database;

// Flushes every 1000 metric points and when destroyed. It
// refers to db, so it must not outlive it; the run must exist.
std::unique_ptr<Recorder> make_store_recorder(Database& db, int64_t run_id);

}  // namespace wb
