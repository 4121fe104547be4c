#pragma once
// Training checkpoints: both embedding tables, how many epochs are done and
// the fp16 loss scale, written atomically (tmp + rename) so a kill never
// leaves a torn file. A run resumed with `workbench run --resume` regenerates
// its walks (they depend on the seed only) and continues from the
// checkpoint's epoch; a checkpoint written on Ctrl-C mid-epoch records that
// epoch as not done, so it is trained again from the saved tables.
#include <cstdint>
#include <optional>
#include <string>

#include "core/matrix.h"
#include "train/loss_scaler.h"

namespace wb {

struct TrainingCheckpoint {
  int64_t epochs_done = 0;
  Matrix input;
  Matrix output;
  LossScaleState loss_scale;  // fp16 AMP only
};

// What a checkpoint must match to be resumed from; its hash is stored.
struct CheckpointKey {
  std::string trainer;
  int64_t num_nodes = 0;
  int64_t dimension = 0;
  uint64_t seed = 0;
  uint64_t fingerprint() const;
};

// Where and how often trainers checkpoint; an empty path turns it off.
struct CheckpointPlan {
  std::string path;
  int64_t every_epochs = 0;  // 0: only on interruption
  bool resume = false;       // load `path` if it exists before training
  bool enabled() const { return !path.empty(); }
  bool due_after(int64_t epoch) const {
    return enabled() && every_epochs > 0 && (epoch + 1) % every_epochs == 0;
  }
};

void save_checkpoint(const std::string& path, const CheckpointKey& key,
                     const TrainingCheckpoint& checkpoint);
// nullopt when there is no file. Throws DataError for a damaged file or one
// written for another trainer, graph, dimension or seed.
std::optional<TrainingCheckpoint> load_checkpoint(const std::string& path,
                                                  const CheckpointKey& key);

}  // namespace wb
