#include "eval/link_prediction.h"

#include <ATen/Parallel.h>

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/random.h"
#include "eval/logistic_regression.h"
#include "eval/metrics.h"
#include "graph/graph.h"
#include "logistic_minimum.h"

namespace {

// Symmetric noise in [-scale, scale).
float noise(wb::Rng& rng, float scale) { return scale * (2.0f * rng.uniform_float() - 1.0f); }

// Two cliques of `size` nodes joined by two edges.
wb::Graph two_cliques(int size) {
  wb::EdgeList list;
  for (int i = 0; i < 2 * size; ++i) list.node_ids.push_back(std::to_string(i));
  for (int block = 0; block < 2; ++block) {
    for (int u = 0; u < size; ++u) {
      for (int v = u + 1; v < size; ++v) {
        list.src.push_back(block * size + u);
        list.dst.push_back(block * size + v);
      }
    }
  }
  list.src.insert(list.src.end(), {0, 1});
  list.dst.insert(list.dst.end(), {size, size + 1});
  return wb::build_graph(list, wb::GraphBuildOptions{});
}

// Uniform random edges; a path through all nodes keeps the graph connected.
wb::Graph random_graph(int nodes, int edges, uint64_t seed) {
  wb::Rng rng(seed, 0);
  wb::EdgeList list;
  for (int i = 0; i < nodes; ++i) list.node_ids.push_back(std::to_string(i));
  for (int i = 0; i + 1 < nodes; ++i) {
    list.src.push_back(i);
    list.dst.push_back(i + 1);
  }
  for (int e = 0; e < edges; ++e) {
    list.src.push_back(static_cast<wb::NodeId>(rng.below(nodes)));
    list.dst.push_back(static_cast<wb::NodeId>(rng.below(nodes)));
  }
  return wb::build_graph(list, wb::GraphBuildOptions{});
}

}  // namespace

TEST_CASE("logistic regression separates a linearly separable set", "[eval]") {
  wb::Rng rng(1, 0);
  std::vector<float> values;
  std::vector<int> labels;
  while (labels.size() < 300) {
    const float a = noise(rng, 3.0f);
    const float b = noise(rng, 3.0f);
    const float c = noise(rng, 3.0f);  // irrelevant
    const float margin = 2.0f * a - b + 1.0f;
    if (margin > -0.3f && margin < 0.3f) continue;
    // Offset and scale the columns so that standardisation has work to do.
    values.insert(values.end(), {100.0f + a, 0.01f * b, c});
    labels.push_back(margin > 0 ? 1 : 0);
  }
  wb::Matrix x(static_cast<int64_t>(labels.size()), 3);
  x.values = values;

  wb::LogisticRegression model;
  model.fit(x, labels);
  const std::vector<double> p = model.predict_proba(x);
  REQUIRE(p.size() == labels.size());
  int correct = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    CHECK(p[i] >= 0.0);
    CHECK(p[i] <= 1.0);
    correct += (p[i] > 0.5) == (labels[i] == 1) ? 1 : 0;
  }
  CHECK(correct == static_cast<int>(labels.size()));
  // The recovered direction is 2a - b: positive on a, negative on b.
  CHECK(model.weights()[0] > 0.0);
  CHECK(model.weights()[1] < 0.0);

  // Same input, same model.
  wb::LogisticRegression again;
  again.fit(x, labels);
  CHECK(again.weights() == model.weights());
  CHECK(again.intercept() == model.intercept());
}

TEST_CASE("logistic regression is at chance on random labels", "[eval]") {
  wb::Rng rng(2, 0);
  const int64_t n = 2000;
  wb::Matrix x(n, 5);
  for (float& v : x.values) v = noise(rng, 1.0f);
  std::vector<int> labels(n);
  for (int& y : labels) y = static_cast<int>(rng.below(2));

  wb::Matrix train(n / 2, 5);
  wb::Matrix test(n / 2, 5);
  train.values.assign(x.values.begin(), x.values.begin() + (n / 2) * 5);
  test.values.assign(x.values.begin() + (n / 2) * 5, x.values.end());
  const std::vector<int> train_labels(labels.begin(), labels.begin() + n / 2);
  const std::vector<int> test_labels(labels.begin() + n / 2, labels.end());

  wb::LogisticRegression model;
  model.fit(train, train_labels);
  const double auc = wb::roc_auc(model.predict_proba(test), test_labels);
  CHECK(auc > 0.43);
  CHECK(auc < 0.57);
}

