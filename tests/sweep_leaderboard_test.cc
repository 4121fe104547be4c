// The leaderboard and the trial tally, on hand-made runs.
#include <catch2/catch.hpp>
#include <cmath>

#include "exec/experiment_runner.h"
#include "sweep/leaderboard.h"
#include "sweep/trial_plan.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

const std::string kMetric = "link/hadamard/roc_auc";

int64_t next_id = 1;

RunDetails make_run(const std::string& p, int64_t seed, const std::string& status, double score,
                    std::vector<std::string> tags = {}) {
  RunDetails run;
  run.summary.id = next_id++;
  run.summary.status = status;
  run.summary.seed = seed;
  run.summary.tags = std::move(tags);
  if (!std::isnan(score)) run.summary.scores[kMetric] = score;
  run.params = {{"experiment.seed", std::to_string(seed)},
                {"walk.p", p},
                {"walk.q", "1"},
                {"experiment.threads", std::to_string(seed * 3)}};  // not part of the point
  run.summary.trial_key = trial_key(run.params);
  return run;
}

}  // namespace

TEST_CASE("the leaderboard ranks points by their mean over seeds", "[sweep]") {
  const std::vector<RunDetails> runs = {
      make_run("0.5", 1, "finished", 0.80),
      make_run("0.5", 2, "finished", 0.90),
      make_run("2", 1, "finished", 0.70),
      make_run("2", 2, "finished", 0.74),
      make_run("4", 1, "finished", 0.95),                // one seed only: still ranked
      make_run("4", 2, "failed", NAN),                   // not ranked
      make_run("8", 1, "finished", 0.99, {kPrunedTag}),  // pruned: not ranked
      make_run("16", 1, "running", NAN),
  };
  const Leaderboard board = build_leaderboard(runs, {"walk.p"}, kMetric, "maximize");
  REQUIRE(board.entries.size() == 3);
  REQUIRE(board.entries[0].values == SettingValues{{"walk.p", "4"}});
  REQUIRE(board.entries[0].seeds == 1);
  REQUIRE(board.entries[0].stddev == 0);
  REQUIRE(board.entries[1].values == SettingValues{{"walk.p", "0.5"}});
  REQUIRE(board.entries[1].mean == Approx(0.85));
  REQUIRE(board.entries[1].stddev == Approx(std::sqrt(0.005)));  // sample std of 0.8, 0.9
  REQUIRE(board.entries[1].seeds == 2);
  REQUIRE(board.entries[1].best_run_id == runs[1].summary.id);
  REQUIRE(board.entries[2].mean == Approx(0.72));

  const Leaderboard lowest = build_leaderboard(runs, {"walk.p"}, kMetric, "minimize");
  REQUIRE(lowest.entries[0].values == SettingValues{{"walk.p", "2"}});
  REQUIRE(lowest.entries[0].best_run_id == runs[2].summary.id);
  REQUIRE(lowest.entries[2].values == SettingValues{{"walk.p", "4"}});

  // Only planned trials, when a plan is given.
  const Leaderboard planned =
      build_leaderboard(runs, {"walk.p"}, kMetric, "maximize", {runs[2].summary.trial_key});
  REQUIRE(planned.entries.size() == 1);
  REQUIRE(planned.entries[0].mean == Approx(0.70));
}

TEST_CASE("the leaderboard table shows rank, settings, mean ± std and seeds", "[sweep]") {
  const std::vector<RunDetails> runs = {
      make_run("0.10000000000000001", 1, "finished", 0.5),
      make_run("0.10000000000000001", 2, "finished", 0.7),
      make_run("2", 1, "finished", 0.9),
  };
  const Leaderboard board = build_leaderboard(runs, {"walk.p"}, kMetric, "maximize");
  const std::string table = format_leaderboard(board, 10);
  INFO(table);
  REQUIRE_THAT(table, Contains("rank  walk.p  link/hadamard/roc_auc (maximize)  seeds  best run"));
  REQUIRE_THAT(table, Contains("1     2       0.9000 ± 0.0000"));
  REQUIRE_THAT(table, Contains("2     0.1     0.6000 ± 0.1414"));
  REQUIRE(table.find("0.9000") < table.find("0.6000"));
  const std::string top = format_leaderboard(board, 1);
  REQUIRE_THAT(top, Contains("(1 more points not shown)"));
  REQUIRE(top.find("0.6000") == std::string::npos);
}

TEST_CASE("the tally says where each planned trial stands", "[sweep]") {
  const std::vector<RunDetails> runs = {
      make_run("1", 1, "finished", 0.8),
      make_run("2", 1, "crashed", NAN),
      make_run("2", 1, "finished", 0.8),  // retried after a crash
      make_run("3", 1, "failed", NAN),
      make_run("3", 1, "failed", NAN),  // given up with max_attempts = 2
      make_run("4", 1, "interrupted", NAN),
      make_run("5", 1, "running", NAN),
      make_run("6", 1, "finished", NAN, {kPrunedTag}),
  };
  std::vector<std::string> keys;
  for (const auto& p : {"1", "2", "3", "4", "5", "6", "7"}) {
    keys.push_back(make_run(p, 1, "finished", 0).summary.trial_key);
  }
  const TrialTally tally = tally_trials(runs, keys, 2);
  REQUIRE(tally.planned == 7);
  REQUIRE(tally.finished == 3);
  REQUIRE(tally.pruned == 1);
  REQUIRE(tally.failed == 2);
  REQUIRE(tally.exhausted == 1);
  REQUIRE(tally.running == 1);
  REQUIRE(tally.not_started == 1);
}
