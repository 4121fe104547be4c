// The fused CPU trainer: word2vec-style Hogwild SGD. Each thread walks its own
// chunks of walks and, for every (center, context) pair, does the forward,
// backward and update of the center, the context and k negatives in one pass
// over the rows (sgns_kernel.cc), with no batching and no allocation.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>

#include "core/errors.h"
#include "core/parallel.h"
#include "train/initialization.h"
#include "train/negative_sampler.h"
#include "train/pair_batcher.h"
#include "train/sgns_kernel.h"
#include "train/trainer.h"

namespace wb {
namespace {

constexpr int64_t kWalksPerChunk = 32;
constexpr int64_t kLossSampleMask = 15;  // the loss is measured on one pair in 16

// The loss history, shared by the workers and written under a lock once per
// chunk, so recording never slows the inner loop.
class LossLog {
 public:
  LossLog(Recorder& recorder, const TrainSection& settings)
      : recorder_(recorder),
        settings_(settings),
        pairs_per_point_(settings.batch_size * settings.log_every) {}

  void add(int64_t pairs, int64_t sampled_pairs, double sampled_loss, double lr) {
    std::lock_guard<std::mutex> lock(mutex_);
    pairs_ += pairs;
    interval_sampled_ += sampled_pairs;
    interval_loss_ += sampled_loss;
    if (pairs_ >= next_point_) {
      record(lr);
      next_point_ = pairs_ + pairs_per_point_;
    }
  }
  void finish(double lr) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (interval_sampled_ > 0) record(lr);
  }
  int64_t pairs() const { return pairs_; }
  double last_loss() const { return last_loss_; }

 private:
  void record(double lr) {
    if (interval_sampled_ == 0) return;
    const double mean = interval_loss_ / static_cast<double>(interval_sampled_);
    const int64_t step = pairs_ / settings_.batch_size;
    if (!std::isfinite(mean)) {
      throw NumericError("training diverged: the loss is " + std::to_string(mean) + " near step " +
                         std::to_string(step) + " (try a smaller train.learning_rate)");
    }
    recorder_.metric("train/loss", step, mean);
    recorder_.metric("train/learning_rate", step, lr);
    last_loss_ = mean;
    interval_loss_ = 0;
    interval_sampled_ = 0;
  }

  Recorder& recorder_;
  const TrainSection& settings_;
  int64_t pairs_per_point_;
  std::mutex mutex_;
  int64_t pairs_ = 0;
  int64_t next_point_ = 0;
  int64_t interval_sampled_ = 0;
  double interval_loss_ = 0;
  double last_loss_ = 0;
};

int64_t walk_length_of(const NodeId* walk, int64_t max_length) {
  int64_t length = 0;
  while (length < max_length && walk[length] != Walks::kNoNode) ++length;
  return length;
}

class FusedCpuTrainer : public Trainer {
 public:
  Matrix train(const Walks& walks, int64_t num_nodes, const TrainOptions& options,
               Recorder& recorder, const Progress& progress, TrainSummary& summary) override {
    if (options.device != "cpu") {
      throw ConfigError(
          "train.trainer = \"fused\" runs on the CPU in this build; set "
          "experiment.device = \"cpu\" or use train.trainer = \"torch\"");
    }
    const TrainSection& s = options.settings;
    auto negatives = make_negative_sampler(s.negative_sampler);
    negatives->prepare(walks, num_nodes, s.negative_exponent);
    Matrix input = initial_input_embeddings(num_nodes, s.dimension, options.seed);
    Matrix output(num_nodes, s.dimension);

    int64_t tokens_per_epoch = 0;
    for (NodeId node : walks.nodes) tokens_per_epoch += node != Walks::kNoNode;
    const double total_tokens = static_cast<double>(tokens_per_epoch * s.epochs);
    std::atomic<int64_t> tokens_done{0};
    LossLog log(recorder, s);
    const auto started = std::chrono::steady_clock::now();

    for (int64_t epoch = 0; epoch < s.epochs; ++epoch) {
      const std::vector<int64_t> order = shuffled_walk_order(walks.num_walks, options.seed, epoch);
      Progress epoch_progress = progress;
      epoch_progress.report = [&](const std::string& phase, int64_t done, int64_t total) {
        progress.update(phase, epoch * total + done, s.epochs * total);
      };
      parallel_for_chunks(
          walks.num_walks, kWalksPerChunk, options.threads, epoch_progress, "train",
          [&](int64_t begin, int64_t end) {
            // Seeded by position, not by thread: the same pairs and negatives
            // whatever the thread count (only Hogwild's races differ).
            Rng rng(options.seed, (static_cast<uint64_t>(epoch) << 40) + begin);
            std::vector<float> gradient(s.dimension);
            std::vector<float*> targets(s.negatives + 1);
            int64_t pairs = 0, sampled = 0;
            double sampled_loss = 0;
            float lr = 0;
            for (int64_t i = begin; i < end; ++i) {
              const NodeId* walk = walks.walk(order[i]);
              const int64_t length = walk_length_of(walk, walks.walk_length);
              lr = static_cast<float>(learning_rate_at(s, tokens_done.load() / total_tokens));
              for (int64_t position = 0; position < length; ++position) {
                const int64_t reach =
                    s.dynamic_window ? 1 + static_cast<int64_t>(rng.below(s.window)) : s.window;
                const int64_t first = std::max<int64_t>(0, position - reach);
                const int64_t last = std::min<int64_t>(length - 1, position + reach);
                float* center = input.row(walk[position]);
                for (int64_t j = first; j <= last; ++j) {
                  if (j == position) continue;
                  targets[0] = output.row(walk[j]);
                  for (int64_t n = 1; n <= s.negatives; ++n) {
                    targets[n] = output.row(negatives->sample(rng));
                  }
                  const bool want_loss = (pairs & kLossSampleMask) == 0;
                  sampled_loss += sgns_update(center, targets.data(), s.negatives + 1, s.dimension,
                                              lr, want_loss, gradient.data());
                  sampled += want_loss;
                  ++pairs;
                }
              }
              tokens_done.fetch_add(length, std::memory_order_relaxed);
            }
            log.add(pairs, sampled, sampled_loss, lr);
          });
    }
    log.finish(learning_rate_at(s, 1.0));
    summary.pairs = log.pairs();
    summary.steps = log.pairs() / s.batch_size;
    summary.final_loss = log.last_loss();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return input;
  }
};

}  // namespace

std::unique_ptr<Trainer> make_fused_cpu_trainer() { return std::make_unique<FusedCpuTrainer>(); }

}  // namespace wb
