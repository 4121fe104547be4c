#include "train/torch_batches.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "core/errors.h"
#include "train/pair_batcher.h"

namespace wb {
namespace {

// Each epoch draws its negatives (and, on the device, its walk order and
// windows) from a stream of its own, so a run resumed from an epoch's
// checkpoint draws what the uninterrupted run drew.
uint64_t epoch_stream(int64_t epoch) {
  return mix64(0x746f726368ULL + static_cast<uint64_t>(epoch));
}

// Pairs pooled for shuffling: shuffle_batches batches, but no more than
// 2^24 pairs, as very large batches already span hundreds of walks.
int64_t pool_pairs(const TrainSection& s) {
  return s.batch_size *
         std::max<int64_t>(1, std::min(s.shuffle_batches, (int64_t{1} << 24) / s.batch_size));
}

// A copy on `device`: from_blob(...).to(kCPU) alone would alias `values`.
at::Tensor to_index_tensor(const std::vector<int64_t>& values, const at::Device& device) {
  return at::from_blob(const_cast<int64_t*>(values.data()), {static_cast<int64_t>(values.size())},
                       at::kLong)
      .to(device, /*non_blocking=*/false, /*copy=*/true);
}

// The reference pairs: PairBatcher's, pooled shuffle_batches batches at a
// time and shuffled; negatives drawn on the host.
class HostBatchSource : public TorchBatchSource {
 public:
  HostBatchSource(const TrainSection& settings, const NegativeSampler& sampler,
                  const at::Device& device, uint64_t seed)
      : s_(settings), sampler_(sampler), device_(device), seed_(seed), rng_(seed, 0) {}

  void start_epoch(const Walks& walks, int64_t epoch) override {
    batcher_ = std::make_unique<PairBatcher>(walks, s_.window, s_.dynamic_window, seed_, epoch);
    rng_ = Rng(seed_, epoch_stream(epoch));
    pool_.clear();
    pool_next_ = 0;
    tokens_before_pool_ = 0;
  }

  bool next(StepInputs& inputs) override {
    if (pool_next_ >= pool_.size() && !refill_pool()) return false;
    const int64_t count = std::min(s_.batch_size, pool_.size() - pool_next_);
    batch_.clear();
    batch_.centers.assign(pool_.centers.begin() + pool_next_,
                          pool_.centers.begin() + pool_next_ + count);
    batch_.contexts.assign(pool_.contexts.begin() + pool_next_,
                           pool_.contexts.begin() + pool_next_ + count);
    pool_next_ += count;
    inputs.centers = to_index_tensor(batch_.centers, device_);
    if (s_.negative_sharing == "batch") {
      // Chunk i of C pairs shares C negatives: ceil(B / C) * C draws per batch.
      const int64_t chunk = s_.negative_chunk;
      const int64_t chunks = (batch_.size() + chunk - 1) / chunk;
      draws_.resize(static_cast<size_t>(chunks * chunk));
      for (int64_t& node : draws_) node = sampler_.sample(rng_);
      inputs.targets = to_index_tensor(batch_.contexts, device_);
      inputs.shared_negatives = to_index_tensor(draws_, device_);
    } else {
      const int64_t k = s_.negatives;
      draws_.resize(static_cast<size_t>(batch_.size() * (k + 1)));
      size_t i = 0;
      for (int64_t pair = 0; pair < batch_.size(); ++pair) {
        draws_[i++] = batch_.contexts[pair];
        for (int64_t n = 0; n < k; ++n) draws_[i++] = sampler_.sample(rng_);
      }
      inputs.targets = to_index_tensor(draws_, device_).view({batch_.size(), -1});
    }
    return true;
  }

  // The pool's tokens count as done in proportion to the pairs handed out.
  double epoch_fraction_done() const override {
    if (batcher_->tokens_total() == 0) return 1.0;
    double tokens = static_cast<double>(batcher_->tokens_done());
    if (pool_.size() > 0) {
      const double pool_tokens = tokens - static_cast<double>(tokens_before_pool_);
      tokens -= pool_tokens * static_cast<double>(pool_.size() - pool_next_) /
                static_cast<double>(pool_.size());
    }
    return tokens / static_cast<double>(batcher_->tokens_total());
  }

 private:
  bool refill_pool() {
    tokens_before_pool_ = batcher_->tokens_done();
    pool_next_ = 0;
    if (!batcher_->next(pool_pairs(s_), pool_)) return false;
    for (int64_t i = pool_.size() - 1; i > 0; --i) {
      const auto j = static_cast<int64_t>(rng_.below(static_cast<uint64_t>(i + 1)));
      std::swap(pool_.centers[i], pool_.centers[j]);
      std::swap(pool_.contexts[i], pool_.contexts[j]);
    }
    return true;
  }

