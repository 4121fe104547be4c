#include "train/trainer.h"

#include <algorithm>

#include "core/registry.h"

namespace wb {

std::unique_ptr<Trainer> make_torch_trainer();
std::unique_ptr<Trainer> make_fused_cpu_trainer();

namespace {

const Registry<Trainer>& registry() {
  static const Registry<Trainer> trainers(
      "train.trainer", {{"torch", make_torch_trainer}, {"fused", make_fused_cpu_trainer}});
  return trainers;
}

}  // namespace

std::vector<std::string> trainer_names() { return registry().names(); }

std::unique_ptr<Trainer> make_trainer(const std::string& name) { return registry().make(name); }

double learning_rate_at(const TrainSection& settings, double fraction_done) {
  if (settings.lr_schedule == "constant") return settings.learning_rate;
  const double remaining =
      std::max(settings.final_learning_rate_fraction, 1.0 - std::clamp(fraction_done, 0.0, 1.0));
  return settings.learning_rate * remaining;
}

}  // namespace wb
