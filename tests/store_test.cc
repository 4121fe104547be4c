#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/errors.h"
#include "store/run_store.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

// A fresh directory per test, removed afterwards even when an assertion fails.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("wb_store_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// Reads the file through a separate connection, as another process would.
int64_t count_rows(const std::string& db_path, const std::string& sql) {
  wb::Database db(db_path);
  wb::Statement query(db, sql.c_str());
  REQUIRE(query.step());
  return query.column_int64(0);
}

void execute(const std::string& db_path, const std::string& sql) {
  wb::Database db(db_path);
  db.set_busy_timeout(10000);
  db.exec(sql.c_str());
}

wb::RunStart sample_start(const std::string& experiment) {
  wb::RunStart start;
  start.experiment = experiment;
  start.config_path = "experiments/karate.toml";
  start.config_toml = "[train]\ndimension = 128\n";
  start.params = {{"train.dimension", "128"}, {"walk.p", "0.5"}};
  start.environment = {{"torch_version", "2.11.0"}, {"compiler", "gcc"}};
  start.seed = 42;
  start.device = "cpu";
  start.git_commit = "abc1234";
  start.git_dirty = true;
  start.command_line = "workbench run experiments/karate.toml";
  return start;
}

std::string error_message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const wb::Error& e) {
    return e.what();
  }
  FAIL("expected a wb::Error");
  return "";
}

bool looks_like_utc_timestamp(const std::string& text) {
  return text.size() == 24 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
         text[13] == ':' && text[16] == ':' && text[19] == '.' && text[23] == 'Z';
}

}  // namespace

TEST_CASE("run status names round trip", "[store]") {
  for (wb::RunStatus status :
       {wb::RunStatus::kRunning, wb::RunStatus::kFinished, wb::RunStatus::kFailed,
        wb::RunStatus::kInterrupted, wb::RunStatus::kCrashed}) {
    CHECK(wb::run_status_from_string(wb::to_string(status)) == status);
  }
  CHECK(wb::to_string(wb::RunStatus::kInterrupted) == "interrupted");
  CHECK_THROWS_WITH(wb::run_status_from_string("done"), Contains("'done'"));
}

TEST_CASE("utc timestamps have the documented shape", "[store]") {
  const std::string now = wb::utc_timestamp();
  CHECK(looks_like_utc_timestamp(now));
  CHECK(now.substr(0, 2) == "20");
}

