// Drives `workbench sweep` as a user does: whole sweeps, re-runs, resuming
// after a killed or interrupted sweep, parallel workers and early stopping,
// checked against what the store holds.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "core/memory_size.h"
#include "store/run_store.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::CommandResult;
using wb::test::run_workbench;

namespace {

pid_t start_workbench(const std::vector<std::string>& arguments) {
  const pid_t child = fork();
  if (child == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    std::vector<char*> argv = {const_cast<char*>(WB_WORKBENCH_BINARY)};
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    execv(WB_WORKBENCH_BINARY, argv.data());
    _exit(127);
  }
  return child;
}

int exit_code_of(pid_t child) {
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string experiment(int users, int walks_per_node) {
  return R"(
[experiment]
name = "sweep-small"
device = "cpu"
threads = 1
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = )" +
         std::to_string(users) +
         R"(
items = 100
categories = 5
[walk]
sampler = "node2vec-rejection"
walks_per_node = )" +
         std::to_string(walks_per_node) +
         R"(
walk_length = 20
[train]
dimension = 16
window = 4
log_every = 5
[eval]
operators = ["hadamard"]
[export]
formats = ["npy"]
)";
}

struct SweepDir {
  test::TempDir dir;
  std::string sweep;
  std::string store = dir.file("runs/workbench.db");
  SweepDir(const std::string& experiment_text, const std::string& sweep_body) {
    dir.write("exp.toml", experiment_text);
    sweep = dir.write("s.toml", "[sweep]\nname = \"s\"\nexperiment = \"exp.toml\"\n" + sweep_body);
  }
  std::vector<RunDetails> runs() const {
    RunStore store_(store);
    const auto found = store_.find_sweep("s");
    return found ? store_.sweep_runs(found->id) : std::vector<RunDetails>{};
  }
  // Finished runs per trial key.
  std::map<std::string, int> finished_per_trial() const {
    std::map<std::string, int> counts;
    for (const RunDetails& run : runs())
      counts[run.summary.trial_key] += run.summary.status == "finished";
    return counts;
  }
  int count(const std::string& status) const {
    int n = 0;
    for (const RunDetails& run : runs()) n += run.summary.status == status;
    return n;
  }
  // Waits until `n` trials are recorded as running.
  bool wait_for_running(int n) const {
    for (int i = 0; i < 600; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (std::filesystem::exists(store) && count("running") >= n) return true;
    }
    return false;
  }
};

void require_each_trial_finished_once(const SweepDir& sweep, size_t trials) {
  const auto finished = sweep.finished_per_trial();
  REQUIRE(finished.size() == trials);
  for (const auto& [key, count] : finished) {
    INFO(key);
    REQUIRE(count == 1);
  }
}

}  // namespace

TEST_CASE("a sweep runs each trial once, and running it again runs nothing new", "[sweep]") {
  const SweepDir sweep(experiment(300, 4), "seeds = [1, 2]\n[parameters]\n\"walk.p\" = [0.5, 2]\n");
  const auto first = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  REQUIRE_THAT(first.output, Contains("4 trials (2 points x 2 seeds)") &&
                                 Contains("trial 4/4 finished") &&
                                 Contains("4 trials: 4 finished (0 pruned), 0 failed") &&
                                 Contains("top 2 of 2 points") &&
                                 Contains("rank  walk.p  link/hadamard/roc_auc (maximize)"));
  require_each_trial_finished_once(sweep, 4);
  for (const RunDetails& run : sweep.runs()) {
    REQUIRE(run.summary.sweep == "s");
    REQUIRE(run.summary.experiment == "sweep-small");
  }

  const auto again = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store);
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  REQUIRE_THAT(again.output, Contains("ran 0 trials") && Contains("skipped 4 already done"));
  REQUIRE(sweep.runs().size() == 4);
}

TEST_CASE("a bad sweep file is refused before any trial starts", "[sweep]") {
  const SweepDir sweep(experiment(300, 4), "[parameters]\n\"walk.p\" = [0.5, 0]\n");
  const auto result = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store);
  REQUIRE(result.exit_code != 0);
  REQUIRE_THAT(result.output, Contains(sweep.sweep + ":5: parameters.walk.p: the experiment "
                                                     "does not accept 0"));
  REQUIRE_FALSE(std::filesystem::exists(sweep.store));
}

