// `workbench run FILE.toml`: one experiment, end to end, recorded in the store.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "config/experiment_config.h"
#include "core/errors.h"
#include "core/parallel.h"
#include "git_info.h"
#include "run/environment.h"
#include "run/pipeline.h"
#include "stop_signals.h"
#include "store/run_store.h"
#include "terminal_progress.h"

namespace wb::cli {
namespace {

struct RunArgs {
  std::string experiment_path;
  std::vector<std::string> overrides;
  std::string device;
  int64_t threads = -1;
  std::string store_path = kDefaultStorePath;
  bool quiet = false;
  std::string command_line;
};

void print_scores(const RunOutcome& outcome) {
  for (const auto& [key, value] : outcome.scores) {
    if (key.find("roc_auc") != std::string::npos) {
      std::printf("%-28s %.4f   (AP %.4f)\n", key.c_str(), value,
                  outcome.scores.count(key.substr(0, key.size() - 7) + "ap")
                      ? outcome.scores.at(key.substr(0, key.size() - 7) + "ap")
                      : 0.0);
    }
  }
}

int run_experiment(const RunArgs& args) {
  std::vector<std::string> overrides = args.overrides;
  if (!args.device.empty()) overrides.push_back("experiment.device=\"" + args.device + "\"");
  if (args.threads >= 0) overrides.push_back("experiment.threads=" + std::to_string(args.threads));
  // Everything that can be checked is checked before a run row exists.
  const ExperimentConfig config = load_experiment_config(args.experiment_path, overrides);
  check_components(config);
  RunContext context;
  context.device = resolve_device(config.experiment.device);
  context.threads = resolve_thread_count(config.experiment.threads);

  RunStore store(args.store_path);
  store.reap_dead_runs();
  const GitInfo git = read_git_info(WORKBENCH_SOURCE_DIR);
  RunStart start;
  start.experiment = config.experiment.name;
  start.config_path = std::filesystem::absolute(args.experiment_path).string();
  start.config_toml = to_toml(config);
  start.params = flatten(config);
  start.environment = environment_pairs(detect_environment());
  start.environment.emplace_back("threads", std::to_string(context.threads));
  start.seed = config.experiment.seed;
  start.device = context.device;
  start.git_commit = git.commit;
  start.git_dirty = git.dirty;
  start.command_line = args.command_line;
  const int64_t run_id = store.begin_run(start);
  const auto artifacts =
      config.export_.directory.empty()
          ? std::filesystem::path(args.store_path).parent_path() / "artifacts" /
                ("run-" + std::to_string(run_id))
          : std::filesystem::path(config.export_.directory) / ("run-" + std::to_string(run_id));
  context.artifact_directory = artifacts.string();
  if (!args.quiet) {
    std::fprintf(stderr, "run %lld: %s on %s, %d threads\n", static_cast<long long>(run_id),
                 config.experiment.name.c_str(), context.device.c_str(), context.threads);
  }

  install_stop_handlers();
  TerminalProgress terminal(args.quiet);
  PipelineHooks hooks;
  hooks.progress.stop_requested = &stop_flag();
  hooks.progress.report = [&](const std::string& phase, int64_t done, int64_t total) {
    terminal.update(phase, done, total);
  };
  hooks.log = [&](const std::string& line) {
    terminal.finish_line();
    if (!args.quiet) std::fprintf(stderr, "%s\n", line.c_str());
  };
  std::unique_ptr<Recorder> recorder = store.recorder(run_id);
  try {
    const RunOutcome outcome = run_pipeline(config, context, *recorder, hooks);
    recorder->flush();
    store.finish_run(run_id, RunStatus::kFinished);
    terminal.finish_line();
    print_scores(outcome);
    std::printf(
        "run %lld finished in %.1f s; stored in %s, artifacts in %s\n",
        static_cast<long long>(run_id),
        [&] {
          double total = 0;
          for (const auto& entry : outcome.timings) total += entry.second;
          return total;
        }(),
        store.path().c_str(), context.artifact_directory.c_str());
    return 0;
  } catch (const Interrupted&) {
    terminal.finish_line();
    recorder->flush();
    store.finish_run(run_id, RunStatus::kInterrupted, "stopped by a signal");
    std::fprintf(stderr, "run %lld interrupted; marked so in %s\n", static_cast<long long>(run_id),
                 store.path().c_str());
    return 130;
  } catch (const std::exception& error) {
    terminal.finish_line();
    try {
      recorder->flush();
    } catch (const std::exception&) {
      // The failure itself may be the store; the status update below still tries.
    }
    store.finish_run(run_id, RunStatus::kFailed, error.what());
    std::fprintf(stderr, "error: %s\nrun %lld marked failed in %s\n", error.what(),
                 static_cast<long long>(run_id), store.path().c_str());
    return 1;
  }
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<RunArgs>();
  args->command_line = command_line;
  auto* run = app.add_subcommand("run", "Run one experiment file and record it in the run store");
  run->add_option("experiment", args->experiment_path, "Experiment TOML file")->required();
  run->add_option("--set", args->overrides,
                  "Override a setting, e.g. --set train.dimension=64 (repeatable)")
      ->allow_extra_args(false);
  run->add_option("--device", args->device, "cpu, cuda or auto (overrides experiment.device)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  run->add_option("--threads", args->threads, "CPU threads (0: all)");
  run->add_option("--store", args->store_path, "Run store (SQLite file)")->capture_default_str();
  run->add_flag("--quiet,-q", args->quiet, "Only print the results");
  run->callback([args, &exit_code] { exit_code = run_experiment(*args); });
}

}  // namespace wb::cli
