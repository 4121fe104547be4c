#pragma once
// Dynamic loss scaling for fp16 (as torch.amp.GradScaler): gradients are
// computed on loss * scale so small values survive fp16; a step whose
// gradients overflow is skipped and the scale halved, and after a run of good
// steps the scale doubles again.
#include <cstdint>

namespace wb {

// What a checkpoint keeps of the scaler, so a resumed fp16 run goes on with the
// scale it had found rather than overflowing its way down from the start again.
struct LossScaleState {
  double scale = 0.0;  // 0: not recorded (an FP32 or bf16 run, or an older checkpoint)
  int64_t good_steps = 0;
  int64_t skipped_steps = 0;
  bool recorded() const { return scale > 0.0; }
};

class LossScaler {
 public:
  explicit LossScaler(bool enabled, double initial_scale = 65536.0, int64_t growth_interval = 2000)
      : enabled_(enabled),
        scale_(enabled ? initial_scale : 1.0),
        growth_interval_(growth_interval) {}

  double scale() const { return scale_; }
  bool enabled() const { return enabled_; }

  // Reports whether this step's gradients were finite; returns whether to apply it.
  bool update(bool gradients_finite) {
    if (!enabled_) return gradients_finite;
    if (!gradients_finite) {
      scale_ *= 0.5;
      good_steps_ = 0;
      ++skipped_;
      return false;
    }
    if (++good_steps_ >= growth_interval_) {
      scale_ *= 2.0;
      good_steps_ = 0;
    }
    return true;
  }
  int64_t skipped_steps() const { return skipped_; }

  LossScaleState state() const {
    return enabled_ ? LossScaleState{scale_, good_steps_, skipped_} : LossScaleState{};
  }
  void restore(const LossScaleState& state) {
    if (!enabled_ || !state.recorded()) return;
    scale_ = state.scale;
    good_steps_ = state.good_steps;
    skipped_ = state.skipped_steps;
  }

 private:
  bool enabled_;
  double scale_;
  int64_t growth_interval_;
  int64_t good_steps_ = 0;
  int64_t skipped_ = 0;
};

}  // namespace wb