TEST_CASE("a killed sweep resumes: the dead trial runs again, every trial once", "[sweep]") {
  const SweepDir sweep(experiment(1000, 6), "[parameters]\n\"walk.q\" = [0.5, 1, 2]\n");
  const pid_t child = start_workbench({"sweep", sweep.sweep, "--store", sweep.store});
  REQUIRE(sweep.wait_for_running(1));
  kill(child, SIGKILL);
  exit_code_of(child);
  REQUIRE(sweep.count("running") == 1);  // nobody told the store

  const auto resumed = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  require_each_trial_finished_once(sweep, 3);
  REQUIRE(sweep.count("crashed") == 1);
  REQUIRE(sweep.count("running") == 0);
}

TEST_CASE("Ctrl-C stops every worker; the interrupted trials run again on resume", "[sweep]") {
  const SweepDir sweep(experiment(1000, 6), "[parameters]\n\"walk.q\" = [0.5, 1, 2, 4]\n");
  const pid_t child =
      start_workbench({"sweep", sweep.sweep, "--store", sweep.store, "--workers", "2"});
  REQUIRE(sweep.wait_for_running(2));
  kill(child, SIGINT);
  REQUIRE(exit_code_of(child) == 130);
  REQUIRE(sweep.count("running") == 0);
  REQUIRE(sweep.count("interrupted") >= 1);

  const auto resumed = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  require_each_trial_finished_once(sweep, 4);
}

TEST_CASE("two workers share a sweep without losing or repeating a trial", "[sweep]") {
  const SweepDir sweep(experiment(300, 4),
                       "seeds = [1, 2]\n[parameters]\n\"walk.p\" = [0.5, 1, 2]\n");
  const auto result =
      run_workbench("sweep " + sweep.sweep + " --store " + sweep.store + " --workers 2");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  REQUIRE_THAT(result.output, Contains("[worker 0]") && Contains("[worker 1]") &&
                                  Contains("6 trials: 6 finished (0 pruned), 0 failed"));
  require_each_trial_finished_once(sweep, 6);
  REQUIRE(sweep.runs().size() == 6);
  // Each worker keeps walks in memory up to its share of the default, half
  // the usable memory, so that together they stay within it.
  const double share_gib = 0.5 * usable_memory_bytes() / kGiB / 2;
  for (const RunDetails& run : sweep.runs()) {
    const auto limit = std::find_if(run.params.begin(), run.params.end(), [](const auto& param) {
      return param.first == "walk.max_memory_gb";
    });
    REQUIRE(limit != run.params.end());
    REQUIRE(std::stod(limit->second) == Approx(share_gib).epsilon(1e-3));
  }
}

TEST_CASE("the median rule prunes a weak trial, and a re-run leaves it pruned", "[sweep]") {
  // A learning rate a thousand times smaller barely lowers the loss, so the
  // second trial is worse than the first one's curve from the first point on.
  const SweepDir sweep(experiment(300, 4), R"(
[sweep.early_stopping]
rule = "median"
min_trials = 1
warmup_steps = 0
[parameters]
"train.learning_rate" = [0.05, 0.00005]
)");
  const auto result = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  REQUIRE_THAT(result.output, Contains("2 trials: 2 finished (1 pruned)") &&
                                  Contains("pruned at step") && Contains("top 1 of 1 points"));
  const auto runs = sweep.runs();
  REQUIRE(runs.size() == 2);
  const RunDetails& pruned = runs[1];
  REQUIRE(pruned.summary.status == "finished");
  REQUIRE(pruned.summary.tags == std::vector<std::string>{"pruned"});
  REQUIRE_THAT(pruned.message, Contains("by the median rule"));
  REQUIRE(pruned.metrics.at("train/loss").size() >= 1);
  REQUIRE(pruned.summary.scores.count("link/hadamard/roc_auc") == 0);

  const auto again = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store);
  REQUIRE(again.exit_code == 0);
  REQUIRE(sweep.runs().size() == 2);
}

TEST_CASE("the --gpus option starts one worker per listed GPU, each seeing only its own",
          "[sweep]") {
  const SweepDir sweep(experiment(300, 4), "[parameters]\n\"walk.p\" = [0.5, 2]\n");
  // --device cpu: the workers get their GPU through the environment either way.
  const auto result = run_workbench("sweep " + sweep.sweep + " --store " + sweep.store +
                                    " --gpus 0,1 --device cpu");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  REQUIRE_THAT(result.output, Contains("2 workers") && Contains("CUDA_VISIBLE_DEVICES=0)") &&
                                  Contains("CUDA_VISIBLE_DEVICES=1)") &&
                                  Contains("2 trials: 2 finished"));
  require_each_trial_finished_once(sweep, 2);

  const auto both = run_workbench("sweep " + sweep.sweep + " --gpus 0 --workers 2");
  REQUIRE(both.exit_code != 0);
  REQUIRE_THAT(both.output, Contains("excludes"));
}
