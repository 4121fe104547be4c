#pragma once
// Skip-gram with negative sampling trainers: an interface plus a registry keyed
// by the TOML name (train.trainer). Every trainer reads the same walks and
// returns the input embeddings; the LibTorch one is the reference.
#include <memory>
#include <string>
#include <vector>

#include "config/experiment_config.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "run/recorder.h"
#include "train/checkpoint.h"
#include "train/subsampling.h"
#include "walk/walk_sampler.h"

namespace wb {

struct TrainOptions {
  TrainSection settings;
  std::string device = "cpu";  // resolved: cpu | cuda
  int threads = 1;
  uint64_t seed = 42;
  CheckpointPlan checkpoint;  // off unless a path is set
  // The training graph's node names, for trainers that match rows by name
  // (external); row i of the result belongs to (*node_ids)[i].
  const std::vector<std::string>* node_ids = nullptr;
};

struct TrainSummary {
  int64_t pairs = 0;  // positive pairs trained, all epochs
  int64_t steps = 0;  // optimizer steps
  double seconds = 0;
  double final_loss = 0;           // mean loss per positive pair over the last logged interval
  int64_t skipped_steps = 0;       // fp16 steps dropped for overflow
  std::vector<std::string> notes;  // lines for the run's log, e.g. what a file lacked
};

class Trainer {
 public:
  virtual ~Trainer() = default;
  virtual Matrix train(const Walks& walks, int64_t num_nodes, const TrainOptions& options,
                       Recorder& recorder, const Progress& progress, TrainSummary& summary) = 0;
  // Whether train() takes a regenerated corpus (Walks::regenerated()).
  virtual bool reads_regenerated_walks(const TrainOptions&) const { return false; }
  // False for a trainer that reads its tables from elsewhere: no walk is drawn.
  virtual bool needs_walks() const { return true; }
};

// Throws ConfigError naming walk.storage when `walks` is regenerated: the
// `trainer` ("the torch trainer", ...) needs the corpus stored.
void require_stored_walks(const Walks& walks, const std::string& trainer);

// Known names: "torch" (the LibTorch reference), "fused" (Hogwild CPU kernel,
// or the CUDA kernel on device "cuda"), "external" (train.embeddings, trained
// elsewhere). Throws ConfigError naming train.trainer otherwise.
std::unique_ptr<Trainer> make_trainer(const std::string& name);
std::vector<std::string> trainer_names();

// The checkpoint's epoch to start from (0 without one), loading its tables
// into `input` and `output` when options.checkpoint.resume finds a file, and
// recording it as "train/resumed_from_epoch"; the fp16 loss scale goes to
// `loss_scale` when given.
int64_t resume_from_checkpoint(const TrainOptions& options, const CheckpointKey& key, Matrix& input,
                               Matrix& output, Recorder& recorder,
                               LossScaleState* loss_scale = nullptr);

// The run's sub-sampler (train.subsample), its expected kept fraction
// recorded as "train/subsample_kept_fraction" when it is on.
NodeSubsampler make_node_subsampler(const Walks& walks, int64_t num_nodes,
                                    const TrainSection& settings, Recorder& recorder);

// Throws NumericError when the mean loss per pair logged near `step` is not
// finite or has passed ten times its starting value ((k + 1) ln 2: every
// score 0). Batched SGD can blow the tables up without ever leaving the
// finite range (the torch trainer on ca-AstroPh logged 1e8 and finished,
// with an AUC of 0.93), so finiteness alone lets ruined runs through.
void throw_if_diverged(double mean_loss, int64_t negatives, int64_t step);

// Throws ResourceError naming train.dimension, before any walk is drawn, when
// a CPU run's two embedding tables (num_nodes x dimension floats each) and the
// walks it keeps in memory would not fit in `usable_bytes`: found after the
// walks, it would be an out-of-memory kill an hour into the run.
void check_host_table_memory(int64_t num_nodes, int64_t dimension, double walk_bytes_in_memory,
                             double usable_bytes);

// word2vec's schedule: linear decay from the initial rate to initial * final_fraction.
double learning_rate_at(const TrainSection& settings, double fraction_done);

}  // namespace wb
