#pragma once
// Where the LibTorch trainer's batches come from. "host": PairBatcher walks
// the corpus pair by pair on one CPU thread and negatives are drawn there,
// then each batch is copied to the device (the reference order). "device":
// the epoch's walks live on the training device and every batch — pairs and
// negatives — is made there by a few tensor operations, so a GPU step never
// waits for the host to assemble its input.
#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "config/experiment_config.h"
#include "train/negative_sampler.h"
#include "walk/walk_sampler.h"

namespace wb {

struct StepInputs {
  at::Tensor centers;  // [B]
  at::Tensor targets;  // [B, 1 + K]: the context, then K negatives; or, shared, [B] contexts
  at::Tensor shared_negatives;  // shared: [chunks * C], chunk i's C negatives serve its C pairs
};

class TorchBatchSource {
 public:
  virtual ~TorchBatchSource() = default;
  // Starts epoch `epoch` over `walks` (after sub-sampling), which must stay
  // alive until the next call.
  virtual void start_epoch(const Walks& walks, int64_t epoch) = 0;
  // The next batch of the epoch; false once it is exhausted.
  virtual bool next(StepInputs& inputs) = 0;
  // How much of the epoch the batches so far covered, in [0, 1].
  virtual double epoch_fraction_done() const = 0;
};

// "host" or "device" (see above); "auto" is "device" on CUDA and "host"
// otherwise. `sampler` must outlive the source; `settings` is copied.
std::unique_ptr<TorchBatchSource> make_torch_batch_source(const std::string& batching,
                                                          const TrainSection& settings,
                                                          const NegativeSampler& sampler,
                                                          const at::Device& device, uint64_t seed);

}  // namespace wb
