#pragma once
#include <sys/types.h>
// Small helpers shared by the tests: graphs built inline, temp directories,
// and a chi-square goodness-of-fit check.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "graph/graph.h"

struct sqlite3;

namespace wb::test {

// A fresh directory under the system temp dir, removed when this goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// An undirected graph from "u v" pairs of integer ids (ids are their own names).
Graph make_graph(int num_nodes, const std::vector<std::pair<int, int>>& edges,
                 const std::vector<float>& weights = {}, bool directed = false);

// The whole content of a file ("" when it cannot be read).
std::string read_file(const std::string& path);
// Writes `content` gzip-compressed to `path`; returns path. Throws
// std::runtime_error when the file cannot be written.
std::string write_gzip(const std::string& path, const std::string& content);
// How many times `needle` occurs in `text`, overlaps included.
size_t count_of(const std::string& text, const std::string& needle);

// ../shared/datasets, or $WB_DATASETS_DIR when set (tools/sanitize.sh points it
// at nothing so the long dataset runs skip under the sanitizers).
std::string datasets_dir();

// Runs the `workbench` binary under test with `arguments` (shell syntax).
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// `shell_prefix`, when given, runs first in the same /bin/sh, e.g. "ulimit -f 64;".
CommandResult run_workbench(const std::string& arguments, const std::string& shell_prefix = "");

// Starts `workbench run EXPERIMENT --store STORE` in the background, output
// discarded; the caller signals and reaps the returned process.
pid_t start_workbench_run(const std::string& experiment, const std::string& store_path);
// Polls the store (up to 60 s) until its first run is recorded as running.
bool wait_until_running(const std::string& store_path);
// Waits `after_ms`, sends `signal` to the run started above and reaps it;
// returns its wait status.
int signal_workbench_run(pid_t child, int signal, int after_ms = 0);

// PRAGMA integrity_check of an open store, or of the store file at `path`:
// "ok" when sound.
std::string integrity_check(sqlite3* db);
std::string integrity_check(const std::string& path);

// Pearson's chi-square statistic of counts against probabilities.
double chi_square(const std::vector<double>& observed, const std::vector<double>& expected_p);
// The 0.999 quantile of the chi-square distribution with `dof` degrees of freedom (1..30).
double chi_square_critical_999(int dof);

}  // namespace wb::test