TEST_CASE("the one-pass logistic fit matches LibTorch autograd's", "[eval]") {
  // Overlapping classes (a fit that does not run off to infinity), offset and
  // scaled columns, and more rows than one chunk of the pass, on 1 and 3 threads.
  wb::Rng rng(3, 0);
  const int64_t n = 20000, d = 16;
  wb::Matrix x(n, d);
  std::vector<int> labels(n);
  for (int64_t i = 0; i < n; ++i) {
    double margin = 0;
    for (int64_t j = 0; j < d; ++j) {
      const float v = noise(rng, 1.0f);
      x.values[i * d + j] = 5.0f * static_cast<float>(j) + v * (1.0f + static_cast<float>(j));
      margin += (j % 3 == 0 ? 1.0 : -0.5) * v;
    }
    labels[i] = margin + noise(rng, 1.5f) > 0 ? 1 : 0;
  }
  for (const double l2 : {1.0, 100.0}) {
    wb::LogisticRegressionOptions reference_options;
    reference_options.l2 = l2;
    reference_options.autograd = true;
    wb::LogisticRegression reference(reference_options);
    reference.fit(x, labels);
    for (const int threads : {1, 3}) {
      wb::LogisticRegressionOptions options;
      options.l2 = l2;
      options.threads = threads;
      wb::LogisticRegression one_pass(options);
      one_pass.fit(x, labels);
      INFO("l2 " << l2 << ", threads " << threads);
      for (int64_t j = 0; j < d; ++j) {
        CHECK(one_pass.weights()[j] == Approx(reference.weights()[j]).margin(1e-4).epsilon(1e-3));
      }
      CHECK(one_pass.intercept() == Approx(reference.intercept()).margin(1e-3).epsilon(1e-3));
      const std::vector<double> ours = one_pass.decision_function(x);
      const std::vector<double> theirs = reference.decision_function(x);
      double largest = 0;
      for (int64_t i = 0; i < n; ++i) largest = std::max(largest, std::abs(ours[i] - theirs[i]));
      CHECK(largest < 1e-3);
      CHECK(wb::roc_auc(ours, labels) == Approx(wb::roc_auc(theirs, labels)).margin(1e-5));
    }
  }
}

TEST_CASE("the whitened logistic fit reaches the optimum on strongly correlated features",
          "[eval]") {
  // Twelve columns from four latent values, three nearly equal columns each
  // (correlation 0.998), as the operators' products of embedding dimensions
  // can be; the label is noisy in one latent direction.
  wb::Rng rng(5, 0);
  const int64_t n = 2000, d = 12;
  wb::Matrix x(n, d);
  std::vector<int> labels(n);
  for (int64_t i = 0; i < n; ++i) {
    float latent[4];
    for (float& v : latent) v = noise(rng, 1.0f);
    for (int64_t j = 0; j < d; ++j) {
      x.values[i * d + j] = 2.0f + latent[j % 4] + noise(rng, 0.05f);
    }
    labels[i] = latent[0] - latent[1] + noise(rng, 1.0f) > 0 ? 1 : 0;
  }
  // The objective is stated on standardised features: its minimum there.
  wb::Matrix standardised = x;
  std::vector<double> mean(d, 0.0), scale(d, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < d; ++j) mean[j] += x.values[i * d + j] / static_cast<double>(n);
  }
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < d; ++j) scale[j] += std::pow(x.values[i * d + j] - mean[j], 2) / n;
  }
  for (double& s : scale) s = std::sqrt(s);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < d; ++j) {
      standardised.values[i * d + j] =
          static_cast<float>((x.values[i * d + j] - mean[j]) / scale[j]);
    }
  }
  const std::vector<double> y(labels.begin(), labels.end());
  for (const double l2 : {1.0, 0.01}) {
    INFO("l2 " << l2);
    const double minimum = wb::test::logistic_minimum(standardised, y, l2);
    auto objective_of = [&](const wb::LogisticRegression& model) {
      std::vector<double> w(d);
      double b = model.intercept();
      for (int64_t j = 0; j < d; ++j) {
        w[j] = model.weights()[j] * scale[j];
        b += model.weights()[j] * mean[j];
      }
      return wb::test::logistic_objective(standardised, y, w, b, l2);
    };
    wb::LogisticRegressionOptions options;
    options.l2 = l2;
    wb::LogisticRegression whitened(options);
    whitened.fit(x, labels);
    CHECK(objective_of(whitened) == Approx(minimum).margin(1e-6));
    options.whiten = false;
    wb::LogisticRegression standardised_only(options);
    standardised_only.fit(x, labels);
    CHECK(objective_of(standardised_only) == Approx(minimum).margin(1e-6));
    // The same optimum in fewer passes over the features (11 against 27 and
    // 19 against 37 when written).
    CHECK(whitened.evaluations() * 3 < standardised_only.evaluations() * 2);
  }
}