  const TrainSection s_;  // a copy: callers may pass a temporary
  const NegativeSampler& sampler_;
  at::Device device_;
  uint64_t seed_;
  Rng rng_;  // pool shuffles and negatives, a stream per epoch
  std::unique_ptr<PairBatcher> batcher_;
  PairBatch pool_;  // shuffled pairs of the next few batches
  int64_t pool_next_ = 0;
  int64_t tokens_before_pool_ = 0;
  PairBatch batch_;
  std::vector<int64_t> draws_;
};

// Pairs and negatives made on the device. A pool takes the next walks (in a
// random order per epoch), keeps for every position the contexts within its
// random window (the same pairs PairBatcher emits) and shuffles them; steps
// take batch_size pairs of it at a time.
class DeviceBatchSource : public TorchBatchSource {
 public:
  DeviceBatchSource(const TrainSection& settings, const NegativeSampler& sampler,
                    const at::Device& device, uint64_t seed)
      : s_(settings), device_(device), seed_(seed), generator_(make_generator(device)) {
    const NegativeTable table = sampler.table();
    num_nodes_ = table.num_nodes;
    if (table.size > 0) {
      probability_ = at::from_blob(const_cast<float*>(table.probability), {table.size}, at::kFloat)
                         .to(device, /*non_blocking=*/false, /*copy=*/true);
      alias_ = at::from_blob(const_cast<int32_t*>(table.alias), {table.size}, at::kInt)
                   .to(device, at::kLong);
    }
    // Offsets -window..-1, 1..window.
    std::vector<int64_t> offsets;
    for (int64_t o = -s_.window; o <= s_.window; ++o) {
      if (o != 0) offsets.push_back(o);
    }
    offsets_ = to_index_tensor(offsets, device).view({1, 1, -1});
  }

  void start_epoch(const Walks& walks, int64_t epoch) override {
    {
      std::lock_guard<std::mutex> lock(generator_.mutex());
      generator_.set_current_seed(mix64(seed_ ^ epoch_stream(epoch)));
    }
    length_ = walks.walk_length;
    walks_ = at::from_blob(const_cast<NodeId*>(walks.nodes.data()),
                           {walks.num_walks, walks.walk_length}, at::kInt)
                 .to(device_, at::kLong);
    order_ =
        at::randperm(walks.num_walks, generator_, at::TensorOptions(at::kLong).device(device_));
    positions_ = at::arange(length_, at::TensorOptions(at::kLong).device(device_)).view({1, -1, 1});
    // A walk gives about walk_length * (window + 1) pairs with word2vec's
    // shrinking windows: a pool takes as many walks as fill its pairs.
    const int64_t pairs_per_walk = std::max<int64_t>(1, length_ * (s_.window + 1));
    walks_per_pool_ = std::max<int64_t>(1, pool_pairs(s_) / pairs_per_walk);
    pool_next_ = pool_size_ = pool_walks_ = 0;
    next_walk_ = 0;
  }

  bool next(StepInputs& inputs) override {
    while (pool_next_ >= pool_size_) {
      if (next_walk_ >= order_.size(0)) return false;
      refill_pool();
    }
    const int64_t count = std::min(s_.batch_size, pool_size_ - pool_next_);
    inputs.centers = pool_centers_.narrow(0, pool_next_, count);
    inputs.targets = pool_contexts_.narrow(0, pool_next_, count);
    pool_next_ += count;
    add_negatives(inputs);
    return true;
  }

  // The pool's walks count as done in proportion to the pairs handed out.
  double epoch_fraction_done() const override {
    if (order_.size(0) == 0) return 1.0;
    double walks = static_cast<double>(next_walk_);
    if (pool_size_ > 0) {
      walks -= static_cast<double>(pool_walks_) * static_cast<double>(pool_size_ - pool_next_) /
               static_cast<double>(pool_size_);
    }
    return walks / static_cast<double>(order_.size(0));
  }

 private:
  // Seeded by start_epoch, from the run's seed and the epoch.
  static at::Generator make_generator(const at::Device& device) {
    if (!device.is_cuda()) return at::detail::createCPUGenerator();
    // The device's default generator: a fresh CUDA generator would need the
    // CUDA headers here.
    return at::globalContext().defaultGenerator(device);
  }