TEST_CASE("a run round trips through begin_run, the recorder and finish_run", "[store]") {
  TempDir dir;
  wb::RunStore store(dir.file("nested/dir/runs.db"));
  CHECK(fs::exists(dir.file("nested/dir/runs.db")));

  const int64_t id = store.begin_run(sample_start("karate"));
  {
    auto recorder = store.recorder(id);
    recorder->metric("train/loss", 0, 1.5);
    recorder->metric("train/loss", 10, 0.75);
    recorder->metric("train/loss", 20, 0.125);
    recorder->metric("train/lr", 0, 0.025);
    recorder->metric("train/nan", 3, std::nan(""));
    recorder->timing("walk", 2.5);
    recorder->timing("train", 10.25);
    recorder->score("link/hadamard/roc_auc", 0.9375);
    recorder->score("node/micro_f1", 0.5);
    recorder->score("node/micro_f1", 0.625);  // a score recorded again replaces the first
    recorder->artifact("embeddings", "out/karate.emb", 12345);
    recorder->input("labels", "data/karate.labels", 90, std::string(64, 'b'));
    recorder->input("graph", "data/old.txt", 10, std::string(64, 'c'));
    recorder->flush();
    // A resumed run reads its inputs again: the role keeps its latest reading.
    recorder->input("graph", "data/karate.txt", 400, std::string(64, 'a'));
    recorder->metric("train/loss", 30, 0.0625);  // written by the destructor
  }
  store.finish_run(id, wb::RunStatus::kFinished);

  const std::optional<wb::RunDetails> found = store.find_run(id);
  REQUIRE(found.has_value());
  const wb::RunDetails& run = *found;
  CHECK(run.summary.id == id);
  CHECK(run.summary.experiment == "karate");
  CHECK(run.summary.status == "finished");
  CHECK(run.summary.device == "cpu");
  CHECK(run.summary.seed == 42);
  CHECK(looks_like_utc_timestamp(run.summary.started_at));
  CHECK(looks_like_utc_timestamp(run.summary.ended_at));
  CHECK(run.summary.ended_at >= run.summary.started_at);
  CHECK(run.summary.seconds >= 0.0);
  CHECK(run.summary.seconds < 60.0);
  CHECK(run.summary.scores ==
        std::map<std::string, double>{{"link/hadamard/roc_auc", 0.9375}, {"node/micro_f1", 0.625}});

  CHECK(run.config_path == "experiments/karate.toml");
  CHECK(run.config_toml == "[train]\ndimension = 128\n");
  CHECK(run.git_commit == "abc1234");
  CHECK(run.git_dirty);
  CHECK(run.command_line == "workbench run experiments/karate.toml");
  CHECK(run.message.empty());
  CHECK(run.pid == getpid());
  CHECK_FALSE(run.host.empty());
  CHECK(run.params == std::vector<std::pair<std::string, std::string>>{{"train.dimension", "128"},
                                                                       {"walk.p", "0.5"}});
  CHECK(run.environment == std::vector<std::pair<std::string, std::string>>{
                               {"torch_version", "2.11.0"}, {"compiler", "gcc"}});

  REQUIRE(run.metrics.size() == 3);
  const std::vector<wb::MetricPoint>& loss = run.metrics.at("train/loss");
  REQUIRE(loss.size() == 4);
  const int64_t steps[] = {0, 10, 20, 30};
  const double values[] = {1.5, 0.75, 0.125, 0.0625};
  for (size_t i = 0; i < loss.size(); ++i) {
    CHECK(loss[i].step == steps[i]);
    CHECK(loss[i].value == values[i]);
  }
  REQUIRE(run.metrics.at("train/lr").size() == 1);
  CHECK(run.metrics.at("train/lr")[0].value == 0.025);
  REQUIRE(run.metrics.at("train/nan").size() == 1);
  CHECK(std::isnan(run.metrics.at("train/nan")[0].value));

  CHECK(run.timings ==
        std::vector<std::pair<std::string, double>>{{"walk", 2.5}, {"train", 10.25}});
  REQUIRE(run.artifacts.size() == 1);
  CHECK(run.artifacts[0] ==
        std::make_tuple(std::string("embeddings"), std::string("out/karate.emb"), int64_t{12345}));
  REQUIRE(run.inputs.size() == 2);  // by role
  CHECK(run.inputs[0].role == "graph");
  CHECK(run.inputs[0].path == "data/karate.txt");
  CHECK(run.inputs[0].bytes == 400);
  CHECK(run.inputs[0].sha256 == std::string(64, 'a'));
  CHECK(run.inputs[1].role == "labels");
  CHECK(run.inputs[1].sha256 == std::string(64, 'b'));

  const std::vector<wb::RunSummary> listed = store.list_runs();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == id);
  CHECK(listed[0].status == "finished");
  CHECK(listed[0].scores == run.summary.scores);
  CHECK(listed[0].seconds == run.summary.seconds);

  CHECK_FALSE(store.find_run(id + 100).has_value());
}

TEST_CASE("run status transitions", "[store]") {
  TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t id = store.begin_run(sample_start("transitions"));

  std::optional<wb::RunDetails> run = store.find_run(id);
  REQUIRE(run);
  CHECK(run->summary.status == "running");
  CHECK(run->summary.ended_at.empty());
  CHECK(run->summary.seconds == -1.0);

  store.heartbeat(id);
  CHECK_THROWS_AS(store.finish_run(id, wb::RunStatus::kRunning), wb::Error);
  store.finish_run(id, wb::RunStatus::kFailed, "loss became NaN at step 12");
  run = store.find_run(id);
  REQUIRE(run);
  CHECK(run->summary.status == "failed");
  CHECK(run->message == "loss became NaN at step 12");
  CHECK_FALSE(run->summary.ended_at.empty());

  // An ended run stays ended.
  CHECK_THROWS_WITH(store.finish_run(id, wb::RunStatus::kFinished), Contains("already ended"));
  CHECK(store.find_run(id)->summary.status == "failed");

  // A run wrongly reaped as crashed can still report how it really ended.
  const int64_t other = store.begin_run(sample_start("transitions"));
  execute(store.path(), "UPDATE runs SET status = 'crashed' WHERE id = " + std::to_string(other));
  store.finish_run(other, wb::RunStatus::kInterrupted, "SIGINT");
  CHECK(store.find_run(other)->summary.status == "interrupted");

  CHECK_THROWS_WITH(store.finish_run(999, wb::RunStatus::kFinished),
                    Contains("no run with id 999"));
  CHECK_THROWS_AS(store.heartbeat(999), wb::Error);
  CHECK_THROWS_AS(store.recorder(999), wb::Error);
}

