#include "test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "store/run_store.h"

namespace wb::test {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("wb-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  const std::string full = file(name);
  std::ofstream out(full, std::ios::binary);
  out << content;
  return full;
}

Graph make_graph(int num_nodes, const std::vector<std::pair<int, int>>& edges,
                 const std::vector<float>& weights, bool directed) {
  EdgeList list;
  for (int i = 0; i < num_nodes; ++i) list.node_ids.push_back(std::to_string(i));
  for (const auto& [u, v] : edges) {
    list.src.push_back(u);
    list.dst.push_back(v);
  }
  list.weight = weights;
  GraphBuildOptions options;
  options.directed = directed;
  return build_graph(list, options);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string write_gzip(const std::string& path, const std::string& content) {
  gzFile file = gzopen(path.c_str(), "wb");
  const bool written =
      file != nullptr && gzwrite(file, content.data(), static_cast<unsigned>(content.size())) ==
                             static_cast<int>(content.size());
  if (file == nullptr || gzclose(file) != Z_OK || !written) {
    throw std::runtime_error("cannot write " + path);
  }
  return path;
}

std::string datasets_dir() {
  const char* from_environment = std::getenv("WB_DATASETS_DIR");
  return from_environment ? from_environment : WB_DATASETS_DIR;
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

CommandResult run_workbench(const std::string& arguments, const std::string& shell_prefix) {
  const std::string command = (shell_prefix.empty() ? "" : shell_prefix + " exec ") +
                              WB_WORKBENCH_BINARY + " " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string integrity_check(sqlite3* db) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) != SQLITE_OK) {
    return sqlite3_errmsg(db);
  }
  std::string result;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    if (!result.empty()) result += "\n";
    result += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  return result;
}

std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open " + path;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    result = integrity_check(db);
  }
  sqlite3_close(db);
  return result;
}

double chi_square(const std::vector<double>& observed, const std::vector<double>& expected_p) {
  double total = 0;
  for (double count : observed) total += count;
  double statistic = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double expected = expected_p[i] * total;
    if (expected <= 0) {
      if (observed[i] > 0) return INFINITY;
      continue;
    }
    statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
  }
  return statistic;
}

double chi_square_critical_999(int dof) {
  static const double table[] = {10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124,
                                 27.877, 29.588, 31.264, 32.909, 34.528, 36.123, 37.697, 39.252,
                                 40.790, 42.312, 43.820, 45.315, 46.797, 48.268, 49.728, 51.179,
                                 52.620, 54.052, 55.476, 56.892, 58.301, 59.703};
  if (dof < 1 || dof > 30) throw std::invalid_argument("dof out of table");
  return table[dof - 1];
}

pid_t start_workbench_run(const std::string& experiment, const std::string& store_path) {
  const pid_t child = fork();
  if (child == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execl(WB_WORKBENCH_BINARY, WB_WORKBENCH_BINARY, "run", experiment.c_str(), "--store",
          store_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return child;
}

int signal_workbench_run(pid_t child, int signal, int after_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
  kill(child, signal);
  int status = 0;
  waitpid(child, &status, 0);
  return status;
}

bool wait_until_running(const std::string& store_path) {
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!std::filesystem::exists(store_path)) continue;
    RunStore store(store_path);
    const auto runs = store.list_runs();
    if (!runs.empty() && runs[0].status == "running") return true;
  }
  return false;
}

}  // namespace wb::test
