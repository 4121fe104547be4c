// The numbers of the CPU-versus-GPU report, from runs recorded through the
// store by hand (no training): grouping into variants, medians, speed-ups,
// the comparability check, finding reusable runs, and the exact tables.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "config/experiment_config.h"
#include "core/errors.h"
#include "report/compare_report.h"
#include "report/comparison_runs.h"
#include "report/markdown_table.h"
#include "report/run_comparison.h"
#include "store/run_store.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

struct HandMadeRun {
  std::string device = "cpu";
  std::string trainer = "torch";
  std::string amp = "off";
  std::map<std::string, double> timings;
  std::map<std::string, double> scores;
  std::vector<double> loss;
  std::map<std::string, std::string> changed_params;
  std::map<std::string, std::pair<std::string, std::string>> inputs;  // role -> path, sha256
};

int64_t record(RunStore& store, const HandMadeRun& run) {
  std::map<std::string, std::string> params = {
      {"experiment.device", run.device}, {"experiment.seed", "42"},
      {"graph.generator", "ecommerce"},  {"graph.ecommerce.users", "400"},
      {"walk.walk_length", "20"},        {"train.dimension", "16"},
      {"train.trainer", run.trainer},    {"train.amp", run.amp},
      {"eval.test_fraction", "0.5"}};
  for (const auto& [key, value] : run.changed_params) params[key] = value;
  RunStart start;
  start.experiment = "tiny";
  start.params.assign(params.begin(), params.end());
  start.environment = {{"cpu_model", "Test CPU"},
                       {"threads", "2"},
                       {"torch_version", "2.11.0"},
                       {"hostname", "box"}};
  if (run.device == "cuda") start.environment.emplace_back("gpu0_name", "Test GPU");
  start.device = run.device;
  start.git_commit = "0123456789abcdef";
  const int64_t id = store.begin_run(start);
  auto recorder = store.recorder(id);
  for (const auto& [phase, seconds] : run.timings) recorder->timing(phase, seconds);
  for (const auto& [role, file] : run.inputs) recorder->input(role, file.first, 100, file.second);
  for (const auto& [key, value] : run.scores) recorder->score(key, value);
  for (size_t i = 0; i < run.loss.size(); ++i) {
    recorder->metric("train/loss", static_cast<int64_t>(i) * 10, run.loss[i]);
  }
  recorder->flush();
  store.finish_run(id, RunStatus::kFinished);
  return id;
}

HandMadeRun timed(const std::string& device, const std::string& amp, double walk, double train,
                  double auc, double pairs_per_second) {
  HandMadeRun run;
  run.device = device;
  run.amp = amp;
  run.timings = {{"walk", walk}, {"train", train}};
  run.scores = {{"link/hadamard/roc_auc", auc},
                {"link/dot/roc_auc", auc - 0.1},
                {"link/common_neighbors/roc_auc", 0.8},
                {"walk/steps_per_second", 1.0e6},
                {"train/pairs_per_second", pairs_per_second},
                {"resources/peak_memory_mib", device == "cpu" ? 500.0 : 900.0}};
  run.loss = {4.0, 3.0, 2.5};
  return run;
}

std::vector<RunDetails> details(const RunStore& store, const std::vector<int64_t>& ids) {
  std::vector<RunDetails> runs;
  for (int64_t id : ids) runs.push_back(*store.find_run(id));
  return runs;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a Markdown table pads, aligns and escapes its cells", "[report]") {
  ReportTable table;
  table.header = {"variant", "AUC"};
  table.align = {Align::kLeft, Align::kRight};
  table.rows = {{"cpu | torch", "0.912 ± 0.004"}, {"cuda", "0.9"}};
  REQUIRE(markdown_table(table) ==
          "| variant      |           AUC |\n"
          "| ------------ | ------------: |\n"
          "| cpu \\| torch | 0.912 ± 0.004 |\n"
          "| cuda         |           0.9 |\n");
}

