#pragma once
// Node classification as in the node2vec paper (after DeepWalk): a random
// fraction of the labelled nodes trains a one-vs-rest logistic regression on
// their embeddings, the rest are predicted (each node gets as many labels as
// it truly has), and Micro-/Macro-F1 are averaged over repeated splits.
#include <map>
#include <string>
#include <vector>

#include "core/matrix.h"
#include "core/progress.h"
#include "eval/node_labels.h"
#include "eval/one_vs_rest.h"

namespace wb {

struct NodeClassificationOptions {
  double train_fraction = 0.5;
  int64_t repeats = 10;
  // > 0: also fit on the rest of each split's training nodes and score this
  // fraction of them, as "node/val_micro_f1" and "node/val_macro_f1".
  double validation_fraction = 0;
  uint64_t seed = 1;
  OneVsRestOptions classifier;
  // Non-empty (needs validation_fraction > 0): every l2 here (and every
  // normalize choice) is fitted on each split's fit nodes; the one with the
  // best validation Macro-F1, averaged over the splits, is refitted on each
  // split's training nodes and scored on its test nodes. "node/classifier_l2"
  // and "node/normalized" (1: unit rows) say which won.
  std::vector<double> l2_choices;
  // "none" and/or "l2" (embedding rows scaled to unit length).
  std::vector<std::string> normalize_choices = {"none"};
  // Classifier fits at once on the CPU, each on one LibTorch thread: a fit
  // this small spends most of its time starting and joining thread teams, so
  // whole fits side by side go further. Fits too large to hold side by side
  // (see plan_classifier_fits) run in turn, each on this many LibTorch threads.
  int threads = 1;
};

// Returns "node/micro_f1", "node/macro_f1" (means over the repeats) and
// their "_std", plus "node/labelled_nodes" and "node/labels". Throws
// DataError when a split leaves no training or no test node.
// Reports "eval" progress in classifier fits and stops between fits when asked.
std::map<std::string, double> evaluate_node_classification(const Matrix& embeddings,
                                                           const NodeLabels& labels,
                                                           const NodeClassificationOptions& options,
                                                           const Progress& progress = {});

}  // namespace wb
