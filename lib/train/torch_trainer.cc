// The reference trainer: skip-gram with negative sampling written with LibTorch
// autograd. Only the rows a batch touches are gathered and updated (sparse
// SGD), so each step costs O(batch) whatever the number of nodes. Optional
// autocast (bf16, or fp16 with dynamic loss scaling) runs the scoring as
// batched matrix products in half precision while the tables stay fp32; with
// negative_sharing = "batch" those products are large enough for tensor cores.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>

#include <chrono>
#include <cmath>

#include "core/errors.h"
#include "core/random.h"
#include "train/initialization.h"
#include "train/loss_scaler.h"
#include "train/negative_sampler.h"
#include "train/torch_batches.h"
#include "train/trainer.h"

namespace wb {
namespace {

class AutocastScope {
 public:
  AutocastScope(const std::string& amp, at::DeviceType device) : device_(device) {
    if (amp == "off") return;
    active_ = true;
    previous_enabled_ = at::autocast::is_autocast_enabled(device);
    previous_dtype_ = at::autocast::get_autocast_dtype(device);
    at::autocast::set_autocast_dtype(device, amp == "fp16" ? at::kHalf : at::kBFloat16);
    at::autocast::set_autocast_enabled(device, true);
  }
  ~AutocastScope() {
    if (!active_) return;
    at::autocast::set_autocast_enabled(device_, previous_enabled_);
    at::autocast::set_autocast_dtype(device_, previous_dtype_);
    at::autocast::clear_cache();
  }

 private:
  at::DeviceType device_;
  bool active_ = false;
  bool previous_enabled_ = false;
  at::ScalarType previous_dtype_ = at::kFloat;
};

class TorchTrainer : public Trainer {
 public:
  Matrix train(const Walks& walks, int64_t num_nodes, const TrainOptions& options,
               Recorder& recorder, const Progress& progress, TrainSummary& summary) override {
    const TrainSection& s = options.settings;
    require_stored_walks(walks, "the torch trainer");
    at::set_num_threads(options.threads);
    const at::Device device(options.device == "cuda" ? at::kCUDA : at::kCPU);
    auto negatives = make_negative_sampler(s.negative_sampler);
    negatives->prepare(walks, num_nodes, s.negative_exponent);
    const NodeSubsampler subsampler = make_node_subsampler(walks, num_nodes, s, recorder);

    Matrix initial = initial_input_embeddings(num_nodes, s.dimension, options.seed);
    Matrix initial_output(num_nodes, s.dimension);
    const CheckpointKey key{"torch", num_nodes, s.dimension, options.seed};
    LossScaleState resumed_scale;
    const int64_t first_epoch =
        resume_from_checkpoint(options, key, initial, initial_output, recorder, &resumed_scale);
    // from_blob does not own the matrices: clone (CPU) or copy to the device.
    input_ = at::from_blob(initial.values.data(), {num_nodes, s.dimension}, at::kFloat)
                 .to(device, /*non_blocking=*/false, /*copy=*/true);
    output_ = at::from_blob(initial_output.values.data(), {num_nodes, s.dimension}, at::kFloat)
                  .to(device, /*non_blocking=*/false, /*copy=*/true);
    // +1 for the positive column, -1 for the negatives: log sigmoid(sign * score).
    signs_ = at::full({1, s.negatives + 1}, -1.0f, at::TensorOptions(at::kFloat).device(device));
    signs_.index_put_({0, 0}, 1.0f);
    LossScaler scaler(s.amp == "fp16");
    scaler.restore(resumed_scale);
    const bool shared = s.negative_sharing == "batch";

    const auto started = std::chrono::steady_clock::now();
    auto batches = make_torch_batch_source(s.batching, s, *negatives, device, options.seed);
    StepInputs inputs;
    at::Tensor interval_loss = at::zeros({}, at::TensorOptions(at::kDouble).device(device));
    int64_t interval_pairs = 0;
    const int64_t total_tokens = walks.tokens() * s.epochs;
    for (int64_t epoch = first_epoch; epoch < s.epochs; ++epoch) {
      // Sub-sampling draws again each epoch, as word2vec does.
      Walks kept_walks;
      batches->start_epoch(subsampler.epoch_walks(walks, options.seed, epoch, kept_walks), epoch);
      while (batches->next(inputs)) {
        if (progress.stopping()) {
          // A step is atomic here: the tables hold every finished step.
          if (options.checkpoint.enabled()) {
            save_checkpoint(options.checkpoint.path, key,
                            {epoch, to_matrix(input_), to_matrix(output_), scaler.state()});
          }
          throw Interrupted();
        }
        const double fraction_done =
            (static_cast<double>(epoch) + batches->epoch_fraction_done()) / s.epochs;
        const auto tokens_done = static_cast<int64_t>(fraction_done * total_tokens);
        const double lr = learning_rate_at(s, fraction_done);
        const int64_t batch_pairs = inputs.centers.size(0);
        const at::Tensor loss = shared ? shared_step(inputs, lr, s, device.type(), scaler)
                                       : step(inputs, lr, s.amp, device.type(), scaler);
        interval_loss += loss;
        interval_pairs += batch_pairs;
        summary.pairs += batch_pairs;
        ++summary.steps;
        if (summary.steps % s.log_every == 0) {
          summary.final_loss =
              record_loss(recorder, summary.steps, lr, interval_loss, interval_pairs, s.negatives);
          interval_loss.zero_();
          interval_pairs = 0;
        }
        progress.update("train", tokens_done, total_tokens);
      }
      if (options.checkpoint.due_after(epoch)) {
        save_checkpoint(options.checkpoint.path, key,
                        {epoch + 1, to_matrix(input_), to_matrix(output_), scaler.state()});
      }
    }
    if (interval_pairs > 0) {
      summary.final_loss = record_loss(recorder, summary.steps, learning_rate_at(s, 1.0),
                                       interval_loss, interval_pairs, s.negatives);
    }
    summary.skipped_steps = scaler.skipped_steps();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return to_matrix(input_);
  }

