// `workbench sweep FILE.toml`: runs a sweep's trials, in this process or in
// worker processes (copies of this command with a hidden --worker-index),
// then prints where the trials stand and the leaderboard.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "commands.h"
#include "core/errors.h"
#include "core/memory_size.h"
#include "core/parallel.h"
#include "git_info.h"
#include "stop_signals.h"
#include "store/run_store.h"
#include "sweep/leaderboard.h"
#include "sweep/sweep_config.h"
#include "sweep/sweep_runner.h"
#include "sweep/trial_plan.h"
#include "sweep/worker_processes.h"

namespace wb::cli {
namespace {

constexpr size_t kLeaderboardRows = 10;

struct SweepArgs {
  std::string sweep_path;
  std::string store_path = kDefaultStorePath;
  int workers = 1;
  std::vector<std::string> gpus;
  std::string device;
  int64_t threads = -1;
  bool quiet = false;
  int worker_index = -1;  // set only in worker processes
  int worker_count = 1;
  std::string command_line;
};

int worker_count_of(const SweepArgs& args) {
  if (args.worker_index >= 0) return args.worker_count;
  return args.gpus.empty() ? args.workers : static_cast<int>(args.gpus.size());
}

// Where trials run, applied to every trial without changing its identity.
// Workers share the CPU cores unless told otherwise, rather than each one
// starting a thread per core, and share the memory kept for walks: each
// taking the default, half the usable memory, workers would together ask
// for more than there is.
std::vector<std::string> execution_overrides(const SweepArgs& args, const SweepConfig& sweep) {
  std::vector<std::string> overrides;
  if (!args.device.empty()) overrides.push_back("experiment.device=\"" + args.device + "\"");
  const int workers = worker_count_of(args);
  if (args.threads >= 0) {
    overrides.push_back("experiment.threads=" + std::to_string(args.threads));
  } else if (workers > 1 && load_experiment_config(sweep.experiment_path).experiment.threads == 0) {
    const int share = std::max(1, resolve_thread_count(0) / workers);
    overrides.push_back("experiment.threads=" + std::to_string(share));
  }
  if (workers > 1 && load_experiment_config(sweep.experiment_path).walk.max_memory_gb == 0) {
    const double share_gib = std::max(0.001, 0.5 * usable_memory_bytes() / kGiB / workers);
    overrides.push_back("walk.max_memory_gb=" + std::to_string(share_gib));
  }
  return overrides;
}

std::string trial_label(const Trial& trial, const TrialPlan& plan, const SweepArgs& args) {
  std::string label = args.worker_index >= 0 && args.worker_count > 1
                          ? "[worker " + std::to_string(args.worker_index) + "] "
                          : "";
  return label + "trial " + std::to_string(trial.index + 1) + "/" +
         std::to_string(plan.trials.size());
}

SweepEvents progress_lines(const TrialPlan& plan, const SweepConfig& sweep, const SweepArgs& args) {
  SweepEvents events;
  if (args.quiet) return events;
  events.trial_started = [&plan, &args](const Trial& trial, const RunResult& started) {
    std::fprintf(stderr, "%s started (run %lld): %s seed=%lld\n",
                 trial_label(trial, plan, args).c_str(), static_cast<long long>(started.run_id),
                 describe_values(trial.values).c_str(), static_cast<long long>(trial.seed));
  };
  events.trial_ended = [&plan, &sweep, &args](const Trial& trial, const RunResult& ended,
                                              double seconds) {
    const std::string label = trial_label(trial, plan, args);
    const auto id = static_cast<long long>(ended.run_id);
    if (ended.pruned) {
      std::fprintf(stderr, "%s pruned after %.1f s (run %lld): %s\n", label.c_str(), seconds, id,
                   ended.message.c_str());
    } else if (ended.status == RunStatus::kFinished) {
      const auto score = ended.outcome.scores.find(sweep.metric);
      char value[32] = "not scored";
      if (score != ended.outcome.scores.end())
        std::snprintf(value, sizeof(value), "%.4f", score->second);
      std::fprintf(stderr, "%s finished in %.1f s (run %lld): %s %s\n", label.c_str(), seconds, id,
                   sweep.metric.c_str(), value);
    } else if (ended.status == RunStatus::kInterrupted) {
      std::fprintf(stderr, "%s interrupted (run %lld); it runs again when the sweep is resumed\n",
                   label.c_str(), id);
    } else {
      std::fprintf(stderr, "%s failed after %.1f s (run %lld): %s\n", label.c_str(), seconds, id,
                   ended.message.c_str());
    }
  };
  return events;
}

WorkerCounts run_worker(RunStore& store, int64_t sweep_id, const SweepConfig& sweep,
                        const TrialPlan& plan, const SweepArgs& args) {
  SweepWorkerOptions options;
  options.worker_index = std::max(0, args.worker_index);
  options.origin = describe_origin(args.command_line, args.store_path);
  options.stop_requested = &stop_flag();
  const WorkerCounts counts =
      run_sweep_worker(store, sweep_id, sweep, plan, options, progress_lines(plan, sweep, args));
  if (!args.quiet) {
    const std::string who =
        args.worker_count > 1 ? "[worker " + std::to_string(args.worker_index) + "] " : "";
    std::fprintf(stderr,
                 "%sran %lld trials (%lld finished, %lld pruned, %lld failed); skipped %lld "
                 "already done, %lld running elsewhere, %lld given up after max_attempts\n",
                 who.c_str(),
                 static_cast<long long>(counts.finished + counts.pruned + counts.failed),
                 static_cast<long long>(counts.finished), static_cast<long long>(counts.pruned),
                 static_cast<long long>(counts.failed), static_cast<long long>(counts.skipped_done),
                 static_cast<long long>(counts.skipped_busy),
                 static_cast<long long>(counts.skipped_exhausted));
  }
  return counts;
}

// Says which process and which GPU a worker is, so a stuck or slow one can be found.
void announce_worker(const SweepArgs& args) {
  const char* gpus = std::getenv("CUDA_VISIBLE_DEVICES");
  std::fprintf(stderr, "[worker %d] started (pid %d%s%s)\n", args.worker_index,
               static_cast<int>(getpid()), gpus ? ", CUDA_VISIBLE_DEVICES=" : "", gpus ? gpus : "");
}

// Returns the workers' exit codes.
std::vector<int> run_worker_processes(const SweepArgs& args) {
  const int count = worker_count_of(args);
  std::vector<WorkerLaunch> launches;
  for (int i = 0; i < count; ++i) {
    WorkerLaunch launch;
    launch.arguments = {"sweep",          args.sweep_path,      "--store",
                        args.store_path,  "--worker-index",     std::to_string(i),
                        "--worker-count", std::to_string(count)};
    if (!args.device.empty())
      launch.arguments.insert(launch.arguments.end(), {"--device", args.device});
    if (args.threads >= 0) {
      launch.arguments.insert(launch.arguments.end(), {"--threads", std::to_string(args.threads)});
    }
    if (args.quiet) launch.arguments.push_back("--quiet");
    if (!args.gpus.empty()) launch.environment.emplace_back("CUDA_VISIBLE_DEVICES", args.gpus[i]);
    launches.push_back(std::move(launch));
  }
  WorkerProcesses workers(launches);
  return workers.wait(&stop_flag());
}

void print_header(const SweepConfig& sweep, const TrialPlan& plan, int64_t sweep_id,
                  const std::optional<SweepRecord>& existing, const SweepArgs& args) {
  std::string varied;
  for (const auto& parameter : sweep.parameters)
    varied += (varied.empty() ? "" : ", ") + parameter.name;
  std::fprintf(stderr,
               "sweep %s (id %lld): %zu trials (%lld points x %zu seeds), %s over %s; ranked by "
               "%s (%s); store %s; %d worker%s\n",
               sweep.name.c_str(), static_cast<long long>(sweep_id), plan.trials.size(),
               static_cast<long long>(plan.points), std::max<size_t>(1, sweep.seeds.size()),
               sweep.method.c_str(), varied.c_str(), sweep.metric.c_str(), sweep.goal.c_str(),
               args.store_path.c_str(), worker_count_of(args),
               worker_count_of(args) > 1 ? "s" : "");
  if (plan.grid_points > plan.points) {
    std::fprintf(stderr,
                 "note: the grid has %lld points; sweep.trials = %lld keeps the first ones\n",
                 static_cast<long long>(plan.grid_points), static_cast<long long>(sweep.trials));
  }
  if (existing && existing->spec_toml != sweep.spec_toml) {
    std::fprintf(stderr,
                 "note: %s changed since sweep %s began (%s); trials with unchanged settings are "
                 "reused\n",
                 sweep.source_path.c_str(), sweep.name.c_str(), existing->created_at.c_str());
  }
}

// Prints where the planned trials stand and the leaderboard; true when every
// trial has finished.
bool print_results(const RunStore& store, int64_t sweep_id, const SweepConfig& sweep,
                   const TrialPlan& plan) {
  const std::vector<RunDetails> runs = store.sweep_runs(sweep_id);
  std::vector<std::string> keys;
  for (const Trial& trial : plan.trials) keys.push_back(trial.key);
  const TrialTally tally = tally_trials(runs, keys, sweep.max_attempts);
  std::printf(
      "sweep %s: %lld trials: %lld finished (%lld pruned), %lld failed (%lld given up after %lld "
      "attempts), %lld running, %lld not started\n",
      sweep.name.c_str(), static_cast<long long>(tally.planned),
      static_cast<long long>(tally.finished), static_cast<long long>(tally.pruned),
      static_cast<long long>(tally.failed), static_cast<long long>(tally.exhausted),
      static_cast<long long>(sweep.max_attempts), static_cast<long long>(tally.running),
      static_cast<long long>(tally.not_started));
  std::vector<std::string> varied;
  for (const auto& parameter : sweep.parameters) varied.push_back(parameter.name);
  const Leaderboard board = build_leaderboard(runs, varied, sweep.metric, sweep.goal,
                                              std::set<std::string>(keys.begin(), keys.end()));
  if (board.entries.empty()) {
    std::printf("no finished trial has a %s score yet\n", sweep.metric.c_str());
  } else {
    std::printf("\ntop %zu of %zu points:\n%s", std::min(kLeaderboardRows, board.entries.size()),
                board.entries.size(), format_leaderboard(board, kLeaderboardRows).c_str());
  }
  return tally.finished == tally.planned;
}

int run_sweep(const SweepArgs& args) {
  const SweepConfig sweep = load_sweep_config(args.sweep_path);
  const TrialPlan plan = plan_trials(sweep, execution_overrides(args, sweep));
  RunStore store(args.store_path);
  store.reap_dead_runs();
  const std::optional<SweepRecord> existing = store.find_sweep(sweep.name);
  const int64_t sweep_id =
      store.ensure_sweep(sweep.name, sweep.spec_toml, sweep.metric, sweep.goal);
  if (args.worker_index < 0) {
    // Runs recorded before the trial key left default settings out.
    const auto stale = stale_trial_keys(store.sweep_runs(sweep_id));
    if (!stale.empty()) store.set_trial_keys(sweep_id, stale);
  }
  install_stop_handlers();
  if (args.worker_index >= 0) {
    if (!args.quiet) announce_worker(args);
    return run_worker(store, sweep_id, sweep, plan, args).interrupted ? 130 : 0;
  }

  if (!args.quiet) print_header(sweep, plan, sweep_id, existing, args);
  bool interrupted = false;
  bool worker_failed = false;
  if (worker_count_of(args) == 1 && args.gpus.empty()) {
    interrupted = run_worker(store, sweep_id, sweep, plan, args).interrupted;
  } else {
    const std::vector<int> codes = run_worker_processes(args);
    for (size_t i = 0; i < codes.size(); ++i) {
      interrupted = interrupted || codes[i] == 130;
      if (codes[i] != 0 && codes[i] != 130) {
        worker_failed = true;
        std::fprintf(stderr, "worker %zu exited with code %d\n", i, codes[i]);
      }
    }
    interrupted = interrupted || stop_flag().load();
  }
  const bool complete = print_results(store, sweep_id, sweep, plan);
  if (interrupted) {
    std::fprintf(stderr, "interrupted: run the same command to resume the sweep\n");
    return 130;
  }
  return complete && !worker_failed ? 0 : 1;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<SweepArgs>();
  args->command_line = command_line;
  auto* sweep = app.add_subcommand(
      "sweep", "Run a sweep file's trials (resumable, in parallel) and print its leaderboard");
  sweep->add_option("sweep", args->sweep_path, "Sweep TOML file")->required();
  sweep->add_option("--store", args->store_path, "Run store (SQLite file)")->capture_default_str();
  auto* workers = sweep->add_option("--workers", args->workers, "Worker processes")
                      ->check(CLI::Range(1, 256))
                      ->capture_default_str();
  sweep
      ->add_option("--gpus", args->gpus,
                   "One worker per listed GPU, e.g. --gpus 0,1 (sets CUDA_VISIBLE_DEVICES)")
      ->delimiter(',')
      ->excludes(workers);
  sweep->add_option("--device", args->device, "cpu, cuda or auto (overrides experiment.device)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  sweep
      ->add_option("--threads", args->threads,
                   "CPU threads per trial (default: the experiment's, shared among workers)")
      ->check(CLI::Range(int64_t{0}, int64_t{4096}));
  sweep->add_flag("--quiet,-q", args->quiet, "Only print the results");
  sweep->add_option("--worker-index", args->worker_index)->group("");
  sweep->add_option("--worker-count", args->worker_count)->group("");
  sweep->callback([args, &exit_code] { exit_code = run_sweep(*args); });
}

}  // namespace wb::cli
