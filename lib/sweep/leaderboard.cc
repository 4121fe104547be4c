#include "sweep/leaderboard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/sample_stats.h"
#include "exec/experiment_runner.h"
#include "store/run_table.h"

namespace wb {
namespace {

bool has_tag(const RunSummary& run, const std::string& tag) {
  return std::find(run.tags.begin(), run.tags.end(), tag) != run.tags.end();
}

// Better first; a NaN mean (a trial that produced no number) ranks last.
bool ranks_before(const LeaderboardEntry& a, const LeaderboardEntry& b, bool maximize) {
  if (std::isnan(a.mean) != std::isnan(b.mean)) return std::isnan(b.mean);
  if (a.mean != b.mean && !std::isnan(a.mean)) return maximize ? a.mean > b.mean : a.mean < b.mean;
  if (a.seeds != b.seeds) return a.seeds > b.seeds;
  return a.best_run_id < b.best_run_id;
}

// Columns are counted in characters: "±" is two bytes of UTF-8 but one column.
size_t display_width(const std::string& text) {
  size_t width = 0;
  for (const unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string pad(const std::string& text, size_t width) {
  const size_t used = display_width(text);
  return text + std::string(width > used ? width - used : 0, ' ');
}

}  // namespace

Leaderboard build_leaderboard(const std::vector<RunDetails>& sweep_runs,
                              const std::vector<std::string>& varied, const std::string& metric,
                              const std::string& goal, const std::set<std::string>& planned_keys) {
  const bool maximize = goal != "minimize";
  // One run per trial: the latest finished one, in case a trial was ever run twice.
  std::map<std::string, const RunDetails*> by_trial;
  for (const RunDetails& run : sweep_runs) {
    const RunSummary& summary = run.summary;
    if (summary.status != "finished" || has_tag(summary, kPrunedTag)) continue;
    if (!summary.scores.count(metric)) continue;
    if (!planned_keys.empty() && !planned_keys.count(summary.trial_key)) continue;
    const RunDetails*& kept = by_trial[summary.trial_key];
    if (kept == nullptr || kept->summary.id < summary.id) kept = &run;
  }
  std::map<std::string, std::vector<const RunDetails*>> by_point;
  for (const auto& entry : by_trial)
    by_point[point_key(entry.second->params)].push_back(entry.second);

  Leaderboard board;
  board.metric = metric;
  board.goal = maximize ? "maximize" : "minimize";
  for (const auto& [point, runs] : by_point) {
    LeaderboardEntry entry;
    for (const auto& name : varied) entry.values.emplace_back(name, runs.front()->param(name));
    double best = 0;
    std::vector<double> values;
    for (const RunDetails* run : runs) {
      const double value = run->summary.scores.at(metric);
      values.push_back(value);
      const bool better = maximize ? value > best : value < best;
      if (entry.best_run_id == 0 || better) {
        best = value;
        entry.best_run_id = run->summary.id;
      }
    }
    entry.seeds = static_cast<int64_t>(runs.size());
    const SampleStats stats = summarize(values);
    entry.mean = stats.mean;
    entry.stddev = stats.stddev;
    board.entries.push_back(std::move(entry));
  }
  std::sort(board.entries.begin(), board.entries.end(),
            [maximize](const LeaderboardEntry& a, const LeaderboardEntry& b) {
              return ranks_before(a, b, maximize);
            });
  return board;
}

std::string format_leaderboard(const Leaderboard& board, size_t limit) {
  const size_t shown = std::min(limit, board.entries.size());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"rank"};
  if (!board.entries.empty()) {
    for (const auto& value : board.entries.front().values) header.push_back(value.first);
  }
  header.insert(header.end(), {board.metric + " (" + board.goal + ")", "seeds", "best run"});
  rows.push_back(header);
  for (size_t i = 0; i < shown; ++i) {
    const LeaderboardEntry& entry = board.entries[i];
    std::vector<std::string> row = {std::to_string(i + 1)};
    for (const auto& value : entry.values) row.push_back(short_param_text(value.second));
    char score[64];
    std::snprintf(score, sizeof(score), "%.4f ± %.4f", entry.mean, entry.stddev);
    row.insert(row.end(), {score, std::to_string(entry.seeds), std::to_string(entry.best_run_id)});
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += c + 1 == row.size() ? row[c] : pad(row[c], widths[c] + 2);
    }
    text += line + "\n";
  }
  if (board.entries.size() > shown) {
    text += "(" + std::to_string(board.entries.size() - shown) + " more points not shown)\n";
  }
  return text;
}

TrialTally tally_trials(const std::vector<RunDetails>& sweep_runs,
                        const std::vector<std::string>& planned_keys, int64_t max_attempts) {
  std::map<std::string, std::vector<const RunSummary*>> by_trial;
  for (const RunDetails& run : sweep_runs) by_trial[run.summary.trial_key].push_back(&run.summary);
  TrialTally tally;
  tally.planned = static_cast<int64_t>(planned_keys.size());
  for (const std::string& key : planned_keys) {
    const auto found = by_trial.find(key);
    if (found == by_trial.end()) {
      ++tally.not_started;
      continue;
    }
    const RunSummary* finished = nullptr;
    bool running = false;
    int64_t attempts = 0;
    for (const RunSummary* run : found->second) {
      if (run->status == "finished") finished = run;
      running = running || run->status == "running";
      attempts +=
          run->status == "failed" || run->status == "crashed" || run->status == "interrupted";
    }
    if (finished != nullptr) {
      ++tally.finished;
      tally.pruned += has_tag(*finished, kPrunedTag);
    } else if (running) {
      ++tally.running;
    } else {
      ++tally.failed;
      tally.exhausted += attempts >= max_attempts;
    }
  }
  return tally;
}

}  // namespace wb
