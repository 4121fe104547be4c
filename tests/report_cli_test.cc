// `workbench report` as a user runs it: from existing runs, from a sweep, and
// `report compare` running the missing repetitions once and reusing them.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "store/run_store.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::CommandResult;
using wb::test::read_file;
using wb::test::run_workbench;

namespace {

RunStart start_of(const std::string& device, const std::string& users) {
  RunStart start;
  start.experiment = "handmade";
  start.params = {{"experiment.device", device},
                  {"graph.generator", "ecommerce"},
                  {"graph.ecommerce.users", users},
                  {"train.trainer", "torch"},
                  {"train.amp", "off"},
                  {"walk.p", "1"}};
  start.environment = {{"cpu_model", "Test CPU"}};
  start.device = device;
  return start;
}

int64_t record_finished(RunStore& store, const RunStart& start, double train_seconds, double auc) {
  const int64_t id = store.begin_run(start);
  auto recorder = store.recorder(id);
  recorder->timing("walk", 1.0);
  recorder->timing("train", train_seconds);
  recorder->score("link/hadamard/roc_auc", auc);
  recorder->metric("train/loss", 0, 4.0);
  recorder->metric("train/loss", 10, 3.0);
  recorder->flush();
  store.finish_run(id, RunStatus::kFinished);
  return id;
}

// Trains in well under a second: a few hundred nodes, short walks, 8 dimensions.
const char* const kTinyExperiment = R"(
[experiment]
name = "tiny-compare"
threads = 2
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 150
items = 40
categories = 4
[walk]
sampler = "uniform"
walks_per_node = 2
walk_length = 10
[train]
dimension = 8
window = 3
log_every = 5
[export]
formats = ["npy"]
)";

}  // namespace

TEST_CASE("workbench report runs writes the report of existing runs", "[report]") {
  test::TempDir dir;
  const std::string store_path = dir.file("runs/workbench.db");
  int64_t cpu = 0, gpu = 0, other = 0;
  {
    RunStore store(store_path);
    cpu = record_finished(store, start_of("cpu", "400"), 10.0, 0.9);
    gpu = record_finished(store, start_of("cuda", "400"), 1.0, 0.9);
    other = record_finished(store, start_of("cpu", "800"), 20.0, 0.9);
  }
  const std::string ids = std::to_string(cpu) + " " + std::to_string(gpu);
  const auto result =
      run_workbench("report runs " + ids + " --store " + store_path + " -o " + dir.file("out"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  REQUIRE_THAT(result.output,
               Contains(dir.file("out/report.html")) && Contains(dir.file("out/report.md")));
  const std::string html = read_file(dir.file("out/report.html"));
  REQUIRE_THAT(html, Contains("cuda / torch / fp32") && Contains("<svg"));
  REQUIRE_THAT(read_file(dir.file("out/report.md")), Contains("10.0x"));  // the train speed-up

  const auto unknown = run_workbench("report runs " + ids + " 998 999 --store " + store_path);
  REQUIRE(unknown.exit_code == 1);
  REQUIRE_THAT(unknown.output, Contains("no run 998, 999"));

  const auto mixed = run_workbench("report runs " + std::to_string(cpu) + " " +
                                   std::to_string(other) + " --store " + store_path);
  REQUIRE(mixed.exit_code == 1);
  REQUIRE_THAT(mixed.output, Contains("not comparable") && Contains("graph.ecommerce.users"));
}

TEST_CASE("workbench report runs without -o writes under reports/ beside the store's folder",
          "[report]") {
  test::TempDir dir;
  const std::string store_path = dir.file("runs/workbench.db");
  int64_t id = 0;
  {
    RunStore store(store_path);
    id = record_finished(store, start_of("cpu", "400"), 10.0, 0.9);
  }
  const auto result = run_workbench("report runs " + std::to_string(id) + " --store " + store_path);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  REQUIRE_THAT(result.output, Contains(dir.file("reports/handmade-")));
  REQUIRE(std::filesystem::exists(dir.path() / "reports"));
}

TEST_CASE("workbench report sweep ranks the trials of a sweep", "[report]") {
  test::TempDir dir;
  const std::string store_path = dir.file("runs/workbench.db");
  {
    RunStore store(store_path);
    const int64_t sweep =
        store.ensure_sweep("walk-p", "[sweep]\n", "link/hadamard/roc_auc", "maximize");
    int trial = 0;
    for (const auto& [p, auc] :
         {std::make_pair("0.5", 0.81), std::make_pair("2", 0.93), std::make_pair("4", 0.88)}) {
      RunStart start = start_of("cpu", "400");
      start.params.emplace_back("walk.q", p);
      start.sweep_id = sweep;
      start.trial_key = "trial-" + std::to_string(trial++);
      const TrialClaim claim = store.claim_trial(start, 3, 600);
      REQUIRE(claim.state == TrialState::kClaimed);
      auto recorder = store.recorder(claim.run_id);
      recorder->score("link/hadamard/roc_auc", auc);
      recorder->flush();
      store.finish_run(claim.run_id, RunStatus::kFinished);
    }
  }
  const auto result =
      run_workbench("report sweep walk-p --store " + store_path + " -o " + dir.file("sweep"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const std::string markdown = read_file(dir.file("sweep/report.md"));
  REQUIRE_THAT(markdown, Contains("| walk.q |") && Contains("|    1 |      2 |"));
  const std::string html = read_file(dir.file("sweep/report.html"));
  REQUIRE_THAT(html, Contains("<h2>Parallel coordinates</h2>"));

  const auto missing = run_workbench("report sweep nope --store " + store_path);
  REQUIRE(missing.exit_code == 1);
  REQUIRE_THAT(missing.output, Contains("no sweep named \"nope\""));
}

TEST_CASE("workbench report compare runs the missing repetitions once", "[report]") {
  test::TempDir dir;
  const std::string experiment = dir.write("tiny.toml", kTinyExperiment);
  const std::string store_path = dir.file("runs/workbench.db");
  const std::string command = "report compare --experiment " + experiment +
                              " --devices cpu --repeat 2 -q --store " + store_path + " -o ";

  const auto first = run_workbench(command + dir.file("first"));
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  REQUIRE_THAT(first.output, Contains("0 runs reused, 2 recorded"));
  const auto count_runs = [&] {
    RunStore store(store_path);
    return store.list_runs().size();
  };
  REQUIRE(count_runs() == 2);
  const std::string html = read_file(dir.file("first/report.html"));
  REQUIRE_THAT(html, Contains("cpu / torch / fp32") && Contains("<polyline"));

  const auto second = run_workbench(command + dir.file("second") + " --set walk.walk_length=10");
  INFO(second.output);
  REQUIRE(second.exit_code == 0);
  REQUIRE_THAT(second.output, Contains("2 runs reused, 0 recorded"));
  REQUIRE(count_runs() == 2);
  REQUIRE(std::filesystem::exists(dir.file("second/report.md")));

  const auto changed = run_workbench("report compare --experiment " + experiment +
                                     " --devices cpu --repeat 1 -q --store " + store_path +
                                     " --set walk.walk_length=12 -o " + dir.file("third"));
  INFO(changed.output);
  REQUIRE(changed.exit_code == 0);
  REQUIRE_THAT(changed.output, Contains("0 runs reused, 1 recorded"));
  REQUIRE(count_runs() == 3);
}
