// Drives the real `workbench` binary the way a user does, and checks what it
// prints, its exit status and what it left in the run store.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/sha256.h"
#include "store/run_store.h"
#include "test_support.h"
#include "train/sgns_kernel.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::CommandResult;
using wb::test::run_workbench;

namespace {

std::string small_experiment(int users) {
  return R"(
[experiment]
name = "cli-small"
device = "cpu"
threads = 2
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
walks_per_node = 4
walk_length = 20
[train]
dimension = 16
window = 4
log_every = 5
)";
}

}  // namespace

TEST_CASE("workbench run stores a finished run with its history", "[cli]") {
  test::TempDir dir;
  const auto experiment = dir.write("small.toml", small_experiment(400));
  const auto store_path = dir.file("runs/workbench.db");
  const auto result = run_workbench("run " + experiment + " --store " + store_path + " -q");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  REQUIRE_THAT(result.output, Contains("link/hadamard/roc_auc") && Contains("finished"));

  RunStore store(store_path);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 1);
  const auto run = store.find_run(runs[0].id);
  REQUIRE(run->summary.status == "finished");
  REQUIRE(run->summary.experiment == "cli-small");
  REQUIRE(run->metrics.at("train/loss").size() >= 2);
  REQUIRE(run->timings.size() == 6);
  REQUIRE(run->summary.scores.at("link/hadamard/roc_auc") > 0.5);
  REQUIRE(run->artifacts.size() >= 5);
  REQUIRE_THAT(run->config_toml, Contains("users = 400"));
  // The environment names the fused CPU kernel's instruction set: runs on
  // another differ in the last bits of their sums.
  const std::pair<std::string, std::string> kernel{"cpu_kernel", sgns_kernel_variants().front()};
  CHECK(std::count(run->environment.begin(), run->environment.end(), kernel) == 1);

  const auto listed = run_workbench("runs list --store " + store_path);
  REQUIRE(listed.exit_code == 0);
  REQUIRE_THAT(listed.output, Contains("cli-small") && Contains("finished"));
  const auto shown =
      run_workbench("runs show " + std::to_string(runs[0].id) + " --store " + store_path);
  REQUIRE(shown.exit_code == 0);
  REQUIRE_THAT(shown.output, Contains("train/loss") && Contains("torch_version"));
}

TEST_CASE("two stores in one folder keep their runs' files apart", "[cli]") {
  // Both stores number their first run 1: with one artifacts folder the second
  // run would overwrite the first one's embeddings.
  test::TempDir dir;
  const auto experiment = dir.write("small.toml", small_experiment(200));
  for (const char* name : {"workbench.db", "other.db"}) {
    const auto result = run_workbench("run " + experiment + " --store " + dir.file(name) +
                                      " -q --set eval.task=\"none\"");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
  }
  CHECK(artifact_root_of(dir.file("workbench.db")) == dir.file("artifacts"));
  CHECK(artifact_root_of(dir.file("other.db")) == dir.file("other-artifacts"));
  for (const char* name : {"workbench.db", "other.db"}) {
    RunStore store(dir.file(name));
    const auto run = store.find_run(1);
    REQUIRE(run);
    REQUIRE_FALSE(run->artifacts.empty());
    for (const auto& [kind, path, bytes] : run->artifacts) {
      INFO(name << " " << kind);
      CHECK(path.rfind(artifact_root_of(dir.file(name)) + "/run-1/", 0) == 0);
      CHECK(std::filesystem::file_size(path) == static_cast<uintmax_t>(bytes));
    }
  }
}

