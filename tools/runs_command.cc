// `workbench runs`: list and show runs here; compare, export, tag, delete and import
// in the runs_*_command.cc files.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "core/errors.h"
#include "runs_subcommands.h"
#include "store/run_store.h"
#include "store/run_table.h"

namespace wb::cli {
namespace {

struct RunsArgs {
  RunFilter filter;
  std::vector<std::string> score_keys;  // `runs list --score`; empty: the headline score
  std::string sort_key;  // `runs list --sort`: best first by this score; "": newest first
  bool ascending = false;
  int64_t run_id = 0;
};

// What a run is best known by, for the one score column `runs list` shows when
// --score does not choose: link prediction's Hadamard ROC-AUC (the paper's
// table), else node classification's Macro-F1, else the dot-product ROC-AUC of
// link prediction without classifiers.
struct HeadlineScore {
  const char* key;
  const char* label;
};
constexpr HeadlineScore kHeadlineScores[] = {
    {"link/hadamard/roc_auc", "ROC-AUC (hadamard)"},
    {"node/macro_f1", "Macro-F1"},
    {"link/dot/roc_auc", "ROC-AUC (dot)"},
};

std::string score_text(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4f", value);
  return text;
}

std::string headline_score(const RunSummary& run) {
  for (const HeadlineScore& headline : kHeadlineScores) {
    auto found = run.scores.find(headline.key);
    if (found != run.scores.end()) return score_text(found->second) + " " + headline.label;
  }
  return "-";
}

// The chosen scores' columns, each as wide as its key; "-" where a run lacks it.
std::string chosen_scores(const RunSummary& run, const std::vector<std::string>& keys) {
  std::string text;
  for (const std::string& key : keys) {
    auto found = run.scores.find(key);
    const std::string cell = found == run.scores.end() ? "-" : score_text(found->second);
    text += (text.empty() ? "" : "  ") +
            std::string(key.size() - std::min(key.size(), cell.size()), ' ') + cell;
  }
  return text;
}

// Best first by `key` (highest, or lowest when ascending), newest first among
// equals; runs without the score last.
void sort_by_score(std::vector<RunSummary>& runs, const std::string& key, bool ascending) {
  std::stable_sort(runs.begin(), runs.end(), [&](const RunSummary& a, const RunSummary& b) {
    const auto left = a.scores.find(key);
    const auto right = b.scores.find(key);
    if (right == b.scores.end()) return left != a.scores.end();
    if (left == a.scores.end()) return false;
    return ascending ? left->second < right->second : left->second > right->second;
  });
}

// A --score or --sort key no listed run has is most likely mistyped: say which
// keys they have.
void check_score_keys(const std::vector<RunSummary>& runs, const std::vector<std::string>& keys) {
  if (runs.empty()) return;
  for (const std::string& key : keys) {
    bool present = false;
    for (const auto& run : runs) present = present || run.scores.count(key) > 0;
    if (present) continue;
    std::set<std::string> known;
    for (const auto& run : runs)
      for (const auto& score : run.scores) known.insert(score.first);
    std::string names;
    for (const auto& name : known) names += (names.empty() ? "" : ", ") + name;
    throw Error("no listed run has a score named '" + key +
                "' (they have: " + (names.empty() ? "none" : names) + ")");
  }
}

std::string joined_tags(const RunSummary& run) {
  std::string text;
  for (const std::string& tag : run.tags) text += (text.empty() ? "  [" : ", ") + tag;
  return text.empty() ? text : text + "]";
}

int list_runs(const std::string& store_path, const RunsArgs& args) {
  RunStore store(store_path);
  store.reap_dead_runs();
  RunFilter filter = args.filter;
  if (!args.sort_key.empty()) filter.limit = 0;  // --limit keeps the best, not the newest
  auto runs = store.list_runs(filter);
  if (!args.sort_key.empty()) sort_by_score(runs, args.sort_key, args.ascending);
  if (args.filter.limit > 0 && static_cast<int64_t>(runs.size()) > args.filter.limit) {
    runs.resize(static_cast<size_t>(args.filter.limit));
  }
  std::vector<std::string> keys = args.score_keys;
  if (!args.sort_key.empty() && std::find(keys.begin(), keys.end(), args.sort_key) == keys.end()) {
    keys.insert(keys.begin(), args.sort_key);
  }
  check_score_keys(runs, keys);
  std::string score_header = "score";
  if (!keys.empty()) {
    score_header.clear();
    for (const auto& key : keys) score_header += (score_header.empty() ? "" : "  ") + key;
  }
  std::printf("%5s  %-20s  %-11s  %-24s  %-6s  %9s  %s\n", "id", "experiment", "status",
              "started (UTC)", "device", "seconds", score_header.c_str());
  for (const auto& run : runs) {
    const std::string scores = keys.empty() ? headline_score(run) : chosen_scores(run, keys);
    std::printf("%5lld  %-20s  %-11s  %-24s  %-6s  %9.1f  %s%s\n", static_cast<long long>(run.id),
                run.experiment.c_str(), run.status.c_str(), run.started_at.c_str(),
                run.device.c_str(), run.seconds, scores.c_str(), joined_tags(run).c_str());
  }
  if (runs.empty()) std::printf("(no runs in %s)\n", store.path().c_str());
  return 0;
}

void print_section(const char* title) { std::printf("\n%s\n", title); }

int show_run(const std::string& store_path, const RunsArgs& args) {
  RunStore store(store_path);
  store.reap_dead_runs();
  const auto found = store.find_run(args.run_id);
  if (!found) throw Error("no run " + std::to_string(args.run_id) + " in " + store.path());
  const RunDetails& run = *found;
  std::printf("run %lld  %s  %s\n", static_cast<long long>(run.summary.id),
              run.summary.experiment.c_str(), run.summary.status.c_str());
  std::printf("started %s  ended %s  (%.1f s)\n", run.summary.started_at.c_str(),
              run.summary.ended_at.empty() ? "-" : run.summary.ended_at.c_str(),
              run.summary.seconds);
  std::printf("device %s  seed %lld  host %s  pid %lld\n", run.summary.device.c_str(),
              static_cast<long long>(run.summary.seed), run.host.c_str(),
              static_cast<long long>(run.pid));
  std::printf("git %s%s\ncommand %s\nconfig %s\n", run.git_commit.c_str(),
              run.git_dirty ? " (dirty)" : "", run.command_line.c_str(), run.config_path.c_str());
  if (!run.summary.sweep.empty()) {
    std::printf("sweep %s  trial %s\n", run.summary.sweep.c_str(), run.summary.trial_key.c_str());
  }
  if (!run.summary.tags.empty()) std::printf("tags%s\n", joined_tags(run.summary).c_str());
  if (!run.message.empty()) std::printf("message: %s\n", run.message.c_str());
  print_section("scores");
  for (const auto& [key, value] : run.summary.scores)
    std::printf("  %-32s %.6g\n", key.c_str(), value);
  print_section("timings (s)");
  for (const auto& [phase, seconds] : run.timings)
    std::printf("  %-12s %10.3f\n", phase.c_str(), seconds);
  print_section("metrics");
  for (const auto& [key, points] : run.metrics) {
    if (points.empty()) continue;
    std::printf("  %-24s %zu points, first %.6g at step %lld, last %.6g at step %lld\n",
                key.c_str(), points.size(), points.front().value,
                static_cast<long long>(points.front().step), points.back().value,
                static_cast<long long>(points.back().step));
  }
  print_section("params");
  for (const auto& [key, value] : run.params)
    std::printf("  %-36s %s\n", key.c_str(), short_param_text(value).c_str());
  print_section("environment");
  for (const auto& [key, value] : run.environment)
    std::printf("  %-24s %s\n", key.c_str(), value.c_str());
  print_section("inputs (sha256 of the bytes on disk)");
  for (const RunInput& input : run.inputs) {
    std::printf("  %-16s %s %12lld  %s\n", input.role.c_str(), input.sha256.c_str(),
                static_cast<long long>(input.bytes), input.path.c_str());
  }
  print_section("artifacts");
  for (const auto& [kind, path, bytes] : run.artifacts) {
    std::printf("  %-20s %10lld  %s\n", kind.c_str(), static_cast<long long>(bytes), path.c_str());
  }
  return 0;
}

}  // namespace

void add_run_filter_options(CLI::App& command, RunFilter& filter) {
  command.add_option("--experiment", filter.experiment, "Only this experiment");
  command.add_option("--sweep", filter.sweep, "Only trials of this sweep");
  command.add_option("--status", filter.status, "running, finished, failed, interrupted, crashed");
  command.add_option("--tag", filter.tag, "Only runs with this tag");
  command.add_option("--where", filter.where,
                     "Condition on params, scores or input files, repeatable: "
                     "params.train.dimension=128, 'scores.link/hadamard/roc_auc>=0.9' "
                     "(= != < <= > >=), inputs.graph=9174a7c11f1b (the start of its sha256)");
  command.add_option("--limit", filter.limit, "At most this many runs (the newest)");
}

std::vector<RunDetails> find_runs_or_throw(const RunStore& store, const std::vector<int64_t>& ids) {
  std::vector<RunDetails> runs;
  for (int64_t id : ids) {
    std::optional<RunDetails> found = store.find_run(id);
    if (!found) throw Error("no run " + std::to_string(id) + " in " + store.path());
    runs.push_back(std::move(*found));
  }
  return runs;
}

void add_runs_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunsArgs>();
  auto store_path = std::make_shared<std::string>(kDefaultStorePath);
  auto* runs = app.add_subcommand("runs", "List, inspect, compare, export and edit recorded runs");
  runs->require_subcommand(1);
  runs->add_option("--store", *store_path, "Run store (SQLite file)")->capture_default_str();
  auto* list = runs->add_subcommand("list", "One line per run, newest first");
  list->fallthrough();  // --store may follow the subcommand
  add_run_filter_options(*list, args->filter);
  list->add_option("--score", args->score_keys,
                   "Show these scores, one column each, repeatable (e.g. node/micro_f1); "
                   "without it, the run's headline score: Hadamard ROC-AUC, else Macro-F1");
  list->add_option("--sort", args->sort_key,
                   "Best first by this score (highest; lowest with --ascending), shown as the "
                   "first score column; --limit then keeps the best");
  list->add_flag("--ascending", args->ascending, "With --sort: lowest first (losses, times)");
  list->callback([args, store_path, &exit_code] { exit_code = list_runs(*store_path, *args); });
  auto* show = runs->add_subcommand("show", "Everything stored about one run");
  show->fallthrough();
  show->add_option("id", args->run_id, "Run id")->required();
  show->callback([args, store_path, &exit_code] { exit_code = show_run(*store_path, *args); });
  add_runs_compare_command(*runs, store_path, exit_code);
  add_runs_export_command(*runs, store_path, exit_code);
  add_runs_tag_command(*runs, store_path, exit_code);
  add_runs_delete_command(*runs, store_path, exit_code);
  add_runs_import_command(*runs, store_path, exit_code);
}

}  // namespace wb::cli
