// The fused CPU trainer: word2vec-style Hogwild SGD. Each thread walks its own
// chunks of walks and, for every (center, context) pair, does the forward,
// backward and update of the center, the context and k negatives in one pass
// over the rows (sgns_kernel.cc), with no batching and no allocation. It reads
// the walks through WalkReader, so a corpus too large to keep can be drawn
// again as it is read (walk.storage = "regenerate").
#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>

#include "core/errors.h"
#include "core/huge_pages.h"
#include "core/parallel.h"
#include "train/initialization.h"
#include "train/negative_sampler.h"
#include "train/sgns_kernel.h"
#include "train/sgns_schedule.h"
#include "train/trainer.h"

namespace wb {
namespace {

constexpr int64_t kWalksPerChunk = 32;
// A corpus in a file is visited a block of about this many bytes at a time.
constexpr int64_t kFileBlockBytes = int64_t{2} << 20;

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
    throw_if_diverged(mean, settings_.negatives, step);
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

// The rows one center position trains, drawn from the same streams as the
// CUDA kernels draw them (sgns_schedule.h).
class CenterUpdater {
 public:
  CenterUpdater(const TrainSection& settings, const NegativeTable& negatives,
                const NodeSubsampler& subsampler, Matrix& input, Matrix& output)
      : s_(settings),
        negatives_(negatives),
        subsampler_(subsampler),
        input_(input),
        output_(output),
        shared_(settings.negative_sharing == "window"),
        gradient_(settings.dimension),
        targets_(2 * settings.window * (settings.negatives + 1)),
        contexts_(2 * settings.window),
        shared_negatives_(settings.negatives) {}

  // Trains every center of walk `walk_id`, `length` nodes of a corpus whose
  // walks hold walk_length (after sub-sampling, when on); returns the pairs
  // trained and adds those that measured the loss to `sampled`.
  int64_t train_walk(const NodeId* walk, int64_t length, int64_t walk_length, int64_t walk_id,
                     int64_t epoch, uint64_t seed, float lr, int64_t& sampled, double& loss) {
    if (subsampler_.enabled()) {
      kept_.resize(walk_length);
      length =
          subsampler_.filter(walk, length, seed, subsample_stream(epoch, walk_id), kept_.data());
      walk = kept_.data();
    }
    int64_t pairs = 0;
    for (int64_t position = 0; position < length; ++position) {
      const uint64_t stream = center_stream(epoch, walk_id, walk_length, position);
      const int64_t trained = update(walk, length, position, seed, stream, lr, loss);
      pairs += trained;
      if (measures_loss(position)) sampled += trained;
    }
    return pairs;
  }

  // Trains every pair of the center at `position`; returns the pairs trained.
  int64_t update(const NodeId* walk, int64_t length, int64_t position, uint64_t seed,
                 uint64_t stream, float lr, double& loss) {
    Rng rng = center_rng(seed, stream);
    const int64_t reach =
        s_.dynamic_window ? 1 + static_cast<int64_t>(rng.below(s_.window)) : s_.window;
    const int64_t first = std::max<int64_t>(0, position - reach);
    const int64_t last = std::min<int64_t>(length - 1, position + reach);
    const bool want_loss = measures_loss(position);
    float* center = input_.row(walk[position]);
    const int64_t k = s_.negatives;
    const TargetDraws draws(seed, stream);
    auto negative = [&](int64_t target) { return output_.row(negatives_.sample(draws, target)); };
    int64_t pairs = 0;
    if (shared_) {
      for (int64_t j = first; j <= last; ++j) {
        if (j != position) contexts_[pairs++] = output_.row(walk[j]);
      }
      for (int64_t n = 0; n < k; ++n) shared_negatives_[n] = negative(pairs + n);
      loss += sgns_window_update(center, contexts_.data(), pairs, shared_negatives_.data(), k,
                                 s_.dimension, lr, want_loss, gradient_.data());
      return pairs;
    }
    // Every pair's rows are resolved first; then, while one pair trains, the
    // next pair's rows are prefetched: they are random rows, so each pair
    // would otherwise wait on memory.
    for (int64_t j = first; j <= last; ++j) {
      if (j == position) continue;
      float** targets = &targets_[pairs * (k + 1)];
      targets[0] = output_.row(walk[j]);
      for (int64_t n = 1; n <= k; ++n) targets[n] = negative(pairs * (k + 1) + n);
      ++pairs;
    }
    for (int64_t pair = 0; pair < pairs; ++pair) {
      if (pair + 1 < pairs) prefetch_rows(&targets_[(pair + 1) * (k + 1)], k + 1, s_.dimension);
      loss += sgns_update(center, &targets_[pair * (k + 1)], k + 1, s_.dimension, lr, want_loss,
                          gradient_.data());
    }
    return pairs;
  }

