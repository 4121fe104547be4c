// Eight processes hammering one run store at once, as `sweep --workers 8`
// does: every run and metric point each of them wrote must be there, none of
// them may see "database is locked", and the file must stay intact.
// WB_STORE_LOAD_SECONDS sets how long they write (default 15).
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "store/run_store.h"
#include "test_support.h"

using namespace wb;

namespace {

constexpr int kProcesses = 8;
constexpr int kPointsPerRun = 200;
constexpr int kScoresPerRun = 3;

struct Written {
  int64_t runs = 0;
  int64_t metric_rows = 0;
  int64_t score_rows = 0;
};

double load_seconds() {
  const char* configured = std::getenv("WB_STORE_LOAD_SECONDS");
  if (configured == nullptr || *configured == '\0') return 15;
  return std::atof(configured);
}

// A child's whole life: writes runs until the deadline, then reports on `out`
// what it wrote ("OK runs metrics scores") or the error that stopped it.
[[noreturn]] void write_runs(const std::string& store_path, int worker, double seconds, int out) {
  std::string report;
  int status = 0;
  try {
    RunStore store(store_path);
    Written written;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
    while (std::chrono::steady_clock::now() < deadline) {
      RunStart start;
      start.experiment = "store-load";
      start.params = {{"worker", std::to_string(worker)}, {"run", std::to_string(written.runs)}};
      start.seed = worker;
      start.device = "cpu";
      const int64_t run_id = store.begin_run(start);
      {
        auto recorder = store.recorder(run_id);
        for (int step = 0; step < kPointsPerRun; ++step) {
          recorder->metric("train/loss", step, 1.0 / (1 + step));
        }
        recorder->score("load/worker", worker);
        recorder->score("load/run", static_cast<double>(written.runs));
        recorder->score("load/points", kPointsPerRun);
        recorder->flush();
      }
      store.finish_run(run_id, RunStatus::kFinished);
      ++written.runs;
      written.metric_rows += kPointsPerRun;
      written.score_rows += kScoresPerRun;
    }
    report = "OK " + std::to_string(written.runs) + " " + std::to_string(written.metric_rows) +
             " " + std::to_string(written.score_rows) + "\n";
  } catch (const std::exception& error) {
    report = std::string("ERROR ") + error.what() + "\n";
    status = 1;
  }
  size_t sent = 0;
  while (sent < report.size()) {
    const ssize_t n = write(out, report.data() + sent, report.size() - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  close(out);
  _exit(status);
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<size_t>(n));
  close(fd);
  return text;
}

int64_t count(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  const int64_t value = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  return value;
}

}  // namespace

TEST_CASE("eight processes writing one store lose nothing and never see it locked",
          "[store-load]") {
  test::TempDir dir;
  const std::string store_path = dir.file("runs/workbench.db");
  const double seconds = load_seconds();
  REQUIRE(seconds > 0);

  std::vector<pid_t> children;
  std::vector<int> pipes;
  const auto started = std::chrono::steady_clock::now();
  for (int worker = 0; worker < kProcesses; ++worker) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(fds[0]);
      for (int earlier : pipes) close(earlier);
      write_runs(store_path, worker, seconds, fds[1]);
    }
    close(fds[1]);
    children.push_back(child);
    pipes.push_back(fds[0]);
  }

  Written total;
  std::vector<std::string> failures;
  for (int worker = 0; worker < kProcesses; ++worker) {
    const std::string report = read_all(pipes[static_cast<size_t>(worker)]);
    int status = 0;
    REQUIRE(waitpid(children[static_cast<size_t>(worker)], &status, 0) > 0);
    long long runs = 0;
    long long metrics = 0;
    long long scores = 0;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                    std::sscanf(report.c_str(), "OK %lld %lld %lld", &runs, &metrics, &scores) == 3;
    if (!ok) failures.push_back("worker " + std::to_string(worker) + ": " + report);
    total.runs += runs;
    total.metric_rows += metrics;
    total.score_rows += scores;
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string failure_text;
  for (const auto& failure : failures) failure_text += failure;
  INFO(failure_text);
  REQUIRE(failures.empty());
  REQUIRE(total.runs > 0);

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(store_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  const int64_t stored_runs = count(db, "SELECT COUNT(*) FROM runs");
  const int64_t finished = count(db, "SELECT COUNT(*) FROM runs WHERE status = 'finished'");
  const int64_t metric_rows = count(db, "SELECT COUNT(*) FROM metrics");
  const int64_t score_rows = count(db, "SELECT COUNT(*) FROM scores");
  const int64_t experiments = count(db, "SELECT COUNT(*) FROM experiments");
  const std::string check = test::integrity_check(db);
  sqlite3_close(db);

  WARN("store load: " << kProcesses << " processes, " << stored_runs << " runs, " << metric_rows
                      << " metric rows, " << score_rows << " score rows in " << elapsed << " s ("
                      << static_cast<double>(stored_runs) / elapsed << " runs/s)");
  REQUIRE(stored_runs == total.runs);
  REQUIRE(finished == total.runs);
  REQUIRE(metric_rows == total.metric_rows);
  REQUIRE(score_rows == total.score_rows);
  REQUIRE(experiments == 1);
  REQUIRE(check == "ok");
}
