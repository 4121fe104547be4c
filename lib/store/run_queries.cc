// RunStore's reads of runs: the filtered list behind `workbench runs list`
// and `export`, and one run with everything recorded about it.
#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>

#include "core/errors.h"
#include "store/run_condition.h"
#include "store/run_rows.h"
#include "store/run_store.h"
#include "store/sqlite_handle.h"

namespace wb {
namespace {

// The rows of a two-column query on one run, as a map from the first column.
std::map<std::string, std::string> load_map(Database& db, const char* sql, int64_t run_id) {
  std::map<std::string, std::string> map;
  Statement query(db, sql);
  query.bind_int64(1, run_id);
  while (query.step()) map[query.column_text(0)] = query.column_text(1);
  return map;
}

bool mentions(const std::vector<RunCondition>& conditions, RunCondition::Source source) {
  return std::any_of(conditions.begin(), conditions.end(), [source](const RunCondition& condition) {
    return condition.source == source;
  });
}

bool all_hold(const std::vector<RunCondition>& conditions,
              const std::map<std::string, std::string>& params,
              const std::map<std::string, double>& scores,
              const std::map<std::string, std::string>& inputs) {
  return std::all_of(conditions.begin(), conditions.end(), [&](const RunCondition& condition) {
    return condition_holds(condition, params, scores, inputs);
  });
}

bool sweep_exists(Database& db, const std::string& name) {
  Statement query(db, "SELECT 1 FROM sweeps WHERE name = ?1");
  query.bind_text(1, name);
  return query.step();
}

}  // namespace

std::vector<RunSummary> RunStore::list_runs(const RunFilter& filter) const {
  // Validated up front, so that a typo is an error rather than an empty list.
  if (!filter.status.empty()) run_status_from_string(filter.status);
  std::vector<RunCondition> conditions;
  for (const std::string& text : filter.where) conditions.push_back(parse_run_condition(text));

  const std::string sql = std::string(kSummaryQuery) + R"sql(
WHERE (?1 = '' OR e.name = ?1) AND (?2 = '' OR r.status = ?2) AND (?3 = '' OR s.name = ?3)
  AND (?4 = '' OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag = ?4))
ORDER BY r.started_at DESC, r.id DESC
LIMIT ?5
)sql";
  // Conditions are tested here rather than in SQL, which cannot tell a
  // number stored as text from other text; the limit then applies after them.
  const int64_t sql_limit = conditions.empty() && filter.limit > 0 ? filter.limit : -1;
  const size_t limit = filter.limit > 0 ? static_cast<size_t>(filter.limit) : SIZE_MAX;
  const bool need_params = mentions(conditions, RunCondition::Source::kParams);
  const bool need_inputs = mentions(conditions, RunCondition::Source::kInputs);
  std::vector<RunSummary> runs;
  std::lock_guard<std::mutex> lock(db_->mutex());
  in_transaction(*db_, TransactionMode::kRead, [&] {
    runs.clear();
    if (!filter.sweep.empty() && !sweep_exists(*db_, filter.sweep)) {
      throw Error(located(path_, 0, "no sweep named '" + filter.sweep + "'"));
    }
    Statement query(*db_, sql.c_str());
    query.bind_text(1, filter.experiment)
        .bind_text(2, filter.status)
        .bind_text(3, filter.sweep)
        .bind_text(4, filter.tag)
        .bind_int64(5, sql_limit);  // SQLite: negative = no limit
    std::vector<RunSummary> candidates;
    while (query.step()) candidates.push_back(read_summary(query));
    for (RunSummary& summary : candidates) {
      if (runs.size() >= limit) break;
      load_scores_and_tags(*db_, summary);
      const auto params =
          need_params
              ? load_map(*db_, "SELECT key, value FROM params WHERE run_id = ?1", summary.id)
              : std::map<std::string, std::string>{};
      const auto inputs =
          need_inputs
              ? load_map(*db_, "SELECT role, sha256 FROM inputs WHERE run_id = ?1", summary.id)
              : std::map<std::string, std::string>{};
      if (all_hold(conditions, params, summary.scores, inputs)) runs.push_back(std::move(summary));
    }
  });
  return runs;
}

std::optional<RunDetails> RunStore::find_run(int64_t id) const {
  const std::string sql = std::string(kSummaryQuery) + "WHERE r.id = ?1";
  std::optional<RunDetails> details;
  std::lock_guard<std::mutex> lock(db_->mutex());
  // One read transaction, so the run is seen as of a single commit even while
  // its job keeps flushing.
  in_transaction(*db_, TransactionMode::kRead, [&] {
    details.reset();
    Statement query(*db_, sql.c_str());
    query.bind_int64(1, id);
    if (!query.step()) return;
    details.emplace();
    details->summary = read_summary(query);
    load_scores_and_tags(*db_, details->summary);
    load_details(*db_, id, *details);
  });
  return details;
}

}  // namespace wb
