// `workbench run FILE.toml`: one experiment, end to end, recorded in the store.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "commands.h"
#include "config/experiment_config.h"
#include "core/errors.h"
#include "exec/experiment_runner.h"
#include "git_info.h"
#include "stop_signals.h"
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
  int64_t resume_id = 0;
};

// One line per headline score, with its companion (AP, std over splits) when
// the run recorded one.
void print_scores(const RunOutcome& outcome) {
  auto print = [&](const std::string& key, double value, const std::string& companion,
                   const char* before, const char* after) {
    const auto found = outcome.scores.find(companion);
    if (found == outcome.scores.end()) {
      std::printf("%-36s %.4f\n", key.c_str(), value);
    } else {
      std::printf("%-36s %.4f   (%s%.4f%s)\n", key.c_str(), value, before, found->second, after);
    }
  };
  const std::string auc_suffix = "roc_auc";
  for (const auto& [key, value] : outcome.scores) {
    if (key.size() > auc_suffix.size() &&
        key.compare(key.size() - auc_suffix.size(), auc_suffix.size(), auc_suffix) == 0) {
      print(key, value, key.substr(0, key.size() - auc_suffix.size()) + "ap", "AP ", "");
    }
    if (key == "node/micro_f1" || key == "node/macro_f1") {
      print(key, value, key + "_std", "std ", " over splits");
    }
  }
}

int run_experiment(const RunArgs& args) {
  std::vector<std::string> overrides = args.overrides;
  if (!args.device.empty()) overrides.push_back("experiment.device=\"" + args.device + "\"");
  if (args.threads >= 0) overrides.push_back("experiment.threads=" + std::to_string(args.threads));
  RunRequest request;
  // Configs are checked before the store is opened: a bad file leaves no store behind.
  std::unique_ptr<RunStore> store;
  if (args.resume_id > 0) {
    // The run's own resolved config, as stored: the same graph, walks and settings.
    if (!args.experiment_path.empty() || !args.overrides.empty() || !args.device.empty()) {
      throw ConfigError(
          "--resume takes the run's stored config: no experiment file, --set or "
          "--device with it");
    }
    if (!std::filesystem::exists(args.store_path)) {
      throw ConfigError("--resume " + std::to_string(args.resume_id) +
                        ": no such run (no store at " + args.store_path + ")");
    }
    store = std::make_unique<RunStore>(args.store_path);
    store->reap_dead_runs();
    const auto run = store->find_run(args.resume_id);
    if (!run) {
      throw ConfigError("--resume " + std::to_string(args.resume_id) + ": no such run in " +
                        store->path());
    }
    request.config = parse_experiment_config(run->config_toml, run->config_path, overrides);
    request.config.experiment.name = run->summary.experiment;
    request.config_path = run->config_path;
    request.resume_run_id = args.resume_id;
  } else {
    if (args.experiment_path.empty()) {
      throw ConfigError("workbench run: give an experiment file, or --resume RUN_ID");
    }
    request.config = load_experiment_config(args.experiment_path, overrides,
                                            std::filesystem::current_path().string());
    request.config_path = args.experiment_path;
    store = std::make_unique<RunStore>(args.store_path);
    store->reap_dead_runs();
  }
  request.origin = describe_origin(args.command_line, args.store_path);
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
  const auto announce = [&](const RunResult& started) {
    if (args.quiet) return;
    std::fprintf(stderr, "run %lld: %s on %s, %d threads%s\n",
                 static_cast<long long>(started.run_id), request.config.experiment.name.c_str(),
                 started.context.device.c_str(), started.context.threads,
                 started.context.resume ? " (resumed)" : "");
  };
  const RunResult result = execute_run(*store, request, hooks, announce);
  terminal.finish_line();
  const auto id = static_cast<long long>(result.run_id);
  switch (result.status) {
    case RunStatus::kFinished: {
      print_scores(result.outcome);
      double seconds = 0;
      for (const auto& entry : result.outcome.timings) seconds += entry.second;
      std::printf("run %lld finished in %.1f s; stored in %s, artifacts in %s\n", id, seconds,
                  store->path().c_str(), result.context.artifact_directory.c_str());
      return 0;
    }
    case RunStatus::kInterrupted:
      std::fprintf(stderr,
                   "run %lld interrupted; marked so in %s (continue it with: workbench run "
                   "--resume %lld)\n",
                   id, store->path().c_str(), id);
      return 130;
    default:
      std::fprintf(stderr, "error: %s\nrun %lld marked failed in %s\n", result.message.c_str(), id,
                   store->path().c_str());
      return 1;
  }
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<RunArgs>();
  args->command_line = command_line;
  auto* run = app.add_subcommand("run", "Run one experiment file and record it in the run store");
  run->add_option("experiment", args->experiment_path, "Experiment TOML file");
  run->add_option("--resume", args->resume_id,
                  "Continue an interrupted, crashed or failed run from its last checkpoint "
                  "(train.checkpoint_every; Ctrl-C always writes one)");
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
