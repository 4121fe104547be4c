#include "eval/link_prediction.h"

#include <string>

#include "core/errors.h"
#include "core/parallel.h"
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

void record(std::map<std::string, double>& results, const std::string& method,
            const std::vector<double>& scores, const std::vector<int>& labels) {
  results["link/" + method + "/roc_auc"] = roc_auc(scores, labels);
  results["link/" + method + "/ap"] = average_precision(scores, labels);
}

}  // namespace

std::map<std::string, double> evaluate_link_prediction(const Matrix& embeddings,
                                                       const LinkSplit& split,
                                                       const LinkPredictionOptions& options) {
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
    for (EdgeOperator op : options.operators) {
      LogisticRegression classifier(options.classifier);
      const int threads = options.classifier.threads;
      classifier.fit(edge_features(embeddings, train.pairs, op, threads), train.labels);
      record(results, name(op),
             classifier.decision_function(edge_features(embeddings, test.pairs, op, threads)),
             test.labels);
    }
  }
  if (options.include_dot_product) {
    record(results, "dot", dot_products(embeddings, test.pairs, options.classifier.threads),
           test.labels);
  }
  return results;
}

}  // namespace wb
