#include "eval/node_classification.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/errors.h"
#include "core/random.h"
#include "core/sample_stats.h"
#include "eval/classifier_fits.h"
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

std::vector<double> micro_f1s(const std::vector<F1Scores>& scores) {
  std::vector<double> values;
  for (const F1Scores& f1 : scores) values.push_back(f1.micro);
  return values;
}

std::vector<double> macro_f1s(const std::vector<F1Scores>& scores) {
  std::vector<double> values;
  for (const F1Scores& f1 : scores) values.push_back(f1.macro);
  return values;
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

// Rows scaled to unit length (zero rows stay zero).
Matrix unit_rows(const Matrix& embeddings) {
  Matrix out = embeddings;
  for (int64_t r = 0; r < out.rows; ++r) {
    float* row = out.row(r);
    double norm = 0;
    for (int64_t j = 0; j < out.cols; ++j) norm += static_cast<double>(row[j]) * row[j];
    if (norm == 0) continue;
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (int64_t j = 0; j < out.cols; ++j) row[j] *= scale;
  }
  return out;
}

// One classifier setting: which features (raw or unit rows) and which l2.
struct ClassifierChoice {
  const Matrix* features = nullptr;
  bool normalized = false;
  double l2 = 1.0;
};

// The validation nodes of a split: the tail of its training nodes. Fits on
// the rest never see them, and nothing chosen on them ever sees a test node.
struct ValidationSplit {
  std::vector<NodeId> fit;
  std::vector<NodeId> held;
};

ValidationSplit validation_split(const std::vector<NodeId>& train, double validation_fraction) {
  const auto fit_size = static_cast<size_t>(
      std::llround((1.0 - validation_fraction) * static_cast<double>(train.size())));
  if (fit_size == 0 || fit_size >= train.size()) {
    throw DataError(
        "node classification: eval.validation_fraction leaves no node to fit or to validate on");
  }
  return {std::vector<NodeId>(train.begin(), train.begin() + fit_size),
          std::vector<NodeId>(train.begin() + fit_size, train.end())};
}

// Split number `repeat` of the labelled nodes into training and test nodes.
std::pair<std::vector<NodeId>, std::vector<NodeId>> split_of(std::vector<NodeId> order,
                                                             size_t train_size, uint64_t seed,
                                                             int64_t repeat) {
  Rng rng(seed, 0x5e1ec7ULL + static_cast<uint64_t>(repeat));
  for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  return {std::vector<NodeId>(order.begin(), order.begin() + train_size),
          std::vector<NodeId>(order.begin() + train_size, order.end())};
}

}  // namespace

std::map<std::string, double> evaluate_node_classification(const Matrix& embeddings,
                                                           const NodeLabels& labels,
                                                           const NodeClassificationOptions& options,
                                                           const Progress& progress) {
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
  const bool choosing = !options.l2_choices.empty() || options.normalize_choices.size() > 1;
  if (choosing && options.validation_fraction <= 0) {
    throw ConfigError(
        "eval.classifier_l2_choices and several eval.normalize_choices need "
        "eval.validation_fraction > 0");
  }
  const Matrix unit =
      std::count(options.normalize_choices.begin(), options.normalize_choices.end(), "l2") > 0
          ? unit_rows(embeddings)
          : Matrix();
  std::vector<ClassifierChoice> choices;
  for (const auto& normalize : options.normalize_choices) {
    const bool normalized = normalize == "l2";
    if (options.l2_choices.empty())
      choices.push_back({normalized ? &unit : &embeddings, normalized, options.classifier.l2});
    for (double l2 : options.l2_choices)
      choices.push_back({normalized ? &unit : &embeddings, normalized, l2});
  }

  const bool validating = options.validation_fraction > 0;
  // A fit's working memory: copies of its rows and of the scored rows, the
  // centred rows, and targets and logits per label, all floats (bounded by
  // twice the labelled nodes' rows and labels).
  const auto num_labels = static_cast<int64_t>(labels.label_names.size());
  const int64_t bytes_per_fit =
      static_cast<int64_t>(labelled.size()) * 2 * (embeddings.cols + num_labels) * 4;
  const FitThreads plan =
      plan_classifier_fits(options.threads, options.classifier.device == "cuda", bytes_per_fit);
  const auto num_choices = static_cast<int64_t>(choices.size());
  const int64_t validation_fits = validating ? options.repeats * num_choices : 0;
  const int64_t total_fits = validation_fits + options.repeats;

  // One setting for the whole run: the best mean validation Macro-F1 over all
  // splits (one split's validation nodes are too few to rank settings on
  // labels as rare as some of Wikipedia's).
  size_t best = 0;
  std::vector<F1Scores> validation(options.repeats);
  if (validating) {
    std::vector<std::vector<F1Scores>> scores(choices.size(),
                                              std::vector<F1Scores>(options.repeats));
    run_classifier_fits(validation_fits, plan, progress, 0, total_fits, [&](int64_t fit) {
      const int64_t repeat = fit / num_choices;
      const auto c = static_cast<size_t>(fit % num_choices);
      const auto [train, test] = split_of(labelled, train_size, options.seed, repeat);
      const ValidationSplit inner = validation_split(train, options.validation_fraction);
      OneVsRestOptions classifier = options.classifier;
      classifier.l2 = choices[c].l2;
      scores[c][repeat] =
          fit_and_score(*choices[c].features, labels, inner.fit, inner.held, classifier);
    });
    double best_macro = -1;
    for (size_t c = 0; c < choices.size(); ++c) {
      double sum = 0;
      for (const auto& f1 : scores[c]) sum += f1.macro;
      if (sum > best_macro) {
        best_macro = sum;
        best = c;
      }
    }
    validation = scores[best];
  }
  const ClassifierChoice& chosen = choices[best];
  OneVsRestOptions classifier = options.classifier;
  classifier.l2 = chosen.l2;
  std::vector<F1Scores> test_scores(options.repeats);
  run_classifier_fits(
      options.repeats, plan, progress, validation_fits, total_fits, [&](int64_t repeat) {
        const auto [train, test] = split_of(labelled, train_size, options.seed, repeat);
        test_scores[repeat] = fit_and_score(*chosen.features, labels, train, test, classifier);
      });
  const SampleStats micro = summarize(micro_f1s(test_scores));
  const SampleStats macro = summarize(macro_f1s(test_scores));
  std::map<std::string, double> scores = {
      {"node/micro_f1", micro.mean},
      {"node/macro_f1", macro.mean},
      {"node/micro_f1_std", micro.stddev},
      {"node/macro_f1_std", macro.stddev},
      {"node/labelled_nodes", static_cast<double>(labelled.size())},
      {"node/labels", static_cast<double>(labels.label_names.size())}};
  if (validating) {
    scores["node/val_micro_f1"] = summarize(micro_f1s(validation)).mean;
    scores["node/val_macro_f1"] = summarize(macro_f1s(validation)).mean;
  }
  if (!options.l2_choices.empty()) scores["node/classifier_l2"] = chosen.l2;
  if (options.normalize_choices.size() > 1) scores["node/normalized"] = chosen.normalized;
  return scores;
}

}  // namespace wb
