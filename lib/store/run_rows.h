#pragma once
// Row-level pieces shared by the files that implement RunStore: writing a
// run's first rows and reading runs back. Every function expects the caller
// to hold the connection's mutex; those that write expect an open write
// transaction, so that they compose into one.
#include <cstdint>
#include <string>

#include "store/run_store.h"

namespace wb {

class Database;
class Statement;

std::string host_name();

// True when no process with this pid exists on this host.
bool process_is_gone(int64_t pid);

// "<path>: no run with id N".
std::string no_such_run(const std::string& path, int64_t run_id);

bool run_exists(Database& db, int64_t run_id);

// Records the experiment (on first use), the run as running in this process,
// with its sweep and trial when start names them, and its params and
// environment. Returns the new run id.
int64_t insert_run(Database& db, const RunStart& start);

// Ends a running run as crashed, dated at its last heartbeat (the last
// moment it is known to have been alive).
void mark_crashed(Database& db, int64_t run_id, const std::string& message);

// SELECT ... FROM runs r JOIN experiments e LEFT JOIN sweeps s, for
// read_summary(); append a WHERE clause.
extern const char* const kSummaryQuery;
RunSummary read_summary(const Statement& row);

// Fills the scores and tags of a summary read by read_summary().
void load_scores_and_tags(Database& db, RunSummary& summary);

// Fills everything but the summary; the run row is known to exist.
void load_details(Database& db, int64_t run_id, RunDetails& details);

}  // namespace wb
