#include "train/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/errors.h"
#include "core/memory_size.h"
#include "core/registry.h"

namespace wb {

std::unique_ptr<Trainer> make_torch_trainer();
std::unique_ptr<Trainer> make_fused_cpu_trainer();
std::unique_ptr<Trainer> make_fused_cuda_trainer();
std::unique_ptr<Trainer> make_external_trainer();

namespace {

// "fused" names one algorithm with a kernel per device.
class FusedTrainer : public Trainer {
 public:
  Matrix train(const Walks& walks, int64_t num_nodes, const TrainOptions& options,
               Recorder& recorder, const Progress& progress, TrainSummary& summary) override {
    auto trainer = options.device == "cuda" ? make_fused_cuda_trainer() : make_fused_cpu_trainer();
    return trainer->train(walks, num_nodes, options, recorder, progress, summary);
  }
  // The GPU kernels read a corpus uploaded whole.
  bool reads_regenerated_walks(const TrainOptions& options) const override {
    return options.device != "cuda";
  }
};

std::unique_ptr<Trainer> make_fused_trainer() { return std::make_unique<FusedTrainer>(); }

const Registry<Trainer>& registry() {
  static const Registry<Trainer> trainers("train.trainer", {{"torch", make_torch_trainer},
                                                            {"fused", make_fused_trainer},
                                                            {"external", make_external_trainer}});
  return trainers;
}

}  // namespace

std::vector<std::string> trainer_names() { return registry().names(); }

std::unique_ptr<Trainer> make_trainer(const std::string& name) { return registry().make(name); }

void require_stored_walks(const Walks& walks, const std::string& trainer) {
  if (!walks.regenerated()) return;
  throw ConfigError("walk.storage: " + trainer +
                    " reads stored walks; set walk.storage to \"memory\" or \"file\" "
                    "(\"regenerate\" is for train.trainer = \"fused\" on the CPU)");
}

int64_t resume_from_checkpoint(const TrainOptions& options, const CheckpointKey& key, Matrix& input,
                               Matrix& output, Recorder& recorder, LossScaleState* loss_scale) {
  if (!options.checkpoint.resume) return 0;
  auto checkpoint = load_checkpoint(options.checkpoint.path, key);
  if (!checkpoint) return 0;
  input = std::move(checkpoint->input);
  output = std::move(checkpoint->output);
  if (loss_scale != nullptr) *loss_scale = checkpoint->loss_scale;
  if (checkpoint->epochs_done > 0) {
    recorder.score("train/resumed_from_epoch", static_cast<double>(checkpoint->epochs_done));
  }
  return checkpoint->epochs_done;
}

NodeSubsampler make_node_subsampler(const Walks& walks, int64_t num_nodes,
                                    const TrainSection& settings, Recorder& recorder) {
  NodeSubsampler subsampler(walks, num_nodes, settings.subsample);
  if (subsampler.enabled()) {
    recorder.score("train/subsample_kept_fraction", subsampler.expected_kept_fraction());
  }
  return subsampler;
}

void check_host_table_memory(int64_t num_nodes, int64_t dimension, double walk_bytes_in_memory,
                             double usable_bytes) {
  const double table_bytes =
      2.0 * static_cast<double>(num_nodes) * static_cast<double>(dimension) * sizeof(float);
  if (table_bytes + walk_bytes_in_memory <= usable_bytes) return;
  std::string text = "train.dimension: the two embedding tables of " + std::to_string(num_nodes) +
                     " nodes x " + std::to_string(dimension) + " take " + format_gib(table_bytes);
  if (walk_bytes_in_memory > 0) {
    text += ", and with the walks kept in memory (" + format_gib(walk_bytes_in_memory) + ")";
  }
  text += ", more than the " + format_gib(usable_bytes) +
          " this process may use; lower train.dimension";
  if (walk_bytes_in_memory > 0) {
    text +=
        ", or keep the walks out of memory (walk.storage = \"auto\" with a lower "
        "walk.max_memory_gb, or \"regenerate\" or \"file\")";
  }
  throw ResourceError(text);
}

void throw_if_diverged(double mean_loss, int64_t negatives, int64_t step) {
  const double start = static_cast<double>(negatives + 1) * std::log(2.0);
  if (std::isfinite(mean_loss) && mean_loss <= 10 * start) return;
  char text[256];
  std::snprintf(text, sizeof text,
                "training diverged: the loss per pair is %g near step %lld (it starts at %.2f); "
                "try a smaller train.learning_rate or train.batch_size",
                mean_loss, static_cast<long long>(step), start);
  throw NumericError(text);
}

double learning_rate_at(const TrainSection& settings, double fraction_done) {
  if (settings.lr_schedule == "constant") return settings.learning_rate;
  const double remaining =
      std::max(settings.final_learning_rate_fraction, 1.0 - std::clamp(fraction_done, 0.0, 1.0));
  return settings.learning_rate * remaining;
}

}  // namespace wb