TEST_CASE("runs are grouped into variants with medians and speed-ups against the CPU", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("runs/workbench.db"));
  // Recorded out of order: the comparison sorts variants, not runs.
  std::vector<int64_t> ids = {
      record(store, timed("cuda", "off", 1.0, 1.0, 0.905, 8.0e6)),
      record(store, timed("cpu", "off", 2.0, 10.0, 0.90, 1.0e6)),
      record(store, timed("cpu", "off", 2.0, 12.0, 0.91, 1.2e6)),
      record(store, timed("cpu", "off", 2.0, 30.0, 0.92, 0.4e6)),
      record(store, timed("cuda", "off", 1.0, 3.0, 0.915, 4.0e6)),
      record(store, timed("cuda", "bf16", 1.0, 1.5, 0.90, 9.0e6)),
  };
  const RunComparison comparison = compare_runs(details(store, ids));

  REQUIRE(comparison.experiments == std::vector<std::string>{"tiny"});
  REQUIRE(comparison.phases == std::vector<std::string>{"walk", "train"});
  REQUIRE(comparison.variants.size() == 3);
  REQUIRE(comparison.variants[0].variant.label() == "cpu / torch / fp32");
  REQUIRE(comparison.variants[1].variant.label() == "cuda / torch / fp32");
  REQUIRE(comparison.variants[2].variant.label() == "cuda / torch / amp bf16");
  REQUIRE(comparison.baseline == 0);

  const VariantResult& cpu = comparison.variants[0];
  REQUIRE(cpu.run_ids == std::vector<int64_t>{ids[1], ids[2], ids[3]});
  REQUIRE(cpu.phase_seconds.at("train").median == 12.0);
  REQUIRE(cpu.phase_seconds.at("train").min == 10.0);
  REQUIRE(cpu.phase_seconds.at("train").max == 30.0);
  REQUIRE(cpu.total_seconds.median == 14.0);  // totals 12, 14, 32
  REQUIRE(cpu.phase_speedup.at("train") == 1.0);
  REQUIRE(cpu.scores.at("link/hadamard/roc_auc").mean == Approx(0.91));
  REQUIRE(cpu.scores.at("link/hadamard/roc_auc").stddev == Approx(0.01));
  REQUIRE(cpu.loss_curves.size() == 3);
  REQUIRE(cpu.loss_curves[0].second.size() == 3);

  const VariantResult& gpu = comparison.variants[1];
  REQUIRE(gpu.phase_seconds.at("train").median == 2.0);  // the mean of 1 and 3
  REQUIRE(gpu.phase_speedup.at("train") == Approx(6.0));
  REQUIRE(gpu.phase_speedup.at("walk") == Approx(2.0));
  REQUIRE(gpu.total_speedup == Approx(14.0 / 3.0));  // totals 2 and 4
  REQUIRE(comparison.variants[2].total_speedup == Approx(14.0 / 2.5));
  REQUIRE(comparison.environments.size() == 6);
}

TEST_CASE("the comparison tables are exact", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("runs/workbench.db"));
  const std::vector<int64_t> ids = {
      record(store, timed("cpu", "off", 2.0, 10.0, 0.90, 1.0e6)),
      record(store, timed("cpu", "off", 2.0, 12.0, 0.92, 1.2e6)),
      record(store, timed("cuda", "off", 1.0, 1.0, 0.91, 8.0e6)),
  };
  const RunComparison comparison = compare_runs(details(store, ids));

  REQUIRE(markdown_table(compare_summary_table(comparison)) ==
          "| variant             |   n | runs |   end to end (s) | speed-up |    hadamard AUC | "
          "peak memory (MiB) |\n"
          "| ------------------- | --: | ---- | ---------------: | -------: | --------------: | "
          "----------------: |\n"
          "| cpu / torch / fp32  |   2 | 1, 2 | 13.0 (12.0–14.0) |    1.00x | 0.9100 ± 0.0141 | "
          "              500 |\n"
          "| cuda / torch / fp32 |   1 | 3    |             2.00 |    6.50x |          0.9100 | "
          "              900 |\n");
  REQUIRE(markdown_table(throughput_table(comparison)) ==
          "| variant             | walk steps/s | train pairs/s | train speed-up | "
          "peak memory (MiB) | peak memory max (MiB) |\n"
          "| ------------------- | -----------: | ------------: | -------------: | "
          "----------------: | --------------------: |\n"
          "| cpu / torch / fp32  |        1.00M |         1.10M |          1.00x | "
          "              500 |                   500 |\n"
          "| cuda / torch / fp32 |        1.00M |         8.00M |          7.27x | "
          "              900 |                   900 |\n");
  // A graph heuristic scores every variant of one split alike: no column.
  REQUIRE(auc_table(comparison).header ==
          std::vector<std::string>{"variant", "dot", "hadamard", "hadamard vs baseline"});
}