 private:
  // Negatives shared by a chunk of C pairs (PyTorch-BigGraph's batching):
  // every center is scored against all C of its chunk's negatives with one
  // batched matrix product, [C, d] x [d, C] per chunk, which autocast runs on
  // tensor cores. Each score counts k / C so the loss and its gradient keep
  // the scale of k independent negatives per pair.
  at::Tensor shared_step(const StepInputs& in, double lr, const TrainSection& s,
                         at::DeviceType device, LossScaler& scaler) {
    const int64_t dimension = input_.size(1);
    const int64_t pairs = in.centers.size(0);
    const int64_t chunk = s.negative_chunk;
    const int64_t chunks = in.shared_negatives.size(0) / chunk;
    const int64_t padding = chunks * chunk - pairs;
    at::Tensor center_rows = input_.index_select(0, in.centers).requires_grad_();
    at::Tensor context_rows = output_.index_select(0, in.targets).requires_grad_();
    at::Tensor negative_rows = output_.index_select(0, in.shared_negatives).requires_grad_();
    at::Tensor loss;
    {
      AutocastScope autocast(s.amp, device);
      const at::Tensor positive = (center_rows * context_rows).sum(1);
      const at::Tensor padded = at::constant_pad_nd(center_rows, {0, 0, 0, padding});
      const at::Tensor negative =
          at::bmm(padded.view({chunks, chunk, dimension}),
                  negative_rows.view({chunks, chunk, dimension}).transpose(1, 2));
      at::Tensor negative_loss = -at::log_sigmoid(-negative.to(at::kFloat)).sum(2).view({-1});
      if (padding > 0) negative_loss = negative_loss.narrow(0, 0, pairs);
      loss = -at::log_sigmoid(positive.to(at::kFloat)).sum() +
             negative_loss.sum() * (static_cast<double>(s.negatives) / chunk);
    }
    (scaler.enabled() ? loss * scaler.scale() : loss).backward();
    at::Tensor center_grad = center_rows.grad();
    at::Tensor context_grad = context_rows.grad();
    at::Tensor negative_grad = negative_rows.grad();
    at::NoGradGuard no_grad;
    if (scaler.enabled()) {
      const double inverse = 1.0 / scaler.scale();
      center_grad.mul_(inverse);
      context_grad.mul_(inverse);
      negative_grad.mul_(inverse);
      const bool finite = center_grad.isfinite().all().item<bool>() &&
                          context_grad.isfinite().all().item<bool>() &&
                          negative_grad.isfinite().all().item<bool>();
      if (!scaler.update(finite)) return at::zeros({}, loss.options().dtype(at::kDouble));
    }
    input_.index_add_(0, in.centers, center_grad, -lr);
    output_.index_add_(0, in.targets, context_grad, -lr);
    output_.index_add_(0, in.shared_negatives, negative_grad, -lr);
    return loss.detach().to(at::kDouble);
  }

