#pragma once
// Sweep workers as processes: copies of this program, each in its own process
// group so that a Ctrl-C reaches them once, through the parent, and each told
// to stop if the parent dies. Processes rather than threads because a trial
// owns its process (threads, CUDA device, signal flag), and a crash in one
// trial then costs one worker, not the sweep.
#include <sys/types.h>

#include <atomic>
#include <string>
#include <utility>
#include <vector>

namespace wb {

struct WorkerLaunch {
  std::vector<std::string> arguments;                            // after the program name
  std::vector<std::pair<std::string, std::string>> environment;  // set or replaced
};

class WorkerProcesses {
 public:
  // Starts one process of this executable per launch. Throws wb::Error when
  // one cannot be started (those already started are stopped first).
  explicit WorkerProcesses(const std::vector<WorkerLaunch>& launches);
  // Stops (SIGTERM) and reaps workers still running, e.g. after an exception.
  ~WorkerProcesses();
  WorkerProcesses(const WorkerProcesses&) = delete;
  WorkerProcesses& operator=(const WorkerProcesses&) = delete;

  // Waits for every worker; once *stop_requested turns true, sends each one
  // still running SIGTERM, once. Returns their exit codes in launch order
  // (128 + the signal for a worker killed by one).
  std::vector<int> wait(const std::atomic<bool>* stop_requested);

 private:
  void stop_all();
  std::vector<pid_t> pids_;
  std::vector<int> exit_codes_;
  std::vector<bool> running_;
};

}  // namespace wb