TEST_CASE("runs of different graphs or settings are not comparable", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("runs/workbench.db"));
  HandMadeRun bigger = timed("cpu", "off", 2.0, 10.0, 0.9, 1e6);
  bigger.changed_params["graph.ecommerce.users"] = "800";
  const int64_t a = record(store, timed("cpu", "off", 2.0, 10.0, 0.9, 1e6));
  const int64_t b = record(store, bigger);
  const std::string message = error_of([&] { compare_runs(details(store, {a, b})); });
  REQUIRE_THAT(message, Contains("not comparable") && Contains("graph.ecommerce.users") &&
                            Contains("400") && Contains("800") &&
                            Contains("run " + std::to_string(a)) &&
                            Contains("run " + std::to_string(b)));

  HandMadeRun other_window = timed("cuda", "bf16", 2.0, 10.0, 0.9, 1e6);
  other_window.changed_params["walk.walk_length"] = "40";
  const int64_t c = record(store, other_window);
  REQUIRE_THAT(error_of([&] {
                 compare_runs(details(store, {a, c}));
               }),
               Contains("walk.walk_length"));

  // Device, trainer, AMP and the seed may differ.
  HandMadeRun reseeded = timed("cuda", "bf16", 1.0, 1.0, 0.9, 1e6);
  reseeded.trainer = "fused";
  reseeded.changed_params["experiment.seed"] = "7";
  const int64_t d = record(store, reseeded);
  REQUIRE(compare_runs(details(store, {a, d})).variants.size() == 2);

  REQUIRE_THAT(error_of([&] { compare_runs({}); }), Contains("no finished runs"));
  RunStart start;
  start.experiment = "tiny";
  start.device = "cpu";
  const int64_t failed = store.begin_run(start);
  store.finish_run(failed, RunStatus::kFailed, "boom");
  REQUIRE_THAT(error_of([&] {
                 compare_runs(details(store, {a, failed}));
               }),
               Contains("run " + std::to_string(failed) + " is failed"));
}

TEST_CASE("runs read the same graph when its content is the same, wherever it lies", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("runs/workbench.db"));
  const std::string facebook(64, 'f');
  const auto on_file = [](const std::string& device, const std::string& path,
                          const std::string& sha256) {
    HandMadeRun run = timed(device, "off", 2.0, 10.0, 0.9, 1e6);
    run.changed_params["graph.generator"] = "";
    run.changed_params["graph.path"] = path;
    run.inputs["graph"] = {path, sha256};
    return run;
  };
  const int64_t here = record(store, on_file("cpu", "/work/data/facebook.txt", facebook));
  // A GPU machine's copy of the same file.
  const int64_t there = record(store, on_file("cuda", "/gpu/data/facebook.txt", facebook));
  const RunComparison comparison = compare_runs(details(store, {here, there}));
  REQUIRE(comparison.variants.size() == 2);
  const auto& settings = comparison.settings;
  REQUIRE(std::find(settings.begin(), settings.end(),
                    std::pair<std::string, std::string>{"graph sha256", facebook}) !=
          settings.end());

  // The same path holding other data, or another file.
  const int64_t changed =
      record(store, on_file("cuda", "/work/data/facebook.txt", std::string(64, 'a')));
  REQUIRE_THAT(error_of([&] {
                 compare_runs(details(store, {here, changed}));
               }),
               Contains("run " + std::to_string(here) + " and run " + std::to_string(changed) +
                        " are not comparable: they read different graph files") &&
                   Contains("(sha256 ffffffffffff...) in run " + std::to_string(here)) &&
                   Contains("(sha256 aaaaaaaaaaaa...) in run " + std::to_string(changed)));
  // Runs recorded before inputs were: their paths must agree.
  HandMadeRun unrecorded = on_file("cuda", "/gpu/data/facebook.txt", "");
  unrecorded.inputs.clear();
  const int64_t old = record(store, unrecorded);
  REQUIRE_THAT(error_of([&] {
                 compare_runs(details(store, {here, old}));
               }),
               Contains("graph.path is /work/data/facebook.txt in run " + std::to_string(here)));
}

