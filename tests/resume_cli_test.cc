// Interrupted and killed runs continue from their last checkpoint with
// `workbench run --resume`: the same run id, the store consistent throughout.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/run_store.h"
#include "store/sqlite_handle.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::run_workbench;

namespace {

const char* kExperiment = R"(
[experiment]
name = "resumable"
device = "cpu"
threads = 2
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 4000
items = 300
categories = 6
[walk]
sampler = "uniform"
walks_per_node = 4
walk_length = 20
[train]
trainer = "fused"
dimension = 16
window = 4
epochs = 12
checkpoint_every = 1
[eval]
operators = ["hadamard"]
[export]
formats = ["npy"]
)";

bool wait_for(const std::string& path) {
  for (int i = 0; i < 600; ++i) {
    if (std::filesystem::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

double score(const std::string& store_path, const std::string& key) {
  RunStore store(store_path);
  const auto runs = store.list_runs();
  const auto found = runs.at(0).scores.find(key);
  return found == runs.at(0).scores.end() ? -1 : found->second;
}

}  // namespace

TEST_CASE("a run killed mid-training resumes from its checkpoint", "[cli][resume]") {
  test::TempDir dir;
  const auto experiment = dir.write("resumable.toml", kExperiment);
  const auto store_path = dir.file("runs/workbench.db");
  const auto checkpoint = dir.file("runs/artifacts/run-1/checkpoint.bin");
  const pid_t child = test::start_workbench_run(experiment, store_path);
  REQUIRE(wait_for(checkpoint));  // at least one epoch done
  test::signal_workbench_run(child, SIGKILL);

  // The next command notices the dead process: no run is left looking alive.
  const auto list = run_workbench("runs list --store " + store_path);
  REQUIRE(list.exit_code == 0);
  {
    RunStore store(store_path);
    REQUIRE(store.list_runs().at(0).status == "crashed");
  }
  const auto resumed = run_workbench("run --resume 1 --store " + store_path);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  REQUIRE_THAT(resumed.output, Contains("run 1 finished"));
  RunStore store(store_path);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 1);  // the same run, not a new one
  REQUIRE(runs.at(0).status == "finished");
  REQUIRE(score(store_path, "train/resumed_from_epoch") >= 1);
  REQUIRE(score(store_path, "link/hadamard/roc_auc") > 0.55);
  REQUIRE_FALSE(std::filesystem::exists(checkpoint));  // removed once finished

  // A finished run is not resumed again.
  const auto again = run_workbench("run --resume 1 --store " + store_path);
  REQUIRE(again.exit_code != 0);
  REQUIRE_THAT(again.output, Contains("only interrupted, crashed or failed runs"));
}

TEST_CASE("Ctrl-C writes a last checkpoint that --resume continues from", "[cli][resume]") {
  test::TempDir dir;
  std::string text = kExperiment;
  text.replace(text.find("checkpoint_every = 1"), 20, "checkpoint_every = 0");
  // Long enough that the interrupt lands in training on a fast, idle machine
  // (12 epochs took 2-3 s, and once finished before the signal).
  text.replace(text.find("epochs = 12"), 11, "epochs = 40");
  const auto experiment = dir.write("resumable.toml", text);
  const auto store_path = dir.file("runs/workbench.db");
  const pid_t child = test::start_workbench_run(experiment, store_path);
  // Interrupt once the run is recorded and a moment later (graph and walks take
  // well under a second; the 40 epochs about ten).
  REQUIRE(test::wait_until_running(store_path));
  REQUIRE(WEXITSTATUS(test::signal_workbench_run(child, SIGINT, 1500)) == 130);
  REQUIRE(std::filesystem::exists(dir.file("runs/artifacts/run-1/checkpoint.bin")));
  {
    RunStore store(store_path);
    REQUIRE(store.list_runs().at(0).status == "interrupted");
  }
  const auto resumed = run_workbench("run --resume 1 --store " + store_path);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  RunStore store(store_path);
  REQUIRE(store.list_runs().at(0).status == "finished");
}

TEST_CASE("run with --resume refuses what it cannot resume", "[cli][resume][bad-input]") {
  test::TempDir dir;
  const auto store_path = dir.file("runs/workbench.db");
  const auto missing = run_workbench("run --resume 7 --store " + store_path);
  REQUIRE(missing.exit_code != 0);
  REQUIRE_THAT(missing.output, Contains("no such run"));
  const auto mixed = run_workbench("run x.toml --resume 7 --store " + store_path);
  REQUIRE(mixed.exit_code != 0);
  REQUIRE_THAT(mixed.output, Contains("--resume takes the run's stored config"));
  const auto neither = run_workbench("run --store " + store_path);
  REQUIRE(neither.exit_code != 0);
  REQUIRE_THAT(neither.output, Contains("--resume RUN_ID"));
}

TEST_CASE("a run is not resumed on a graph file that changed since it started",
          "[cli][resume][bad-input]") {
  test::TempDir dir;
  std::string edges;
  for (int i = 0; i < 60; ++i) {
    edges += "n" + std::to_string(i) + " n" + std::to_string((i + 1) % 60) + "\n";
    edges += "n" + std::to_string(i) + " n" + std::to_string((i + 7) % 60) + "\n";
  }
  const std::string graph = dir.write("graph.txt", edges);
  const std::string experiment = dir.write(
      "file.toml", "[experiment]\nname = \"from-file\"\nthreads = 2\n[graph]\npath = \"" + graph +
                       "\"\n[walk]\nwalks_per_node = 2\nwalk_length = 10\n[train]\ntrainer = "
                       "\"fused\"\ndimension = 8\n[eval]\noperators = [\"hadamard\"]\n");
  const auto store_path = dir.file("runs/workbench.db");
  const auto first = run_workbench("run " + experiment + " -q --store " + store_path);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const std::string recorded = RunStore(store_path).find_run(1)->inputs.at(0).sha256;
  // As if it had failed part way: a failed run may be resumed.
  {
    Database db(store_path);
    db.exec("UPDATE runs SET status = 'failed' WHERE id = 1");
  }
  dir.write("graph.txt", edges + "n0 n30\n");
  const auto changed = run_workbench("run --resume 1 --store " + store_path);
  INFO(changed.output);
  REQUIRE(changed.exit_code != 0);
  REQUIRE_THAT(changed.output, Contains("graph.txt") &&
                                   Contains("the graph file changed since this run started") &&
                                   Contains("sha256 " + recorded.substr(0, 12)));
  {
    const auto run = RunStore(store_path).find_run(1);
    REQUIRE(run->summary.status == "failed");
    REQUIRE(run->inputs.at(0).sha256 == recorded);  // the old reading stays
  }
  dir.write("graph.txt", edges);
  const auto same = run_workbench("run --resume 1 -q --store " + store_path);
  INFO(same.output);
  REQUIRE(same.exit_code == 0);
  REQUIRE(RunStore(store_path).find_run(1)->summary.status == "finished");
}
