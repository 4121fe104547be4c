#pragma once
// Scores an embedding on a link split, as in the node2vec paper: an edge
// classifier per binary operator, plus the untrained dot product.
#include <map>
#include <string>
#include <vector>

#include "core/matrix.h"
#include "core/progress.h"
#include "eval/edge_features.h"
#include "eval/link_heuristics.h"
#include "eval/link_split.h"
#include "eval/logistic_regression.h"

namespace wb {

struct LinkPredictionOptions {
  std::vector<EdgeOperator> operators = all_edge_operators();
  bool include_dot_product = true;
  // Scored on split.train_graph beside the embedding (none by default; the
  // pipeline asks for all).
  std::vector<LinkHeuristic> heuristics;
  LogisticRegressionOptions classifier;
  // > 0: also "link/<method>/val_roc_auc", from this share of the classifier's
  // training pairs held out of its fit (for sweeps; the test pairs unused).
  // A split with validation edges of its own is scored on those instead,
  // whatever this says.
  double validation_fraction = 0;
};

// Refuses up front (ResourceError naming eval.max_test_edges, with a cap
// that fits) when the edge features of the split's scored pairs, the largest
// matrix the evaluation builds, and the two embedding tables of num_nodes x
// dimension would not fit in usable_bytes.
void check_link_prediction_memory(const LinkSplit& split, int64_t num_nodes, int64_t dimension,
                                  double usable_bytes);

// For each operator, fits the classifier on the features of train_edges
// (label 1) and train_non_edges (label 0) and ranks the test pairs by its
// log-odds; the dot product ranks the test pairs directly. Returns
// "link/<operator>/roc_auc", "/ap", "/hits@20", "/hits@50", "/hits@100" and
// "/mrr" (OGB's ranking metrics, MRR against 100 sampled test negatives per
// positive) for each operator, and the same for "link/dot/" and for each
// heuristic ("link/common_neighbors/", ...). Throws DataError when the embedding
// has fewer rows than the graph has nodes or the split has no training pairs.
// Reports "eval" progress in classifier fits and stops between fits when asked.
std::map<std::string, double> evaluate_link_prediction(const Matrix& embeddings,
                                                       const LinkSplit& split,
                                                       const LinkPredictionOptions& options,
                                                       const Progress& progress = {});

}  // namespace wb
