#include "store/run_rows.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "core/errors.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"

namespace wb {
namespace {

std::vector<std::pair<std::string, std::string>> load_pairs(Database& db, const char* sql,
                                                            int64_t run_id) {
  std::vector<std::pair<std::string, std::string>> pairs;
  Statement query(db, sql);
  query.bind_int64(1, run_id);
  while (query.step()) pairs.emplace_back(query.column_text(0), query.column_text(1));
  return pairs;
}

}  // namespace

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, HOST_NAME_MAX) != 0) return "unknown";
  return name;
}

bool process_is_gone(int64_t pid) {
  // kill() reads 0 and negative pids as process groups; such a pid cannot
  // belong to a live run, so it counts as gone.
  if (pid <= 0 || pid > INT_MAX) return true;
  return kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH;
}

std::string no_such_run(const std::string& path, int64_t run_id) {
  return located(path, 0, "no run with id " + std::to_string(run_id));
}

bool run_exists(Database& db, int64_t run_id) {
  Statement query(db, "SELECT 1 FROM runs WHERE id = ?1");
  query.bind_int64(1, run_id);
  return query.step();
}

int64_t insert_run(Database& db, const RunStart& start) {
  const std::string now = utc_timestamp();
  Statement add_experiment(db,
                           "INSERT INTO experiments(name, created_at) VALUES (?1, ?2) "
                           "ON CONFLICT(name) DO NOTHING");
  add_experiment.bind_text(1, start.experiment).bind_text(2, now).run();
  Statement find_experiment(db, "SELECT id FROM experiments WHERE name = ?1");
  find_experiment.bind_text(1, start.experiment).step();
  const int64_t experiment_id = find_experiment.column_int64(0);

  Statement add_run(db, R"sql(
INSERT INTO runs(experiment_id, status, started_at, seed, device, git_commit, git_dirty,
                 command_line, config_path, config_toml, host, pid, heartbeat_at,
                 sweep_id, trial_key)
VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?2, NULLIF(?12, 0), ?13)
)sql");
  add_run.bind_int64(1, experiment_id)
      .bind_text(2, now)
      .bind_int64(3, start.seed)
      .bind_text(4, start.device)
      .bind_text(5, start.git_commit)
      .bind_int64(6, start.git_dirty ? 1 : 0)
      .bind_text(7, start.command_line)
      .bind_text(8, start.config_path)
      .bind_text(9, start.config_toml)
      .bind_text(10, host_name())
      .bind_int64(11, getpid())
      .bind_int64(12, start.sweep_id)
      .bind_text(13, start.trial_key)
      .run();
  const int64_t run_id = db.last_insert_rowid();

  Statement add_param(db, "INSERT INTO params(run_id, key, value) VALUES (?1, ?2, ?3)");
  for (const auto& [key, value] : start.params) {
    add_param.bind_int64(1, run_id).bind_text(2, key).bind_text(3, value).run();
  }
  Statement add_environment(db, "INSERT INTO environment(run_id, key, value) VALUES (?1, ?2, ?3)");
  for (const auto& [key, value] : start.environment) {
    add_environment.bind_int64(1, run_id).bind_text(2, key).bind_text(3, value).run();
  }
  return run_id;
}

void mark_crashed(Database& db, int64_t run_id, const std::string& message) {
  Statement mark(db,
                 "UPDATE runs SET status = 'crashed', ended_at = heartbeat_at, message = ?2 "
                 "WHERE id = ?1");
  mark.bind_int64(1, run_id).bind_text(2, message).run();
}

const char* const kSummaryQuery = R"sql(
SELECT r.id, e.name, r.status, r.started_at, COALESCE(r.ended_at, ''), r.device, r.seed,
       CASE WHEN r.ended_at IS NULL THEN -1.0
            ELSE ROUND((julianday(r.ended_at) - julianday(r.started_at)) * 86400.0, 3) END,
       COALESCE(s.name, ''), r.trial_key
FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN sweeps s ON s.id = r.sweep_id
)sql";

RunSummary read_summary(const Statement& row) {
  RunSummary summary;
  summary.id = row.column_int64(0);
  summary.experiment = row.column_text(1);
  summary.status = row.column_text(2);
  summary.started_at = row.column_text(3);
  summary.ended_at = row.column_text(4);
  summary.device = row.column_text(5);
  summary.seed = row.column_int64(6);
  summary.seconds = row.column_double(7);
  summary.sweep = row.column_text(8);
  summary.trial_key = row.column_text(9);
  return summary;
}

void load_scores_and_tags(Database& db, RunSummary& summary) {
  Statement scores(db, "SELECT key, value FROM scores WHERE run_id = ?1");
  scores.bind_int64(1, summary.id);
  while (scores.step()) summary.scores[scores.column_text(0)] = scores.column_double(1);
  Statement tags(db, "SELECT tag FROM tags WHERE run_id = ?1 ORDER BY tag");
  tags.bind_int64(1, summary.id);
  while (tags.step()) summary.tags.push_back(tags.column_text(0));
}

void load_details(Database& db, int64_t run_id, RunDetails& details) {
  Statement run(db,
                "SELECT config_path, config_toml, git_commit, command_line, message, host, "
                "git_dirty, pid FROM runs WHERE id = ?1");
  run.bind_int64(1, run_id);
  run.step();
  details.config_path = run.column_text(0);
  details.config_toml = run.column_text(1);
  details.git_commit = run.column_text(2);
  details.command_line = run.column_text(3);
  details.message = run.column_text(4);
  details.host = run.column_text(5);
  details.git_dirty = run.column_int64(6) != 0;
  details.pid = run.column_int64(7);

  details.params =
      load_pairs(db, "SELECT key, value FROM params WHERE run_id = ?1 ORDER BY rowid", run_id);
  details.environment =
      load_pairs(db, "SELECT key, value FROM environment WHERE run_id = ?1 ORDER BY rowid", run_id);

  Statement metrics(
      db, "SELECT key, step, value FROM metrics WHERE run_id = ?1 ORDER BY key, step, rowid");
  metrics.bind_int64(1, run_id);
  while (metrics.step()) {
    details.metrics[metrics.column_text(0)].push_back(
        {metrics.column_int64(1), metrics.column_double(2)});
  }

  Statement timings(db, "SELECT phase, seconds FROM timings WHERE run_id = ?1 ORDER BY rowid");
  timings.bind_int64(1, run_id);
  while (timings.step())
    details.timings.emplace_back(timings.column_text(0), timings.column_double(1));

  Statement artifacts(db,
                      "SELECT kind, path, bytes FROM artifacts WHERE run_id = ?1 ORDER BY rowid");
  artifacts.bind_int64(1, run_id);
  while (artifacts.step()) {
    details.artifacts.emplace_back(artifacts.column_text(0), artifacts.column_text(1),
                                   artifacts.column_int64(2));
  }

  Statement inputs(db,
                   "SELECT role, path, bytes, sha256 FROM inputs WHERE run_id = ?1 ORDER BY role");
  inputs.bind_int64(1, run_id);
  while (inputs.step()) {
    details.inputs.push_back({inputs.column_text(0), inputs.column_text(1), inputs.column_int64(2),
                              inputs.column_text(3)});
  }
}

}  // namespace wb