  // The pairs of the next walks_per_pool_ walks, in a random order.
  void refill_pool() {
    const int64_t count = std::min(walks_per_pool_, order_.size(0) - next_walk_);
    const at::Tensor block = walks_.index_select(0, order_.narrow(0, next_walk_, count));
    next_walk_ += count;
    pool_walks_ = count;
    pairs_of(block, pool_centers_, pool_contexts_);
    const at::Tensor shuffle = at::randperm(pool_centers_.size(0), generator_,
                                            at::TensorOptions(at::kLong).device(device_));
    pool_centers_ = pool_centers_.index_select(0, shuffle);
    pool_contexts_ = pool_contexts_.index_select(0, shuffle);
    pool_next_ = 0;
    pool_size_ = pool_centers_.size(0);
  }

  // Every (center, context) pair of the block's walks: contexts at offsets
  // within the center's window (1..window, shrunk at random per position when
  // dynamic_window), both nodes real (walks end early at dead ends or after
  // sub-sampling).
  void pairs_of(const at::Tensor& block, at::Tensor& centers_out, at::Tensor& contexts_out) {
    const auto options = at::TensorOptions(at::kLong).device(device_);
    const int64_t walks = block.size(0);
    const at::Tensor reach =
        s_.dynamic_window ? at::randint(1, s_.window + 1, {walks, length_, 1}, generator_, options)
                          : at::full({walks, length_, 1}, s_.window, options);
    const at::Tensor where = positions_ + offsets_;  // [1, L, 2W]
    const at::Tensor inside = (where >= 0) & (where < length_);
    const int64_t span = offsets_.size(2);
    const at::Tensor context_index = where.clamp(0, length_ - 1).view({1, -1}).expand({walks, -1});
    const at::Tensor centers = block.unsqueeze(2).expand({walks, length_, span});
    const at::Tensor contexts = block.gather(1, context_index).view({walks, length_, span});
    const at::Tensor keep = inside & (offsets_.abs() <= reach) & (centers >= 0) & (contexts >= 0);
    centers_out = centers.masked_select(keep);
    contexts_out = contexts.masked_select(keep);
  }

  at::Tensor draw_negatives(int64_t count) {
    const auto options = at::TensorOptions(at::kLong).device(device_);
    if (!probability_.defined()) return at::randint(0, num_nodes_, {count}, generator_, options);
    const at::Tensor slot = at::randint(0, probability_.size(0), {count}, generator_, options);
    const at::Tensor coin =
        at::rand({count}, generator_, at::TensorOptions(at::kFloat).device(device_));
    return at::where(coin < probability_.index_select(0, slot), slot, alias_.index_select(0, slot));
  }

  void add_negatives(StepInputs& inputs) {
    const int64_t pairs = inputs.centers.size(0);
    if (s_.negative_sharing == "batch") {
      const int64_t chunk = s_.negative_chunk;
      inputs.shared_negatives = draw_negatives((pairs + chunk - 1) / chunk * chunk);
      return;
    }
    const at::Tensor negatives = draw_negatives(pairs * s_.negatives).view({pairs, s_.negatives});
    inputs.targets = at::cat({inputs.targets.unsqueeze(1), negatives}, 1);
  }

  const TrainSection s_;  // a copy: callers may pass a temporary
  at::Device device_;
  uint64_t seed_;
  at::Generator generator_;  // reseeded each epoch
  int64_t num_nodes_ = 0;
  at::Tensor probability_, alias_;  // the unigram alias table; undefined: uniform
  at::Tensor offsets_;              // [1, 1, 2 * window]
  at::Tensor walks_;                // [walks, length], kNoNode = -1
  at::Tensor order_;                // this epoch's walk order
  at::Tensor positions_;            // [1, length, 1]
  int64_t length_ = 0;
  int64_t walks_per_pool_ = 1;
  int64_t next_walk_ = 0;
  at::Tensor pool_centers_, pool_contexts_;  // shuffled pairs of the pool's walks
  int64_t pool_next_ = 0, pool_size_ = 0, pool_walks_ = 0;
};

}  // namespace

std::unique_ptr<TorchBatchSource> make_torch_batch_source(const std::string& batching,
                                                          const TrainSection& settings,
                                                          const NegativeSampler& sampler,
                                                          const at::Device& device, uint64_t seed) {
  const bool on_device = batching == "device" || (batching == "auto" && device.is_cuda());
  if (on_device) return std::make_unique<DeviceBatchSource>(settings, sampler, device, seed);
  if (batching != "host" && batching != "auto") {
    throw ConfigError("train.batching: unknown value \"" + batching + "\"");
  }
  return std::make_unique<HostBatchSource>(settings, sampler, device, seed);
}

}  // namespace wb
