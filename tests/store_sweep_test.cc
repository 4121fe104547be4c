// Sweeps in the run store: ensure_sweep, and claim_trial as several workers
// see it (threads with their own connections, and separate processes).
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "store/run_store.h"
#include "store/sqlite_handle.h"
#include "test_support.h"

using Catch::Matchers::Contains;
using wb::TrialState;

namespace {

void execute(const std::string& db_path, const std::string& sql) {
  wb::Database db(db_path);
  db.set_busy_timeout(10000);
  db.exec(sql.c_str());
}

wb::RunStart trial_start(int64_t sweep_id, const std::string& trial_key) {
  wb::RunStart start;
  start.experiment = "sweep-base";
  start.config_toml = "[walk]\np = 0.5\n";
  start.params = {{"walk.p", "0.5"}};
  start.device = "cpu";
  start.sweep_id = sweep_id;
  start.trial_key = trial_key;
  return start;
}

constexpr int kAttempts = 3;
constexpr int kStaleSeconds = 600;

// A pid that no process has: a child that has exited and been waited for.
pid_t dead_pid() {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  return child;
}

}  // namespace

TEST_CASE("ensure_sweep creates a sweep once and keeps its first spec", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t id = store.ensure_sweep("p-q", "[sweep]\nv = 1\n", "link/dot/roc_auc", "maximize");
  CHECK(id > 0);
  CHECK(store.ensure_sweep("p-q", "[sweep]\nv = 2\n", "other", "minimize") == id);
  const int64_t other = store.ensure_sweep("dims", "", "train/loss", "minimize");
  CHECK(other != id);

  const auto found = store.find_sweep("p-q");
  REQUIRE(found);
  CHECK(found->id == id);
  CHECK(found->spec_toml == "[sweep]\nv = 1\n");
  CHECK(found->metric == "link/dot/roc_auc");
  CHECK(found->goal == "maximize");
  CHECK(found->created_at.size() == 24);
  CHECK_FALSE(store.find_sweep("nope"));

  const auto sweeps = store.list_sweeps();
  REQUIRE(sweeps.size() == 2);
  CHECK(sweeps[0].name == "p-q");
  CHECK(sweeps[1].name == "dims");

  CHECK_THROWS_WITH(store.ensure_sweep("bad", "", "m", "highest"), Contains("'highest'"));
  CHECK_THROWS_AS(store.ensure_sweep("", "", "m", "maximize"), wb::Error);
}

TEST_CASE("claim_trial claims a trial once, then reports it busy and done", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t sweep = store.ensure_sweep("s", "", "m", "maximize");

  const wb::TrialClaim first = store.claim_trial(trial_start(sweep, "p=0.5"), kAttempts, 600);
  REQUIRE(first.state == TrialState::kClaimed);
  CHECK(first.attempts == 0);
  const auto run = store.find_run(first.run_id);
  REQUIRE(run);
  CHECK(run->summary.status == "running");
  CHECK(run->summary.sweep == "s");
  CHECK(run->summary.trial_key == "p=0.5");
  CHECK(run->params.size() == 1);

  const wb::TrialClaim busy = store.claim_trial(trial_start(sweep, "p=0.5"), kAttempts, 600);
  CHECK(busy.state == TrialState::kBusy);
  CHECK(busy.run_id == first.run_id);
  // Another trial of the same sweep is independent.
  CHECK(store.claim_trial(trial_start(sweep, "p=2"), kAttempts, 600).state == TrialState::kClaimed);

  store.finish_run(first.run_id, wb::RunStatus::kFinished);
  const wb::TrialClaim done = store.claim_trial(trial_start(sweep, "p=0.5"), kAttempts, 600);
  CHECK(done.state == TrialState::kDone);
  CHECK(done.run_id == first.run_id);
  CHECK(store.sweep_runs(sweep).size() == 2);
}

TEST_CASE("claim_trial gives up after max_attempts failed attempts", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t sweep = store.ensure_sweep("s", "", "m", "maximize");
  const wb::RunStatus endings[] = {wb::RunStatus::kFailed, wb::RunStatus::kCrashed,
                                   wb::RunStatus::kFailed};
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const wb::TrialClaim claim = store.claim_trial(trial_start(sweep, "t"), kAttempts, 600);
    REQUIRE(claim.state == TrialState::kClaimed);
    CHECK(claim.attempts == attempt);
    store.finish_run(claim.run_id, endings[attempt], "boom");
  }
  const wb::TrialClaim exhausted = store.claim_trial(trial_start(sweep, "t"), kAttempts, 600);
  CHECK(exhausted.state == TrialState::kExhausted);
  CHECK(exhausted.attempts == kAttempts);
  CHECK(exhausted.run_id == 0);
  // A larger budget lets the trial run again, and an interrupted run (Ctrl-C)
  // does not use up an attempt.
  const wb::TrialClaim again = store.claim_trial(trial_start(sweep, "t"), kAttempts + 1, 600);
  REQUIRE(again.state == TrialState::kClaimed);
  store.finish_run(again.run_id, wb::RunStatus::kInterrupted, "ctrl-c");
  CHECK(store.claim_trial(trial_start(sweep, "t"), kAttempts + 1, 600).state ==
        TrialState::kClaimed);
}

