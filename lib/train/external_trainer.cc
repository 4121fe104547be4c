// train.trainer = "external": the tables come from a file trained elsewhere
// (gensim, PyTorch Geometric, ...), so its vectors are scored by the same
// split and evaluation as the workbench's own runs and recorded beside them.
#include <memory>

#include "core/errors.h"
#include "io/embeddings_reader.h"
#include "train/trainer.h"

namespace wb {
namespace {

class ExternalTrainer : public Trainer {
 public:
  Matrix train(const Walks&, int64_t num_nodes, const TrainOptions& options, Recorder& recorder,
               const Progress&, TrainSummary& summary) override {
    if (options.node_ids == nullptr ||
        static_cast<int64_t>(options.node_ids->size()) != num_nodes) {
      throw Error("the external trainer needs the training graph's node names");
    }
    EmbeddingsReadStats stats;
    Matrix table =
        read_embeddings({options.settings.embeddings, options.settings.embeddings_ids},
                        *options.node_ids, options.settings.dimension, &stats, options.threads);
    recorder.score("train/external_vectors", static_cast<double>(stats.vectors));
    recorder.score("train/external_missing_nodes", static_cast<double>(stats.missing_nodes));
    summary.notes.push_back("embeddings: " + std::to_string(stats.vectors) + " vectors from " +
                            options.settings.embeddings);
    if (stats.missing_nodes > 0) {
      // A node no walk reached has no vector in gensim's output; a zero row
      // scores it as an untrained table would.
      summary.notes.push_back("embeddings: " + std::to_string(stats.missing_nodes) + " of " +
                              std::to_string(num_nodes) +
                              " nodes have no vector in the file and score as zero rows");
    }
    return table;
  }
  bool needs_walks() const override { return false; }
};

}  // namespace

std::unique_ptr<Trainer> make_external_trainer() { return std::make_unique<ExternalTrainer>(); }

}  // namespace wb