TEST_CASE("the speed-up baseline is the CPU reference variant when there is one", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("runs/workbench.db"));
  HandMadeRun fused = timed("cpu", "off", 2.0, 4.0, 0.9, 1e6);
  fused.trainer = "fused";
  const std::vector<int64_t> with_reference = {
      record(store, fused), record(store, timed("cpu", "off", 2.0, 8.0, 0.9, 1e6))};
  const RunComparison comparison = compare_runs(details(store, with_reference));
  REQUIRE(comparison.variants[comparison.baseline].variant.label() == "cpu / torch / fp32");
  REQUIRE(comparison.variants[1].variant.label() == "cpu / fused / fp32");
  REQUIRE(comparison.variants[1].phase_speedup.at("train") == Approx(2.0));

  const std::vector<int64_t> gpu_only = {record(store, timed("cuda", "bf16", 1.0, 1.0, 0.9, 1e6)),
                                         record(store, timed("cuda", "off", 1.0, 2.0, 0.9, 1e6))};
  const RunComparison without_cpu = compare_runs(details(store, gpu_only));
  REQUIRE(without_cpu.variants[without_cpu.baseline].variant.label() == "cuda / torch / fp32");
}

TEST_CASE("finished runs of exactly the same resolved config are found for reuse", "[report]") {
  test::TempDir dir;
  RunStore store(dir.file("runs/workbench.db"));
  const std::string toml =
      "[experiment]\nname = \"tiny\"\ndevice = \"cpu\"\n[graph]\n"
      "generator = \"ecommerce\"\n";
  const ExperimentConfig config = parse_experiment_config(toml, "tiny.toml");
  const ExperimentConfig other = parse_experiment_config(toml, "tiny.toml", {"walk.p=2.0"});
  const auto start_of = [](const ExperimentConfig& c) {
    RunStart start;
    start.experiment = c.experiment.name;
    start.params = flatten(c);
    start.device = "cpu";
    return start;
  };
  const int64_t same = store.begin_run(start_of(config));
  store.finish_run(same, RunStatus::kFinished);
  const int64_t different = store.begin_run(start_of(other));
  store.finish_run(different, RunStatus::kFinished);
  const int64_t failed = store.begin_run(start_of(config));
  store.finish_run(failed, RunStatus::kFailed, "boom");
  const int64_t same_again = store.begin_run(start_of(config));
  store.finish_run(same_again, RunStatus::kFinished);

  REQUIRE(matching_runs(store, config) == std::vector<int64_t>{same, same_again});
  REQUIRE(matching_runs(store, other) == std::vector<int64_t>{different});
}

TEST_CASE("variants this machine or build cannot run are planned as skipped", "[report]") {
  test::TempDir dir;
  CompareRequest request;
  request.experiment_path = dir.write("tiny.toml",
                                      "[experiment]\nname = \"tiny\"\n[graph]\n"
                                      "generator = \"ecommerce\"\n");
  request.devices = {"cuda", "cpu"};
  request.trainers = {"torch", "fused"};
  request.amps = {"off", "bf16", "fp16"};
  const auto plan = plan_variants(request, /*gpu_available=*/false);
  REQUIRE(plan.size() == 12);
  std::map<std::string, std::string> skipped;
  for (const auto& planned : plan) skipped[planned.variant.label()] = planned.skip_reason;
  REQUIRE(plan.front().variant.label() == "cpu / torch / fp32");
  REQUIRE(plan.front().config.experiment.device == "cpu");
  REQUIRE(skipped.at("cpu / torch / fp32").empty());
  REQUIRE(skipped.at("cpu / torch / amp bf16").empty());
  REQUIRE(skipped.at("cpu / fused / fp32").empty());
  REQUIRE_THAT(skipped.at("cpu / torch / amp fp16"), Contains("needs CUDA"));
  REQUIRE_THAT(skipped.at("cpu / fused / amp bf16"), Contains("FP32"));
  REQUIRE_THAT(skipped.at("cuda / torch / fp32"), Contains("no usable CUDA device"));
  REQUIRE_THAT(skipped.at("cuda / fused / fp32"), Contains("no usable CUDA device"));

  for (const auto& planned : plan_variants(request, /*gpu_available=*/true)) {
    skipped[planned.variant.label()] = planned.skip_reason;
    if (planned.variant.label() == "cuda / torch / amp fp16") {
      REQUIRE(planned.config.experiment.device == "cuda");
      REQUIRE(planned.config.train.amp == "fp16");
    }
  }
  REQUIRE(skipped.at("cuda / torch / amp fp16").empty());
#ifdef WORKBENCH_WITH_CUDA
  REQUIRE(skipped.at("cuda / fused / fp32").empty());
#else
  REQUIRE_THAT(skipped.at("cuda / fused / fp32"), Contains("no CUDA kernels"));
#endif

  request.trainers = {"no-such-trainer"};
  REQUIRE_THROWS_AS(plan_variants(request, false), ConfigError);
}
