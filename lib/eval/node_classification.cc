#include "eval/node_classification.h"

#include <cmath>

#include "core/errors.h"
#include "core/random.h"
#include "eval/metrics.h"

namespace wb {
namespace {

Matrix rows_of(const Matrix& embeddings, const std::vector<NodeId>& nodes) {
  Matrix out(static_cast<int64_t>(nodes.size()), embeddings.cols);
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::copy(embeddings.row(nodes[i]), embeddings.row(nodes[i]) + embeddings.cols,
              out.row(static_cast<int64_t>(i)));
  }
  return out;
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double standard_deviation(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  const double m = mean(values);
  double sum = 0;
  for (double v : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

F1Scores fit_and_score(const Matrix& embeddings, const NodeLabels& labels,
                       const std::vector<NodeId>& train, const std::vector<NodeId>& test,
                       const OneVsRestOptions& classifier_options) {
  const auto num_labels = static_cast<int64_t>(labels.label_names.size());
  std::vector<std::vector<int32_t>> train_labels, test_labels;
  std::vector<int64_t> counts;
  for (NodeId v : train) train_labels.push_back(labels.of_node[v]);
  for (NodeId v : test) {
    test_labels.push_back(labels.of_node[v]);
    counts.push_back(static_cast<int64_t>(labels.of_node[v].size()));
  }
  OneVsRestClassifier classifier(classifier_options);
  classifier.fit(rows_of(embeddings, train), train_labels, num_labels);
  const auto predicted =
      top_labels(classifier.decision_function(rows_of(embeddings, test)), counts);
  return f1_scores(test_labels, predicted, num_labels);
}

}  // namespace

std::map<std::string, double> evaluate_node_classification(
    const Matrix& embeddings, const NodeLabels& labels, const NodeClassificationOptions& options) {
  std::vector<NodeId> labelled;
  for (size_t v = 0; v < labels.of_node.size(); ++v) {
    if (!labels.of_node[v].empty()) labelled.push_back(static_cast<NodeId>(v));
  }
  const auto train_size = static_cast<size_t>(
      std::llround(options.train_fraction * static_cast<double>(labelled.size())));
  if (train_size == 0 || train_size >= labelled.size()) {
    throw DataError(
        "node classification: eval.train_fraction = " + std::to_string(options.train_fraction) +
        " of " + std::to_string(labelled.size()) +
        " labelled nodes leaves no training or no test node");
  }
  if (!options.l2_choices.empty() && options.validation_fraction <= 0) {
    throw ConfigError("eval.classifier_l2_choices needs eval.validation_fraction > 0");
  }
  const std::vector<double> candidates =
      options.l2_choices.empty() ? std::vector<double>{options.classifier.l2} : options.l2_choices;
  std::vector<double> micro, macro, validation_micro, validation_macro, log_chosen_l2;
  for (int64_t repeat = 0; repeat < options.repeats; ++repeat) {
    std::vector<NodeId> order = labelled;
    Rng rng(options.seed, 0x5e1ec7ULL + static_cast<uint64_t>(repeat));
    for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
    const std::vector<NodeId> train(order.begin(), order.begin() + train_size);
    const std::vector<NodeId> test(order.begin() + train_size, order.end());
    OneVsRestOptions classifier = options.classifier;
    if (options.validation_fraction > 0) {
      // Model selection on the training nodes alone, split again, so neither
      // the l2 choice nor a sweep ranking by the validation score ever looks
      // at the test nodes.
      const auto fit_size = static_cast<size_t>(
          std::llround((1.0 - options.validation_fraction) * static_cast<double>(train.size())));
      if (fit_size == 0 || fit_size >= train.size()) {
        throw DataError(
            "node classification: eval.validation_fraction leaves no node to fit "
            "or to validate on");
      }
      const std::vector<NodeId> fit(train.begin(), train.begin() + fit_size);
      const std::vector<NodeId> held(train.begin() + fit_size, train.end());
      F1Scores best;
      best.macro = -1;
      for (double l2 : candidates) {
        OneVsRestOptions candidate = options.classifier;
        candidate.l2 = l2;
        const F1Scores val = fit_and_score(embeddings, labels, fit, held, candidate);
        if (val.macro > best.macro) {
          best = val;
          classifier.l2 = l2;
        }
      }
      validation_micro.push_back(best.micro);
      validation_macro.push_back(best.macro);
      log_chosen_l2.push_back(std::log(classifier.l2));
    }
    const F1Scores f1 = fit_and_score(embeddings, labels, train, test, classifier);
    micro.push_back(f1.micro);
    macro.push_back(f1.macro);
  }
  std::map<std::string, double> scores = {
      {"node/micro_f1", mean(micro)},
      {"node/macro_f1", mean(macro)},
      {"node/micro_f1_std", standard_deviation(micro)},
      {"node/macro_f1_std", standard_deviation(macro)},
      {"node/labelled_nodes", static_cast<double>(labelled.size())},
      {"node/labels", static_cast<double>(labels.label_names.size())}};
  if (!validation_macro.empty()) {
    scores["node/val_micro_f1"] = mean(validation_micro);
    scores["node/val_macro_f1"] = mean(validation_macro);
  }
  if (!options.l2_choices.empty()) scores["node/classifier_l2"] = std::exp(mean(log_chosen_l2));
  return scores;
}

}  // namespace wb