TEST_CASE("link prediction refuses, naming a cap, scores whose features would not fit", "[eval]") {
  wb::LinkSplit split;
  split.test_edges.resize(1'000'000);
  split.train_edges.resize(1'000'000);
  // 2M rows of 128 floats: 0.95 GiB, beside 2 tables of 100K x 128 (0.1 GiB).
  const double gib = 1024.0 * 1024.0 * 1024.0;
  CHECK_NOTHROW(wb::check_link_prediction_memory(split, 100'000, 128, 1.1 * gib));
  CHECK_THROWS_AS(wb::check_link_prediction_memory(split, 100'000, 128, 0.5 * gib),
                  wb::ResourceError);
  // 80% of 0.5 GiB less the tables leaves room for 0.3 GiB of features:
  // 327K edges' rows, rounded down to 300000.
  CHECK_THROWS_WITH(
      wb::check_link_prediction_memory(split, 100'000, 128, 0.5 * gib),
      Catch::Contains("eval.max_test_edges = 300000") && Catch::Contains("1000000 held-out edges"));
  CHECK_THROWS_WITH(
      wb::check_link_prediction_memory(split, 100'000, 128, 0.1 * gib),
      Catch::Contains("lower train.dimension") && !Catch::Contains("eval.max_test_edges ="));
}

TEST_CASE("logistic regression rejects bad input", "[eval]") {
  wb::Matrix x(3, 2);
  wb::LogisticRegression model;
  CHECK_THROWS_AS(model.predict_proba(x), wb::Error);
  CHECK_THROWS_AS(model.fit(x, {1, 1, 1}), wb::Error);
  CHECK_THROWS_AS(model.fit(x, {1, 0}), wb::Error);
  CHECK_THROWS_AS(model.fit(x, {1, 0, 2}), wb::Error);
}

TEST_CASE("link prediction scores informative embeddings highly", "[eval]") {
  const wb::Graph graph = two_cliques(25);
  wb::LinkSplitOptions split_options;
  split_options.seed = 4;
  const wb::LinkSplit split = wb::split_for_link_prediction(graph, split_options);

  // One-hot community plus noise in every dimension.
  wb::Rng rng(3, 0);
  wb::Matrix embeddings(graph.num_nodes(), 8);
  for (int64_t i = 0; i < embeddings.rows; ++i) {
    for (int64_t j = 0; j < embeddings.cols; ++j) embeddings.row(i)[j] = noise(rng, 0.2f);
    embeddings.row(i)[i < 25 ? 0 : 1] += 1.0f;
  }
  const std::map<std::string, double> results =
      wb::evaluate_link_prediction(embeddings, split, wb::LinkPredictionOptions{});
  CHECK(results.size() == 30);  // 5 methods x (AUC, AP, Hits@20/50/100, MRR)
  wb::LinkPredictionOptions with_validation;
  with_validation.validation_fraction = 0.3;
  const auto validated = wb::evaluate_link_prediction(embeddings, split, with_validation);
  CHECK(validated.size() == 35);
  CHECK(validated.at("link/hadamard/val_roc_auc") > 0.9);
  CHECK(validated.at("link/hadamard/roc_auc") == results.at("link/hadamard/roc_auc"));
  for (const char* method : {"average", "hadamard", "weighted_l1", "weighted_l2", "dot"}) {
    INFO(method);
    for (const char* metric : {"roc_auc", "ap", "hits@20", "hits@50", "hits@100", "mrr"}) {
      REQUIRE(results.count(std::string("link/") + method + "/" + metric) == 1);
    }
  }
  // Separable scores rank nearly every positive first among 100 negatives.
  CHECK(results.at("link/dot/mrr") > 0.5);
  CHECK(results.at("link/hadamard/roc_auc") > 0.9);
  CHECK(results.at("link/hadamard/ap") > 0.9);
  CHECK(results.at("link/dot/roc_auc") > 0.9);
  CHECK(results.at("link/dot/ap") > 0.9);
  CHECK(results.at("link/weighted_l1/roc_auc") > 0.9);
  CHECK(results.at("link/weighted_l2/roc_auc") > 0.9);

  // Fits side by side (one LibTorch thread each) score as fits in turn, up to
  // summation order.
  const int torch_threads = at::get_num_threads();
  with_validation.classifier.threads = 3;
  const auto side_by_side = wb::evaluate_link_prediction(embeddings, split, with_validation);
  REQUIRE(side_by_side.size() == validated.size());
  for (const auto& [key, value] : validated) {
    INFO(key);
    CHECK(side_by_side.at(key) == Approx(value).margin(1e-6));
  }
  CHECK(at::get_num_threads() == torch_threads);
}

TEST_CASE("held-out validation edges are scored by the test fit", "[eval]") {
  const wb::Graph graph = two_cliques(25);
  wb::LinkSplitOptions split_options;
  split_options.seed = 4;
  split_options.test_fraction = 0.4;
  split_options.validation_fraction = 0.1;
  const wb::LinkSplit split = wb::split_for_link_prediction(graph, split_options);
  REQUIRE_FALSE(split.validation_edges.empty());
  wb::Rng rng(3, 0);
  wb::Matrix embeddings(graph.num_nodes(), 8);
  for (int64_t i = 0; i < embeddings.rows; ++i) {
    for (int64_t j = 0; j < embeddings.cols; ++j) embeddings.row(i)[j] = noise(rng, 0.2f);
    embeddings.row(i)[i < 25 ? 0 : 1] += 1.0f;
  }
  wb::LinkPredictionOptions options;
  options.operators = {wb::EdgeOperator::kHadamard};
  // Asked for or not, validation comes from the split's own edges.
  for (double fraction : {0.0, 0.3}) {
    options.validation_fraction = fraction;
    const auto results = wb::evaluate_link_prediction(embeddings, split, options);
    CHECK(results.size() == 14);  // 2 methods x 6 measures + 2 validation scores
    CHECK(results.at("link/hadamard/val_roc_auc") > 0.9);
    CHECK(results.at("link/dot/val_roc_auc") > 0.9);
  }
  // Noise alone: validation at chance too.
  for (float& v : embeddings.values) v = noise(rng, 1.0f);
  const auto noise_only = wb::evaluate_link_prediction(embeddings, split, options);
  CHECK(noise_only.at("link/hadamard/val_roc_auc") < 0.75);
}

TEST_CASE("link prediction is at chance for random embeddings", "[eval]") {
  // Not the cliques: there train and test positives together are nearly all
  // within-clique pairs, so whatever a classifier fits on one is anti-fitted
  // on the other, and random embeddings score systematically below 0.5.
  const wb::Graph graph = random_graph(300, 1500, 8);
  wb::LinkSplitOptions split_options;
  split_options.seed = 4;
  const wb::LinkSplit split = wb::split_for_link_prediction(graph, split_options);

  wb::Rng rng(5, 0);
  wb::Matrix embeddings(graph.num_nodes(), 8);
  for (float& v : embeddings.values) v = noise(rng, 1.0f);
  wb::LinkPredictionOptions options;
  options.operators = {wb::EdgeOperator::kHadamard};
  const std::map<std::string, double> results =
      wb::evaluate_link_prediction(embeddings, split, options);
  CHECK(results.size() == 12);
  // About 900 test pairs: the AUC's standard deviation is about 0.02.
  CHECK(results.at("link/hadamard/roc_auc") > 0.42);
  CHECK(results.at("link/hadamard/roc_auc") < 0.58);
  CHECK(results.at("link/dot/roc_auc") > 0.42);
  CHECK(results.at("link/dot/roc_auc") < 0.58);
  // At chance a positive ranks in the middle of 101: MRR near ln(101)/101 ~ 0.05.
  CHECK(results.at("link/dot/mrr") < 0.15);

  wb::Matrix too_small(graph.num_nodes() - 1, 8);
  CHECK_THROWS_AS(wb::evaluate_link_prediction(too_small, split, options), wb::DataError);
}
