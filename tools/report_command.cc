// `workbench report`: CPU-versus-GPU and sweep reports (HTML with charts, and
// Markdown) from the run store; `report compare` first runs what is missing.
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "core/errors.h"
#include "git_info.h"
#include "report/compare_report.h"
#include "report/comparison_runs.h"
#include "report/paper_report.h"
#include "report/report_files.h"
#include "report/sweep_report.h"
#include "run/environment.h"
#include "stop_signals.h"
#include "terminal_progress.h"

namespace wb::cli {
namespace {

struct ReportArgs {
  std::string store_path = kDefaultStorePath;
  std::string output_directory;  // empty: reports/<name>-<timestamp>/ beside the store's folder
  bool quiet = false;
  std::string command_line;
  // compare
  std::string experiment_path;
  std::vector<std::string> devices = {"cpu", "cuda"};
  std::vector<std::string> trainers;
  std::vector<std::string> amps;
  std::vector<std::string> overrides;
  int repeat = 3;
  // runs
  std::vector<int64_t> run_ids;
  // sweep
  std::string sweep_name;
  // paper
  std::string tables_directory = WORKBENCH_SOURCE_DIR "/../shared/datasets/tables";
};

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%d-%H%M%S", &utc);
  return text;
}

// Names come from experiment files and sweeps; keep the directory name portable.
std::string file_name_part(const std::string& name) {
  std::string part;
  for (char c : name) {
    const bool portable = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    part += portable ? c : '_';
  }
  return part.empty() ? "report" : part;
}

// runs/workbench.db -> reports/<name>-<timestamp>, so reports sit beside runs/.
std::string output_directory(const ReportArgs& args, const std::string& name) {
  if (!args.output_directory.empty()) return args.output_directory;
  const auto store_folder = std::filesystem::path(args.store_path).parent_path();
  return (store_folder.parent_path() / "reports" / (file_name_part(name) + "-" + utc_timestamp()))
      .string();
}

void print_paths(const ReportPaths& paths) {
  std::printf("report: %s\n        %s\n", paths.html.c_str(), paths.markdown.c_str());
}

std::vector<RunDetails> load_runs(const RunStore& store, const std::vector<int64_t>& ids) {
  std::vector<RunDetails> runs;
  std::string missing;
  for (int64_t id : ids) {
    auto run = store.find_run(id);
    if (run) {
      runs.push_back(std::move(*run));
    } else {
      missing += (missing.empty() ? "" : ", ") + std::to_string(id);
    }
  }
  if (!missing.empty()) throw Error("no run " + missing + " in " + store.path());
  return runs;
}

ReportPaths write_comparison(const ReportArgs& args, const std::vector<RunDetails>& runs,
                             const std::vector<std::string>& notes) {
  const RunComparison comparison = compare_runs(runs);
  const std::string name = comparison.experiments.front();
  return write_report_files(
      output_directory(args, name), compare_report_title(comparison),
      [&](ReportDocument& document) { write_compare_report(comparison, notes, document); });
}

int report_compare(const ReportArgs& args) {
  CompareRequest request;
  request.experiment_path = args.experiment_path;
  request.overrides = args.overrides;
  request.overrides_directory = std::filesystem::current_path().string();
  request.devices = args.devices;
  request.trainers = args.trainers;
  request.amps = args.amps;
  request.repeat = args.repeat;
  request.origin = describe_origin(args.command_line, args.store_path);
  const bool gpu_available = resolve_device("auto") == "cuda";
  const std::vector<PlannedVariant> plan = plan_variants(request, gpu_available);

  RunStore store(args.store_path);
  store.reap_dead_runs();
  install_stop_handlers();
  TerminalProgress terminal(args.quiet);
  const auto say = [&](const std::string& line) {
    terminal.finish_line();
    if (!args.quiet) std::fprintf(stderr, "%s\n", line.c_str());
  };
  CollectHooks hooks;
  hooks.pipeline.progress.stop_requested = &stop_flag();
  hooks.pipeline.progress.report = [&](const std::string& phase, int64_t done, int64_t total) {
    terminal.update(phase, done, total);
  };
  hooks.pipeline.log = say;
  hooks.log = say;
  hooks.on_start = [&](const RunResult& started) {
    say("run " + std::to_string(started.run_id) + " on " + started.context.device + ", " +
        std::to_string(started.context.threads) + " threads");
  };
  CollectedRuns collected;
  try {
    collected = collect_comparison_runs(store, request, plan, hooks);
  } catch (const Interrupted&) {
    terminal.finish_line();
    std::fprintf(stderr, "interrupted; no report written\n");
    return 130;
  }
  terminal.finish_line();
  for (const auto& note : collected.notes) say(note);
  std::printf("%d runs reused, %d recorded in %s\n", collected.reused, collected.recorded,
              store.path().c_str());
  print_paths(write_comparison(args, load_runs(store, collected.run_ids), collected.notes));
  return 0;
}

int report_runs(const ReportArgs& args) {
  RunStore store(args.store_path);
  store.reap_dead_runs();
  print_paths(write_comparison(args, load_runs(store, args.run_ids), {}));
  return 0;
}

int report_sweep(const ReportArgs& args) {
  RunStore store(args.store_path);
  store.reap_dead_runs();
  const auto sweep = store.find_sweep(args.sweep_name);
  if (!sweep) throw Error("no sweep named \"" + args.sweep_name + "\" in " + store.path());
  const SweepSummary summary = summarize_sweep(*sweep, store.sweep_runs(sweep->id));
  print_paths(write_report_files(
      output_directory(args, "sweep-" + sweep->name), sweep_report_title(summary),
      [&](ReportDocument& document) { write_sweep_report(summary, document); }));
  return 0;
}

int report_paper(const ReportArgs& args) {
  RunStore store(args.store_path);
  store.reap_dead_runs();
  const std::vector<PaperScore> paper = read_paper_scores(args.tables_directory);
  print_paths(write_report_files(
      output_directory(args, "paper"), "node2vec paper: results",
      [&](ReportDocument& document) { write_paper_report(store, paper, document); }));
  return 0;
}

void add_common_options(CLI::App& command, ReportArgs& args) {
  command.add_option("--store", args.store_path, "Run store (SQLite file)")->capture_default_str();
  command.add_option("-o,--output", args.output_directory,
                     "Report directory (default: reports/<name>-<timestamp>/ beside the store's "
                     "folder)");
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<ReportArgs>();
  args->command_line = command_line;
  auto* report = app.add_subcommand("report", "Write HTML and Markdown reports from the run store");
  report->require_subcommand(1);

  auto* compare = report->add_subcommand(
      "compare", "CPU versus GPU for one experiment: run what is missing, then report");
  compare->add_option("--experiment", args->experiment_path, "Experiment TOML file")->required();
  compare->add_option("--devices", args->devices, "Devices to compare")
      ->delimiter(',')
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  compare
      ->add_option("--trainers", args->trainers,
                   "Trainers to compare, e.g. torch,fused (default: the experiment's)")
      ->delimiter(',');
  compare->add_option("--amp", args->amps, "Precisions, e.g. off,bf16 (default: the experiment's)")
      ->delimiter(',')
      ->check(CLI::IsMember({"off", "bf16", "fp16"}));
  compare->add_option("--repeat", args->repeat, "Runs per variant")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  compare
      ->add_option("--set", args->overrides,
                   "Override a setting, e.g. --set train.epochs=2 (repeatable)")
      ->allow_extra_args(false);
  compare->add_flag("--quiet,-q", args->quiet, "Only print the results");
  add_common_options(*compare, *args);
  compare->callback([args, &exit_code] { exit_code = report_compare(*args); });

  auto* runs = report->add_subcommand("runs", "The CPU-versus-GPU report from existing runs");
  runs->add_option("ids", args->run_ids, "Run ids")->required();
  add_common_options(*runs, *args);
  runs->callback([args, &exit_code] { exit_code = report_runs(*args); });

  auto* paper = report->add_subcommand(
      "paper", "The node2vec paper's tables against the runs of experiments/paper/*.toml");
  paper->add_option("--tables", args->tables_directory, "The paper's CSV tables")
      ->capture_default_str();
  add_common_options(*paper, *args);
  paper->callback([args, &exit_code] { exit_code = report_paper(*args); });

  auto* sweep = report->add_subcommand("sweep", "Leaderboard and charts of a sweep");
  sweep->add_option("name", args->sweep_name, "Sweep name")->required();
  add_common_options(*sweep, *args);
  sweep->callback([args, &exit_code] { exit_code = report_sweep(*args); });
}

}  // namespace wb::cli