TEST_CASE("list_runs filters and puts the newest first", "[store]") {
  TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t a1 = store.begin_run(sample_start("a"));
  const int64_t b1 = store.begin_run(sample_start("b"));
  const int64_t a2 = store.begin_run(sample_start("a"));
  store.finish_run(a1, wb::RunStatus::kFinished);

  std::vector<wb::RunSummary> runs = store.list_runs();
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].id == a2);
  CHECK(runs[1].id == b1);
  CHECK(runs[2].id == a1);

  wb::RunFilter only_a;
  only_a.experiment = "a";
  runs = store.list_runs(only_a);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].id == a2);
  CHECK(runs[1].id == a1);

  only_a.limit = 1;
  runs = store.list_runs(only_a);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].id == a2);

  wb::RunFilter finished;
  finished.status = "finished";
  runs = store.list_runs(finished);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].id == a1);

  wb::RunFilter typo;
  typo.status = "finshed";
  CHECK_THROWS_AS(store.list_runs(typo), wb::Error);
  CHECK(count_rows(store.path(), "SELECT COUNT(*) FROM experiments") == 2);
}

TEST_CASE("reopening a store keeps its data and schema version", "[store]") {
  TempDir dir;
  const std::string path = dir.file("runs.db");
  int64_t id = 0;
  {
    wb::RunStore store(path);
    id = store.begin_run(sample_start("persist"));
    auto recorder = store.recorder(id);
    recorder->score("accuracy", 0.875);
    recorder->flush();
    store.finish_run(id, wb::RunStatus::kFinished);
  }
  {
    wb::RunStore reopened(path);
    const std::optional<wb::RunDetails> run = reopened.find_run(id);
    REQUIRE(run);
    CHECK(run->summary.status == "finished");
    CHECK(run->summary.scores.at("accuracy") == 0.875);
    CHECK(reopened.begin_run(sample_start("persist")) == id + 1);
  }
  wb::Database db(path);
  CHECK(wb::schema_version(db) == wb::kSchemaVersion);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM schema_version") == 1);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM experiments") == 1);
}

TEST_CASE("a store written by a newer workbench is refused", "[store]") {
  TempDir dir;
  const std::string path = dir.file("runs.db");
  { wb::RunStore store(path); }
  execute(path, "UPDATE schema_version SET version = 99");
  const std::string message = error_message_of([&] { wb::RunStore store(path); });
  CHECK_THAT(message, Contains(path));
  CHECK_THAT(message, Contains("99"));
}

TEST_CASE("reap_dead_runs marks runs of vanished processes as crashed", "[store]") {
  TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const int64_t dead = store.begin_run(sample_start("reap"));
  const int64_t alive = store.begin_run(sample_start("reap"));
  const int64_t elsewhere = store.begin_run(sample_start("reap"));

  // A child that has exited and been waited for leaves a pid with no process.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  int child_status = 0;
  REQUIRE(waitpid(child, &child_status, 0) == child);
  execute(store.path(),
          "UPDATE runs SET pid = " + std::to_string(child) + " WHERE id = " + std::to_string(dead));
  // The same dead pid on another host says nothing about that host's process.
  execute(store.path(), "UPDATE runs SET pid = " + std::to_string(child) +
                            ", host = 'some-other-host' WHERE id = " + std::to_string(elsewhere));

  CHECK(store.reap_dead_runs() == 1);
  const std::optional<wb::RunDetails> crashed = store.find_run(dead);
  REQUIRE(crashed);
  CHECK(crashed->summary.status == "crashed");
  CHECK_THAT(crashed->message, Contains(std::to_string(child)));
  CHECK_FALSE(crashed->summary.ended_at.empty());
  CHECK(store.find_run(alive)->summary.status == "running");
  CHECK(store.find_run(elsewhere)->summary.status == "running");
  CHECK(store.reap_dead_runs() == 0);
}

TEST_CASE("a failed begin_run leaves no partial rows", "[store]") {
  TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const std::string& path = store.path();

  wb::RunStart duplicate = sample_start("fresh");
  duplicate.params.emplace_back("train.dimension", "64");
  CHECK_THROWS_WITH(store.begin_run(duplicate), Contains("UNIQUE constraint failed"));
  CHECK(count_rows(path, "SELECT COUNT(*) FROM experiments") == 0);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM runs") == 0);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM params") == 0);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM environment") == 0);

  // The store stays usable, and an existing experiment is not touched either.
  const int64_t id = store.begin_run(sample_start("fresh"));
  duplicate.experiment = "fresh";
  CHECK_THROWS_AS(store.begin_run(duplicate), wb::Error);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM experiments") == 1);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM runs") == 1);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM params") == 2);
  CHECK(store.list_runs().at(0).id == id);

  wb::RunStart unnamed = sample_start("");
  CHECK_THROWS_AS(store.begin_run(unnamed), wb::Error);
}

