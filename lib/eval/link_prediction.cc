#include "eval/link_prediction.h"

#include <algorithm>
#include <string>

#include "core/errors.h"
#include "core/memory_size.h"
#include "core/parallel.h"
#include "core/random.h"
#include "eval/classifier_fits.h"
#include "eval/metrics.h"

namespace wb {
namespace {

// Positives first, then negatives, with the matching 1/0 labels.
struct LabelledPairs {
  std::vector<NodePair> pairs;
  std::vector<int> labels;
};

LabelledPairs label_pairs(const std::vector<NodePair>& positives,
                          const std::vector<NodePair>& negatives) {
  LabelledPairs out;
  out.pairs.reserve(positives.size() + negatives.size());
  out.pairs.insert(out.pairs.end(), positives.begin(), positives.end());
  out.pairs.insert(out.pairs.end(), negatives.begin(), negatives.end());
  out.labels.assign(positives.size(), 1);
  out.labels.resize(out.pairs.size(), 0);
  return out;
}

std::vector<double> dot_products(const Matrix& embeddings, const std::vector<NodePair>& pairs,
                                 int threads) {
  std::vector<double> scores(pairs.size());
  parallel_for_chunks(static_cast<int64_t>(pairs.size()), 1 << 14, threads, {}, "eval",
                      [&](int64_t begin, int64_t end) {
                        for (int64_t i = begin; i < end; ++i) {
                          const float* a = embeddings.row(pairs[i].u);
                          const float* b = embeddings.row(pairs[i].v);
                          double sum = 0.0;
                          for (int64_t j = 0; j < embeddings.cols; ++j) {
                            sum += static_cast<double>(a[j]) * b[j];
                          }
                          scores[i] = sum;
                        }
                      });
  return scores;
}

// The classifier's training pairs split again (seeded shuffle): fit on one
// part, score the other. The held pairs are edges of the residual graph, so
// the walks saw them: the validation AUC runs high, but ranking settings by it
// never touches the test pairs.
struct Validation {
  LabelledPairs fit, held;
};

Validation validation_split(const LinkSplit& split, double fraction) {
  auto divide = [&](std::vector<NodePair> pairs, uint64_t stream, std::vector<NodePair>& fit,
                    std::vector<NodePair>& held) {
    Rng rng(0x7a11dULL, stream);
    for (size_t i = pairs.size(); i > 1; --i) std::swap(pairs[i - 1], pairs[rng.below(i)]);
    const auto held_size = static_cast<size_t>(fraction * static_cast<double>(pairs.size()));
    if (held_size == 0 || held_size >= pairs.size()) {
      throw DataError(
          "link prediction: eval.validation_fraction leaves no pair to fit or to "
          "validate on");
    }
    held.assign(pairs.begin(), pairs.begin() + held_size);
    fit.assign(pairs.begin() + held_size, pairs.end());
  };
  std::vector<NodePair> fit_edges, held_edges, fit_non_edges, held_non_edges;
  divide(split.train_edges, 1, fit_edges, held_edges);
  divide(split.train_non_edges, 2, fit_non_edges, held_non_edges);
  return {label_pairs(fit_edges, fit_non_edges), label_pairs(held_edges, held_non_edges)};
}

// OGB's ranking view of the same scores: Hits@K of each positive against all
// test negatives, and MRR of each positive against its own kMrrNegatives
// negatives drawn (with a fixed seed) from the test negatives.
constexpr int64_t kHitsAt[] = {20, 50, 100};
constexpr int64_t kMrrNegatives = 100;

void record(std::map<std::string, double>& results, const std::string& method,
            const std::vector<double>& scores, const std::vector<int>& labels, int threads) {
  const std::string prefix = "link/" + method + "/";
  const RankingScores ranking = ranking_scores(scores, labels);
  results[prefix + "roc_auc"] = ranking.roc_auc;
  results[prefix + "ap"] = ranking.average_precision;
  std::vector<double> positives, negatives;
  for (size_t i = 0; i < scores.size(); ++i)
    (labels[i] ? positives : negatives).push_back(scores[i]);
  for (int64_t k : kHitsAt) {
    results[prefix + "hits@" + std::to_string(k)] = hits_at_k(positives, negatives, k);
  }
  // Each positive's negatives drawn in turn: all of them at once took 800
  // bytes per test edge (1.6 GB on the 500K-node e-commerce graph).
  results[prefix + "mrr"] =
      sampled_mean_reciprocal_rank(positives, negatives, kMrrNegatives, 7, 0x3ee7ULL, threads);
}

}  // namespace

void check_link_prediction_memory(const LinkSplit& split, int64_t num_nodes, int64_t dimension,
                                  double usable_bytes) {
  // A feature row per pair (an edge and a non-edge per scored edge), 4 bytes
  // per dimension; the training pairs are never more than the test pairs.
  const double row_bytes = 4.0 * static_cast<double>(dimension);
  const auto scored = static_cast<double>(
      std::max({split.test_edges.size(), split.train_edges.size(), split.validation_edges.size()}));
  const double feature_bytes = 2.0 * scored * row_bytes;
  const double table_bytes = 2.0 * static_cast<double>(num_nodes) * row_bytes;
  if (feature_bytes + table_bytes <= usable_bytes) return;
  std::string text =
      "eval.max_test_edges: scoring " + std::to_string(static_cast<int64_t>(scored)) +
      " held-out edges and as many non-edges builds " + format_gib(feature_bytes) +
      " of edge features beside " + format_gib(table_bytes) +
      " of embedding tables, more than the " + format_gib(usable_bytes) + " this process may use";
  const double room = 0.8 * usable_bytes - table_bytes;
  if (room >= 2.0 * row_bytes * 1000) {
    const auto fits = static_cast<int64_t>(room / (2.0 * row_bytes));
    int64_t cap = 1;  // the fitting cap rounded down to one significant digit
    while (cap * 10 <= fits) cap *= 10;
    text += "; set eval.max_test_edges = " + std::to_string(fits / cap * cap) +
            " (a sample of the held-out edges) or lower train.dimension";
  } else {
    text += "; lower train.dimension";
  }
  throw ResourceError(text);
}

std::map<std::string, double> evaluate_link_prediction(const Matrix& embeddings,
                                                       const LinkSplit& split,
                                                       const LinkPredictionOptions& options,
                                                       const Progress& progress) {
  if (embeddings.rows < split.train_graph.num_nodes()) {
    throw DataError("link prediction: " + std::to_string(embeddings.rows) +
                    " embedding rows for a graph of " +
                    std::to_string(split.train_graph.num_nodes()) + " nodes");
  }
  if (split.test_edges.empty() || split.test_non_edges.empty()) {
    throw DataError("link prediction: the split has no test pairs");
  }
  const LabelledPairs test = label_pairs(split.test_edges, split.test_non_edges);
  std::map<std::string, double> results;

  if (!options.operators.empty()) {
    if (split.train_edges.empty() || split.train_non_edges.empty()) {
      throw DataError("link prediction: the split has no training pairs for the edge classifier");
    }
    const LabelledPairs train = label_pairs(split.train_edges, split.train_non_edges);
    // Held-out validation edges (the split's) are scored by each operator's
    // test model; without them validation pairs come out of the training
    // pairs, with a fit of their own.
    const LabelledPairs held_out = label_pairs(split.validation_edges, split.validation_non_edges);
    const bool validating = options.validation_fraction > 0 && held_out.pairs.empty();
    const Validation v =
        validating ? validation_split(split, options.validation_fraction) : Validation{};
    const LabelledPairs& validation_pairs = validating ? v.held : held_out;
    if (!validation_pairs.pairs.empty()) {
      results["link/dot/val_roc_auc"] =
          roc_auc(dot_products(embeddings, validation_pairs.pairs, options.classifier.threads),
                  validation_pairs.labels);
    }
    // One fit per operator on the training pairs, scored on the test pairs;
    // with validation first one per operator on its fit part, scored on the
    // held part.
    const auto operators = static_cast<int64_t>(options.operators.size());
    const int64_t fits = operators * (validating ? 2 : 1);
    const int64_t largest_fit =
        static_cast<int64_t>(train.pairs.size() + test.pairs.size()) * embeddings.cols * 4;
    const FitThreads plan = plan_classifier_fits(options.classifier.threads,
                                                 options.classifier.device == "cuda", largest_fit);
    const bool side_by_side = plan.side_by_side > 0;
    std::vector<std::map<std::string, double>> scored(static_cast<size_t>(fits));
    // Fits in turn share one feature matrix, each filling it anew (see
    // edge_features_into); side by side, each has its own.
    Matrix shared_features;
    run_classifier_fits(fits, plan, progress, 0, fits, [&](int64_t fit) {
      Matrix own_features;
      Matrix& features = side_by_side ? own_features : shared_features;
      const bool validation_fit = validating && fit < operators;
      const EdgeOperator op = options.operators[fit % operators];
      LogisticRegressionOptions classifier = options.classifier;
      if (side_by_side) classifier.threads = 1;
      const LabelledPairs& fit_pairs = validation_fit ? v.fit : train;
      const LabelledPairs& scored_pairs = validation_fit ? v.held : test;
      LogisticRegression model(classifier);
      edge_features_into(features, embeddings, fit_pairs.pairs, op, classifier.threads);
      model.fit(features, fit_pairs.labels);
      edge_features_into(features, embeddings, scored_pairs.pairs, op, classifier.threads);
      const std::vector<double> log_odds = model.decision_function(features);
      if (validation_fit) {
        scored[fit]["link/" + name(op) + "/val_roc_auc"] = roc_auc(log_odds, scored_pairs.labels);
      } else {
        record(scored[fit], name(op), log_odds, scored_pairs.labels, classifier.threads);
        if (!held_out.pairs.empty()) {
          edge_features_into(features, embeddings, held_out.pairs, op, classifier.threads);
          scored[fit]["link/" + name(op) + "/val_roc_auc"] =
              roc_auc(model.decision_function(features), held_out.labels);
        }
      }
    });
    for (const auto& fit_scores : scored) results.insert(fit_scores.begin(), fit_scores.end());
  }
  if (options.include_dot_product) {
    record(results, "dot", dot_products(embeddings, test.pairs, options.classifier.threads),
           test.labels, options.classifier.threads);
  }
  for (LinkHeuristic heuristic : options.heuristics) {
    record(results, name(heuristic),
           heuristic_scores(split.train_graph, test.pairs, heuristic, options.classifier.threads),
           test.labels, options.classifier.threads);
  }
  return results;
}

}  // namespace wb