 private:
  const TrainSection& s_;
  const NegativeTable& negatives_;
  const NodeSubsampler& subsampler_;
  Matrix& input_;
  Matrix& output_;
  const bool shared_;  // negatives shared by the window: decided once, not per center
  std::vector<float> gradient_;
  std::vector<float*> targets_;
  std::vector<float*> contexts_;
  std::vector<float*> shared_negatives_;
  std::vector<NodeId> kept_;  // the walk after sub-sampling
};

class FusedCpuTrainer : public Trainer {
 public:
  Matrix train(const Walks& walks, int64_t num_nodes, const TrainOptions& options,
               Recorder& recorder, const Progress& progress, TrainSummary& summary) override {
    const TrainSection& s = options.settings;
    auto negative_sampler = make_negative_sampler(s.negative_sampler);
    negative_sampler->prepare(walks, num_nodes, s.negative_exponent);
    const NegativeTable negatives = negative_sampler->table();
    const NodeSubsampler subsampler = make_node_subsampler(walks, num_nodes, s, recorder);
    Matrix input = initial_input_embeddings(num_nodes, s.dimension, options.seed);
    Matrix output(num_nodes, s.dimension);
    for (Matrix* table : {&input, &output}) {
      prefer_huge_pages(table->values.data(), table->values.size() * sizeof(float));
    }
    const LearningRateSchedule schedule{s.learning_rate, s.final_learning_rate_fraction,
                                        s.lr_schedule == "linear"};
    const int64_t walks_total = walks.num_walks * s.epochs;
    const int threads = s.deterministic ? 1 : options.threads;
    const int64_t tokens_per_epoch = walks.tokens();
    const CheckpointKey key{"fused", num_nodes, s.dimension, options.seed};
    const int64_t first_epoch = resume_from_checkpoint(options, key, input, output, recorder);
    const int64_t block_walks =
        walks.in_file()
            ? std::max<int64_t>(1, kFileBlockBytes / (walks.walk_length * sizeof(NodeId)))
            : 1;
    LossLog log(recorder, s);
    const auto started = std::chrono::steady_clock::now();

    for (int64_t epoch = first_epoch; epoch < s.epochs; ++epoch) {
      const BlockedWalkOrder order(walks.num_walks, block_walks, options.seed, epoch);
      Progress epoch_progress = progress;
      // Reported in tokens, like the torch trainer: walks done scaled by tokens per walk.
      epoch_progress.report = [&](const std::string& phase, int64_t done, int64_t total) {
        const double tokens_per_walk = static_cast<double>(tokens_per_epoch) / total;
        progress.update(phase, static_cast<int64_t>((epoch * total + done) * tokens_per_walk),
                        s.epochs * tokens_per_epoch);
      };
      try {
        parallel_for_chunks(
            walks.num_walks, kWalksPerChunk, threads, epoch_progress, "train",
            [&](int64_t begin, int64_t end) {
              CenterUpdater updater(s, negatives, subsampler, input, output);
              WalkReader reader(walks);
              int64_t pairs = 0, sampled = 0;
              double sampled_loss = 0;
              float lr = 0;
              int64_t ids[kWalkBatch];
              for (int64_t first = begin; first < end; first += kWalkBatch) {
                const int64_t count = std::min(kWalkBatch, end - first);
                for (int64_t i = 0; i < count; ++i) ids[i] = order(first + i);
                reader.load(ids, count);
                for (int64_t i = 0; i < count; ++i) {
                  lr = schedule.at(epoch * walks.num_walks + first + i, walks_total);
                  int64_t length = 0;
                  const NodeId* walk = reader.walk(i, length);
                  pairs += updater.train_walk(walk, length, walks.walk_length, ids[i], epoch,
                                              options.seed, lr, sampled, sampled_loss);
                }
              }
              log.add(pairs, sampled, sampled_loss, lr);
            });
      } catch (const Interrupted&) {
        // The workers have stopped: the tables are consistent, the epoch is not done.
        if (options.checkpoint.enabled()) {
          save_checkpoint(options.checkpoint.path, key, {epoch, input, output, {}});
        }
        throw;
      }
      if (options.checkpoint.due_after(epoch)) {
        save_checkpoint(options.checkpoint.path, key, {epoch + 1, input, output, {}});
      }
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
