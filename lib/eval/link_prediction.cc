#include "eval/link_prediction.h"

#include <string>

#include "core/errors.h"
#include "core/parallel.h"
#include "core/random.h"
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
            const std::vector<double>& scores, const std::vector<int>& labels) {
  const std::string prefix = "link/" + method + "/";
  results[prefix + "roc_auc"] = roc_auc(scores, labels);
  results[prefix + "ap"] = average_precision(scores, labels);
  std::vector<double> positives, negatives;
  for (size_t i = 0; i < scores.size(); ++i)
    (labels[i] ? positives : negatives).push_back(scores[i]);
  for (int64_t k : kHitsAt) {
    results[prefix + "hits@" + std::to_string(k)] = hits_at_k(positives, negatives, k);
  }
  Rng rng(7, 0x3ee7ULL);
  std::vector<std::vector<double>> drawn(positives.size(), std::vector<double>(kMrrNegatives));
  for (auto& row : drawn) {
    for (double& score : row) score = negatives[rng.below(negatives.size())];
  }
  results[prefix + "mrr"] = mean_reciprocal_rank(positives, drawn);
}

}  // namespace

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
    const auto operators = static_cast<int64_t>(options.operators.size());
    StepProgress fits(progress, "eval", operators * (options.validation_fraction > 0 ? 2 : 1));
    if (options.validation_fraction > 0) {
      const Validation v = validation_split(split, options.validation_fraction);
      for (EdgeOperator op : options.operators) {
        LogisticRegression classifier(options.classifier);
        const int threads = options.classifier.threads;
        classifier.fit(edge_features(embeddings, v.fit.pairs, op, threads), v.fit.labels);
        results["link/" + name(op) + "/val_roc_auc"] = roc_auc(
            classifier.decision_function(edge_features(embeddings, v.held.pairs, op, threads)),
            v.held.labels);
        fits.step();
      }
      results["link/dot/val_roc_auc"] = roc_auc(
          dot_products(embeddings, v.held.pairs, options.classifier.threads), v.held.labels);
    }
    for (EdgeOperator op : options.operators) {
      LogisticRegression classifier(options.classifier);
      const int threads = options.classifier.threads;
      classifier.fit(edge_features(embeddings, train.pairs, op, threads), train.labels);
      record(results, name(op),
             classifier.decision_function(edge_features(embeddings, test.pairs, op, threads)),
             test.labels);
      fits.step();
    }
  }
  if (options.include_dot_product) {
    record(results, "dot", dot_products(embeddings, test.pairs, options.classifier.threads),
           test.labels);
  }
  return results;
}

}  // namespace wb
