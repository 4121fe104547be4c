#pragma once
// The one seam between a running job and whatever keeps its record (the SQLite
// store, a test's in-memory log). The library below the store knows only this.
#include <cstdint>
#include <string>

namespace wb {

class Recorder {
 public:
  virtual ~Recorder() = default;
  // A time series point, e.g. "train/loss" at a step.
  virtual void metric(const std::string& key, int64_t step, double value) = 0;
  // Wall time of one phase (load, preprocess, walk, train, eval, export).
  virtual void timing(const std::string& phase, double seconds) = 0;
  // A final result, e.g. "link/hadamard/roc_auc".
  virtual void score(const std::string& key, double value) = 0;
  // A file the run wrote.
  virtual void artifact(const std::string& kind, const std::string& path, int64_t bytes) = 0;
  // A file the run read, in the role it played ("graph", "labels",
  // "embeddings", "embeddings_ids"), named by the SHA-256 of its bytes.
  // Recording a role again replaces it.
  virtual void input(const std::string& role, const std::string& path, int64_t bytes,
                     const std::string& sha256) = 0;
  // Makes everything recorded so far durable.
  virtual void flush() {}
};

}  // namespace wb