TEST_CASE("claim_trial takes over a trial whose run went stale", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t sweep = store.ensure_sweep("s", "", "m", "maximize");
  const wb::TrialClaim first = store.claim_trial(trial_start(sweep, "t"), kAttempts, kStaleSeconds);
  REQUIRE(first.state == TrialState::kClaimed);

  SECTION("no heartbeat for longer than stale_after_seconds") {
    // Its process (this one) is alive: only the heartbeat's age can free it.
    execute(store.path(),
            "UPDATE runs SET heartbeat_at = '2001-02-03T04:05:06.000Z', "
            "host = 'elsewhere' WHERE id = " +
                std::to_string(first.run_id));
    CHECK(store.claim_trial(trial_start(sweep, "t"), kAttempts, 0).state == TrialState::kBusy);
    const wb::TrialClaim second =
        store.claim_trial(trial_start(sweep, "t"), kAttempts, kStaleSeconds);
    CHECK(second.state == TrialState::kClaimed);
    CHECK(second.attempts == 1);
    const auto stale = store.find_run(first.run_id);
    CHECK(stale->summary.status == "crashed");
    CHECK(stale->summary.ended_at == "2001-02-03T04:05:06.000Z");
    CHECK_THAT(stale->message, Contains("no heartbeat") && Contains("elsewhere"));
  }
  SECTION("its process on this host is gone") {
    const pid_t gone = dead_pid();
    execute(store.path(), "UPDATE runs SET pid = " + std::to_string(gone) +
                              " WHERE id = " + std::to_string(first.run_id));
    const wb::TrialClaim second =
        store.claim_trial(trial_start(sweep, "t"), kAttempts, kStaleSeconds);
    CHECK(second.state == TrialState::kClaimed);
    const auto stale = store.find_run(first.run_id);
    CHECK(stale->summary.status == "crashed");
    CHECK_THAT(stale->message, Contains(std::to_string(gone)));
  }
}

TEST_CASE("claim_trial rejects a start without a sweep or trial", "[store]") {
  wb::test::TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t sweep = store.ensure_sweep("s", "", "m", "maximize");
  CHECK_THROWS_WITH(store.claim_trial(trial_start(0, "t"), 1, 60), Contains("sweep_id"));
  CHECK_THROWS_WITH(store.claim_trial(trial_start(sweep, ""), 1, 60), Contains("trial_key"));
  CHECK_THROWS_WITH(store.claim_trial(trial_start(sweep + 7, "t"), 1, 60),
                    Contains("no sweep with id"));
  CHECK_THROWS_WITH(store.claim_trial(trial_start(sweep, "t"), 0, 60), Contains("max_attempts"));
  CHECK(store.sweep_runs(sweep).empty());
}

TEST_CASE("threads with their own connections claim each trial exactly once", "[store]") {
  wb::test::TempDir dir;
  const std::string path = dir.file("runs.db");
  int64_t sweep = 0;
  {
    wb::RunStore store(path);
    sweep = store.ensure_sweep("s", "", "m", "maximize");
  }
  constexpr int kWorkers = 4;
  constexpr int kTrials = 12;
  std::atomic<int> ready{0};
  std::vector<std::map<TrialState, int>> outcomes(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      wb::RunStore store(path);
      ++ready;
      while (ready.load() < kWorkers) std::this_thread::yield();
      for (int trial = 0; trial < kTrials; ++trial) {
        const auto claim =
            store.claim_trial(trial_start(sweep, std::to_string(trial)), kAttempts, 600);
        ++outcomes[w][claim.state];
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  int claimed = 0;
  int busy = 0;
  for (auto& counts : outcomes) {
    claimed += counts[TrialState::kClaimed];
    busy += counts[TrialState::kBusy];
  }
  CHECK(claimed == kTrials);
  CHECK(busy == kTrials * (kWorkers - 1));
  wb::RunStore store(path);
  std::set<std::string> keys;
  for (const auto& run : store.sweep_runs(sweep)) keys.insert(run.summary.trial_key);
  CHECK(keys.size() == static_cast<size_t>(kTrials));
  CHECK(store.sweep_runs(sweep).size() == static_cast<size_t>(kTrials));
}

TEST_CASE("two processes claiming one trial: one claims it, the other finds it busy", "[store]") {
  wb::test::TempDir dir;
  const std::string path = dir.file("runs.db");
  int64_t sweep = 0;
  {
    wb::RunStore store(path);
    sweep = store.ensure_sweep("s", "", "m", "maximize");
  }
  // go: closed by the parent to start both at once; results: each child's
  // state; hold: keeps both alive until both have claimed, since the trial of
  // a process that has exited counts as crashed and may be claimed again.
  int go[2], results[2], hold[2];
  REQUIRE(pipe(go) == 0);
  REQUIRE(pipe(results) == 0);
  REQUIRE(pipe(hold) == 0);
  std::vector<pid_t> children;
  for (int i = 0; i < 2; ++i) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(go[1]);
      close(results[0]);
      close(hold[1]);
      char byte = 0;
      int code = 100;
      try {
        wb::RunStore store(path);
        (void)!read(go[0], &byte, 1);
        code = static_cast<int>(store.claim_trial(trial_start(sweep, "t"), 3, 600).state);
      } catch (...) {
      }
      byte = static_cast<char>(code);
      (void)!write(results[1], &byte, 1);
      (void)!read(hold[0], &byte, 1);
      _exit(0);
    }
    children.push_back(child);
  }
  close(go[0]);
  close(results[1]);
  close(hold[0]);
  close(go[1]);
  std::vector<int> states;
  char byte = 0;
  while (states.size() < 2 && read(results[0], &byte, 1) == 1) states.push_back(byte);
  close(hold[1]);
  for (pid_t child : children) waitpid(child, nullptr, 0);
  close(results[0]);
  REQUIRE(states.size() == 2);
  std::multiset<int> found(states.begin(), states.end());
  CHECK(found.count(static_cast<int>(TrialState::kClaimed)) == 1);
  CHECK(found.count(static_cast<int>(TrialState::kBusy)) == 1);
}