TEST_CASE("bad input gives a clear error, a non-zero exit and no running run", "[cli]") {
  test::TempDir dir;
  const auto store_path = dir.file("runs/workbench.db");
  SECTION("an unknown key is refused before anything is recorded") {
    const auto experiment = dir.write("bad.toml", small_experiment(100) + "dimensions = 3\n");
    const auto result = run_workbench("run " + experiment + " --store " + store_path);
    REQUIRE(result.exit_code != 0);
    REQUIRE_THAT(result.output, Contains("bad.toml:") && Contains("unknown key train.dimensions"));
    REQUIRE_FALSE(std::filesystem::exists(store_path));
  }
  SECTION("a malformed edge list names the file and line, and the run is marked failed") {
    dir.write("edges.txt", "a b\nb c\nc\n");
    const auto experiment = dir.write("exp.toml", "[graph]\npath = \"edges.txt\"\n");
    const auto result = run_workbench("run " + experiment + " --store " + store_path);
    REQUIRE(result.exit_code == 1);
    REQUIRE_THAT(result.output, Contains("edges.txt:3") && Contains("expected 2 columns"));
    RunStore store(store_path);
    REQUIRE(store.list_runs().at(0).status == "failed");
  }
  SECTION("a missing experiment file") {
    const auto result = run_workbench("run " + dir.file("nope.toml") + " --store " + store_path);
    REQUIRE(result.exit_code != 0);
    REQUIRE_THAT(result.output, Contains("nope.toml") && Contains("not found"));
  }
  SECTION("a --set with a value out of range names the override") {
    const auto experiment = dir.write("ok.toml", small_experiment(100));
    const auto result =
        run_workbench("run " + experiment + " --store " + store_path + " --set walk.p=0");
    REQUIRE(result.exit_code != 0);
    REQUIRE_THAT(result.output, Contains("--set walk.p"));
  }
}

namespace {

// Starts a run long enough to be stopped midway (40 walks per node on the
// 20,000-user graph) and waits until the store records it as running.
pid_t start_long_run(const test::TempDir& dir, const std::string& store_path) {
  auto experiment_text = small_experiment(20000);
  experiment_text.replace(experiment_text.find("walks_per_node = 4"), 18, "walks_per_node = 40");
  const pid_t child =
      test::start_workbench_run(dir.write("long.toml", experiment_text), store_path);
  REQUIRE(test::wait_until_running(store_path));
  return child;
}

void require_stopped_cleanly(int status, const std::string& store_path) {
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 130);
  RunStore store(store_path);
  REQUIRE(store.list_runs().at(0).status == "interrupted");
}

}  // namespace

TEST_CASE("Ctrl-C marks the run interrupted", "[cli]") {
  test::TempDir dir;
  const auto store_path = dir.file("runs/workbench.db");
  const pid_t child = start_long_run(dir, store_path);
  require_stopped_cleanly(test::signal_workbench_run(child, SIGINT, 500), store_path);
}

TEST_CASE("SIGTERM delivered twice at once, as timeout(1) does, still stops cleanly", "[cli]") {
  test::TempDir dir;
  const auto store_path = dir.file("runs/workbench.db");
  const pid_t child = start_long_run(dir, store_path);
  // timeout(1) signals the process and then its process group: two at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(child, SIGTERM);
  require_stopped_cleanly(test::signal_workbench_run(child, SIGTERM, 0), store_path);
}

TEST_CASE("a file name after --set resolves against the current directory", "[cli]") {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "experiments");
  std::filesystem::create_directories(dir.path() / "elsewhere");
  const auto experiment = dir.write("experiments/e.toml", "[graph]\npath = \"g.tsv\"\n");
  const auto result =
      run_workbench("run " + experiment + " --store " + dir.file("runs/workbench.db") +
                        " --set graph.path=missing.tsv",
                    "cd " + dir.file("elsewhere") + " &&");
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK_THAT(result.output, Contains(dir.file("elsewhere/missing.tsv")));
}

TEST_CASE("workbench doctor says what this machine offers", "[cli]") {
  const auto result = run_workbench("doctor");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("torch version:      2.11.0") &&
                                Contains("hardware threads:") && Contains("trainers:") &&
                                Contains("fused") && Contains("external"));
  CHECK_THAT(result.output,
             Contains(Sha256::uses_cpu_extensions()
                          ? "input digests:      SHA-256, on the CPU's SHA extensions"
                          : "input digests:      SHA-256, portable"));
  CHECK_THAT(result.output, Contains("fused CPU kernel:   " + sgns_kernel_variants().front() +
                                     " (this CPU runs: "));
}
