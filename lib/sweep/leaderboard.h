#pragma once
// Ranks a sweep's parameter points by their metric: the finished trials of a
// point (one per replicate seed) give a mean, a spread and a count. Pruned,
// failed and unscored trials are counted but not ranked.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "store/run_store.h"
#include "sweep/trial_plan.h"

namespace wb {

struct LeaderboardEntry {
  SettingValues values;  // the varied settings, as the store recorded them
  double mean = 0;
  double stddev = 0;  // sample standard deviation over seeds; 0 for one seed
  int64_t seeds = 0;  // finished trials of this point with the metric
  int64_t best_run_id = 0;
};

struct Leaderboard {
  std::string metric;
  std::string goal;
  std::vector<LeaderboardEntry> entries;  // best first
};

// `varied` names the settings to show; `planned_keys`, when not empty, keeps
// only those trials (a sweep file edited since may have left old ones behind).
Leaderboard build_leaderboard(const std::vector<RunDetails>& sweep_runs,
                              const std::vector<std::string>& varied, const std::string& metric,
                              const std::string& goal,
                              const std::set<std::string>& planned_keys = {});

// The top `limit` entries as a table: rank, the varied settings, mean ± std
// and the number of seeds, then the best run's id.
std::string format_leaderboard(const Leaderboard& leaderboard, size_t limit);

// Where each planned trial stands, from its runs in the store.
struct TrialTally {
  int64_t planned = 0;
  int64_t finished = 0;  // pruned ones included
  int64_t pruned = 0;
  int64_t failed = 0;     // no finished run; the last one failed, crashed or was interrupted
  int64_t exhausted = 0;  // of those, the ones that used up max_attempts
  int64_t running = 0;
  int64_t not_started = 0;
};
TrialTally tally_trials(const std::vector<RunDetails>& sweep_runs,
                        const std::vector<std::string>& planned_keys, int64_t max_attempts);

}  // namespace wb