  // One SGD step on a batch; returns the summed loss (a device scalar, so the
  // GPU is not synchronised every step).
  at::Tensor step(const StepInputs& in, double lr, const std::string& amp, at::DeviceType device,
                  LossScaler& scaler) {
    const int64_t dimension = input_.size(1);
    const at::Tensor flat_targets = in.targets.flatten();
    at::Tensor center_rows = input_.index_select(0, in.centers).requires_grad_();
    at::Tensor target_rows = output_.index_select(0, flat_targets)
                                 .view({in.targets.size(0), in.targets.size(1), dimension})
                                 .requires_grad_();
    at::Tensor loss;
    {
      AutocastScope autocast(amp, device);
      const at::Tensor scores = at::bmm(target_rows, center_rows.unsqueeze(2)).squeeze(2);
      loss = -at::log_sigmoid(scores.to(at::kFloat) * signs_).sum();
    }
    (scaler.enabled() ? loss * scaler.scale() : loss).backward();
    at::Tensor center_grad = center_rows.grad();
    at::Tensor target_grad = target_rows.grad().view({-1, dimension});
    at::NoGradGuard no_grad;
    if (scaler.enabled()) {
      const double inverse = 1.0 / scaler.scale();
      center_grad.mul_(inverse);
      target_grad.mul_(inverse);
      const bool finite =
          center_grad.isfinite().all().item<bool>() && target_grad.isfinite().all().item<bool>();
      if (!scaler.update(finite)) return at::zeros({}, loss.options().dtype(at::kDouble));
    }
    input_.index_add_(0, in.centers, center_grad, -lr);
    output_.index_add_(0, flat_targets, target_grad, -lr);
    return loss.detach().to(at::kDouble);
  }

  static double record_loss(Recorder& recorder, int64_t step, double lr,
                            const at::Tensor& interval_loss, int64_t interval_pairs,
                            int64_t negatives) {
    const double mean = interval_loss.item<double>() / static_cast<double>(interval_pairs);
    throw_if_diverged(mean, negatives, step);
    recorder.metric("train/loss", step, mean);
    recorder.metric("train/learning_rate", step, lr);
    return mean;
  }

  static Matrix to_matrix(const at::Tensor& table) {
    const at::Tensor cpu = table.to(at::kCPU).contiguous();
    Matrix matrix(cpu.size(0), cpu.size(1));
    std::copy(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel(), matrix.values.begin());
    return matrix;
  }

  at::Tensor input_;
  at::Tensor output_;
  at::Tensor signs_;
};

}  // namespace

std::unique_ptr<Trainer> make_torch_trainer() { return std::make_unique<TorchTrainer>(); }

}  // namespace wb
