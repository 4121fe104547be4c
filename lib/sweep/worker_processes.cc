#include "sweep/worker_processes.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/errors.h"

extern char** environ;

namespace wb {
namespace {

std::string self_executable() {
  char path[4096];
  const ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0) throw Error("cannot find this program's path (/proc/self/exe)");
  return std::string(path, static_cast<size_t>(length));
}

// NAME=value strings: this process's environment with the launch's entries
// set or replaced. Built before fork, since the child may only call
// async-signal-safe functions until it execs.
std::vector<std::string> environment_for(const WorkerLaunch& launch) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    bool replaced = false;
    for (const auto& [name, value] : launch.environment) {
      replaced = replaced || text.compare(0, name.size() + 1, name + "=") == 0;
    }
    if (!replaced) entries.push_back(text);
  }
  for (const auto& [name, value] : launch.environment) entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> pointers(std::vector<std::string>& texts) {
  std::vector<char*> result;
  for (std::string& text : texts) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

pid_t start(const std::string& program, const WorkerLaunch& launch) {
  std::vector<std::string> argument_texts = {program};
  argument_texts.insert(argument_texts.end(), launch.arguments.begin(), launch.arguments.end());
  std::vector<std::string> environment_texts = environment_for(launch);
  std::vector<char*> argv = pointers(argument_texts);
  std::vector<char*> envp = pointers(environment_texts);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw Error(std::string("cannot start a sweep worker: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so the group exists whichever runs first
  return pid;
}

}  // namespace

WorkerProcesses::WorkerProcesses(const std::vector<WorkerLaunch>& launches) {
  const std::string program = self_executable();
  try {
    for (const WorkerLaunch& launch : launches) {
      pids_.push_back(start(program, launch));
      exit_codes_.push_back(-1);
      running_.push_back(true);
    }
  } catch (...) {
    stop_all();
    throw;
  }
}

WorkerProcesses::~WorkerProcesses() { stop_all(); }

void WorkerProcesses::stop_all() {
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (running_[i]) kill(pids_[i], SIGTERM);
  }
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (!running_[i]) continue;
    int status = 0;
    if (waitpid(pids_[i], &status, 0) == pids_[i]) exit_codes_[i] = exit_code_of(status);
    running_[i] = false;
  }
}

std::vector<int> WorkerProcesses::wait(const std::atomic<bool>* stop_requested) {
  bool forwarded = false;
  size_t remaining = 0;
  for (const bool running : running_) remaining += running;
  while (remaining > 0) {
    for (size_t i = 0; i < pids_.size(); ++i) {
      int status = 0;
      if (running_[i] && waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
        exit_codes_[i] = exit_code_of(status);
        running_[i] = false;
        --remaining;
      }
    }
    if (!forwarded && stop_requested != nullptr && stop_requested->load()) {
      for (size_t i = 0; i < pids_.size(); ++i) {
        if (running_[i]) kill(pids_[i], SIGTERM);
      }
      forwarded = true;
    }
    if (remaining > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return exit_codes_;
}

}  // namespace wb