TEST_CASE("a failed flush writes nothing and keeps the buffer", "[store]") {
  TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const std::string& path = store.path();
  const int64_t id = store.begin_run(sample_start("flush"));
  auto recorder = store.recorder(id);
  recorder->metric("loss", 0, 1.0);
  recorder->timing("train", 1.0);
  // A trigger makes the last insert of the flush fail after the others ran.
  execute(path,
          "CREATE TRIGGER no_artifacts BEFORE INSERT ON artifacts "
          "BEGIN SELECT RAISE(ABORT, 'artifacts are refused'); END");
  recorder->artifact("log", "run.log", 10);
  CHECK_THROWS_WITH(recorder->flush(), Contains("artifacts are refused"));
  CHECK(count_rows(path, "SELECT COUNT(*) FROM metrics") == 0);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM timings") == 0);

  execute(path, "DROP TRIGGER no_artifacts");
  recorder->flush();
  CHECK(count_rows(path, "SELECT COUNT(*) FROM metrics") == 1);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM timings") == 1);
  CHECK(count_rows(path, "SELECT COUNT(*) FROM artifacts") == 1);
}

TEST_CASE("the recorder flushes by itself every 1000 points and when destroyed", "[store]") {
  TempDir dir;
  wb::RunStore store(dir.file("runs.db"));
  const std::string& path = store.path();
  const int64_t id = store.begin_run(sample_start("auto"));
  {
    auto recorder = store.recorder(id);
    for (int step = 0; step < 999; ++step) recorder->metric("loss", step, step * 0.5);
    CHECK(count_rows(path, "SELECT COUNT(*) FROM metrics") == 0);
    recorder->metric("loss", 999, 0.0);
    CHECK(count_rows(path, "SELECT COUNT(*) FROM metrics") == 1000);
    for (int step = 1000; step < 1005; ++step) recorder->metric("loss", step, 1.0);
    CHECK(count_rows(path, "SELECT COUNT(*) FROM metrics") == 1000);
  }
  CHECK(count_rows(path, "SELECT COUNT(*) FROM metrics") == 1005);
}

TEST_CASE("two stores writing one file from two threads lose nothing", "[store]") {
  TempDir dir;
  const std::string path = dir.file("shared.db");
  constexpr int kPoints = 500;
  std::exception_ptr failures[2];
  int64_t run_ids[2] = {0, 0};

  auto job = [&](int worker) {
    try {
      // Each opens the new file itself, so schema creation races as well.
      wb::RunStore store(path);
      const int64_t id = store.begin_run(sample_start("concurrent"));
      run_ids[worker] = id;
      auto recorder = store.recorder(id);
      for (int step = 0; step < kPoints; ++step) {
        recorder->metric("loss", step, worker * 1000.0 + step);
        if (step % 7 == 0) recorder->flush();
      }
      recorder->score("worker", worker);
      recorder->flush();
      store.finish_run(id, wb::RunStatus::kFinished);
    } catch (...) {
      failures[worker] = std::current_exception();
    }
  };
  std::thread first(job, 0);
  std::thread second(job, 1);
  first.join();
  second.join();
  for (const std::exception_ptr& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }

  wb::RunStore store(path);
  REQUIRE(store.list_runs().size() == 2);
  for (int worker = 0; worker < 2; ++worker) {
    const std::optional<wb::RunDetails> run = store.find_run(run_ids[worker]);
    REQUIRE(run);
    CHECK(run->summary.status == "finished");
    CHECK(run->summary.scores.at("worker") == worker);
    const std::vector<wb::MetricPoint>& loss = run->metrics.at("loss");
    REQUIRE(loss.size() == static_cast<size_t>(kPoints));
    int mismatches = 0;
    for (int step = 0; step < kPoints; ++step) {
      if (loss[step].step != step || loss[step].value != worker * 1000.0 + step) ++mismatches;
    }
    CHECK(mismatches == 0);
  }
  CHECK(count_rows(path, "SELECT COUNT(*) FROM metrics") == 2 * kPoints);
}

TEST_CASE("a file that cannot be a store gives an error naming it", "[store]") {
  TempDir dir;
  const std::string not_a_database = dir.file("notes.txt");
  {
    std::ofstream out(not_a_database);
    for (int i = 0; i < 100; ++i) out << "this is a text file, not a SQLite database\n";
  }
  std::string message = error_message_of([&] { wb::RunStore store(not_a_database); });
  CHECK_THAT(message, Contains(not_a_database));
  CHECK_THAT(message, Contains("not a database"));

  // A regular file where the directory should be: creating it must fail.
  const std::string blocked = dir.file("notes.txt/runs.db");
  message = error_message_of([&] { wb::RunStore store(blocked); });
  CHECK_THAT(message, Contains(blocked));
}
