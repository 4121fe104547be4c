#include "store/store_recorder.h"

#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "store/schema.h"
#include "store/sqlite_handle.h"

namespace wb {
namespace {

// Big enough that per-transaction cost vanishes, small enough that a crash
// loses only seconds of a training log.
constexpr size_t kAutoFlushMetricPoints = 1000;

// Buffers in memory so that a training loop's per-step calls cost no I/O.
class StoreRecorder : public Recorder {
 public:
  StoreRecorder(Database& db, int64_t run_id) : db_(db), run_id_(run_id) {}

  ~StoreRecorder() override {
    try {
      flush();
    } catch (...) {
      // A destructor may run during unwinding; throwing would terminate.
    }
  }

  void metric(const std::string& key, int64_t step, double value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    metrics_.push_back({key, step, value, utc_timestamp()});
    if (metrics_.size() >= kAutoFlushMetricPoints) flush_locked();
  }

  void timing(const std::string& phase, double seconds) override {
    std::lock_guard<std::mutex> lock(mutex_);
    timings_.emplace_back(phase, seconds);
  }

  void score(const std::string& key, double value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    scores_.emplace_back(key, value);
  }

  void artifact(const std::string& kind, const std::string& path, int64_t bytes) override {
    std::lock_guard<std::mutex> lock(mutex_);
    artifacts_.emplace_back(kind, path, bytes);
  }

  void input(const std::string& role, const std::string& path, int64_t bytes,
             const std::string& sha256) override {
    std::lock_guard<std::mutex> lock(mutex_);
    inputs_.push_back({role, path, bytes, sha256});
  }

  void flush() override {
    std::lock_guard<std::mutex> lock(mutex_);
    flush_locked();
  }

 private:
  struct PendingMetric {
    std::string key;
    int64_t step;
    double value;
    std::string recorded_at;
  };
  struct PendingInput {
    std::string role;
    std::string path;
    int64_t bytes;
    std::string sha256;
  };

  // The buffers are cleared only after COMMIT, so a failed flush keeps them
  // for the next attempt (or the destructor's).
  void flush_locked() {
    if (metrics_.empty() && timings_.empty() && scores_.empty() && artifacts_.empty() &&
        inputs_.empty()) {
      return;
    }
    std::lock_guard<std::mutex> db_lock(db_.mutex());
    in_transaction(db_, TransactionMode::kWrite, [this] { write_buffers(); });
    metrics_.clear();
    timings_.clear();
    scores_.clear();
    artifacts_.clear();
    inputs_.clear();
  }

  void write_buffers() {
    Statement insert_metric(
        db_,
        "INSERT INTO metrics(run_id, key, step, value, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const PendingMetric& point : metrics_) {
      insert_metric.bind_int64(1, run_id_)
          .bind_text(2, point.key)
          .bind_int64(3, point.step)
          .bind_double(4, point.value)
          .bind_text(5, point.recorded_at)
          .run();
    }
    Statement insert_timing(db_, "INSERT INTO timings(run_id, phase, seconds) VALUES (?1, ?2, ?3)");
    for (const auto& [phase, seconds] : timings_) {
      insert_timing.bind_int64(1, run_id_).bind_text(2, phase).bind_double(3, seconds).run();
    }
    // A score is a final result, so recording a key again replaces it.
    Statement upsert_score(db_,
                           "INSERT INTO scores(run_id, key, value) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value");
    for (const auto& [key, value] : scores_) {
      upsert_score.bind_int64(1, run_id_).bind_text(2, key).bind_double(3, value).run();
    }
    Statement insert_artifact(
        db_, "INSERT INTO artifacts(run_id, kind, path, bytes) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [kind, path, bytes] : artifacts_) {
      insert_artifact.bind_int64(1, run_id_)
          .bind_text(2, kind)
          .bind_text(3, path)
          .bind_int64(4, bytes)
          .run();
    }
    // A resumed run reads its inputs again: the latest reading is kept.
    Statement upsert_input(db_,
                           "INSERT INTO inputs(run_id, role, path, bytes, sha256) "
                           "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(run_id, role) DO UPDATE "
                           "SET path = excluded.path, bytes = excluded.bytes, "
                           "sha256 = excluded.sha256");
    for (const PendingInput& input : inputs_) {
      upsert_input.bind_int64(1, run_id_)
          .bind_text(2, input.role)
          .bind_text(3, input.path)
          .bind_int64(4, input.bytes)
          .bind_text(5, input.sha256)
          .run();
    }
    // Writing proves the job is alive, which spares it separate heartbeats.
    Statement touch(db_, "UPDATE runs SET heartbeat_at = ?2 WHERE id = ?1");
    touch.bind_int64(1, run_id_).bind_text(2, utc_timestamp()).run();
  }

  Database& db_;
  const int64_t run_id_;
  std::mutex mutex_;  // the buffers; taken before db_.mutex(), never after
  std::vector<PendingMetric> metrics_;
  std::vector<std::pair<std::string, double>> timings_;
  std::vector<std::pair<std::string, double>> scores_;
  std::vector<std::tuple<std::string, std::string, int64_t>> artifacts_;
  std::vector<PendingInput> inputs_;
};

}  // namespace

std::unique_ptr<Recorder> make_store_recorder(Database& db, int64_t run_id) {
  return std::make_unique<StoreRecorder>(db, run_id);
}

}  // namespace wb
