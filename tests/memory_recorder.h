#pragma once
// A Recorder that keeps everything in memory, for tests that run the pipeline
// or a trainer without a store.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "run/recorder.h"

namespace wb::test {

class MemoryRecorder : public Recorder {
 public:
  void metric(const std::string& key, int64_t step, double value) override {
    metrics[key].push_back({step, value});
  }
  void timing(const std::string& phase, double seconds) override { timings[phase] = seconds; }
  void score(const std::string& key, double value) override { scores[key] = value; }
  void artifact(const std::string& kind, const std::string& path, int64_t bytes) override {
    artifacts[kind] = bytes;
  }
  void input(const std::string& role, const std::string& path, int64_t bytes,
             const std::string& sha256) override {
    inputs[role] = {path, bytes, sha256};
  }
  struct Input {
    std::string path;
    int64_t bytes;
    std::string sha256;
  };
  std::map<std::string, std::vector<std::pair<int64_t, double>>> metrics;
  std::map<std::string, double> timings;
  std::map<std::string, double> scores;
  std::map<std::string, int64_t> artifacts;  // kind -> bytes
  std::map<std::string, Input> inputs;       // role -> file
};

}  // namespace wb::test
