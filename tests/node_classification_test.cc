// Node classification pieces on tiny cases with known answers: the labels
// reader's formats and errors, F1 as scikit-learn computes it, the "k known"
// prediction rule, and a one-vs-rest fit that must separate clean clusters.
#include "eval/node_classification.h"

#include <ATen/Parallel.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <functional>

#include "core/errors.h"
#include "core/random.h"
#include "eval/classifier_fits.h"
#include "eval/metrics.h"
#include "eval/node_labels.h"
#include "eval/one_vs_rest.h"
#include "logistic_minimum.h"
#include "test_support.h"

using namespace wb;

namespace {

Graph named_graph(const std::vector<std::string>& ids) {
  Graph graph = test::make_graph(static_cast<int64_t>(ids.size()), {{0, 1}});
  graph.node_ids = ids;
  return graph;
}

std::string write_file(const std::string& name, const std::string& text) {
  std::ofstream(name) << text;
  return name;
}

// 180 nodes in three clusters: node v carries label v % 3, and
// fill_row(v, row, rng) writes its embedding of `dimension` values.
struct LabelledEmbeddings {
  Matrix embeddings;
  NodeLabels labels;
};
LabelledEmbeddings three_clusters(int64_t dimension, uint64_t seed,
                                  const std::function<void(int, float*, Rng&)>& fill_row) {
  const int nodes = 180;
  LabelledEmbeddings out{Matrix(nodes, dimension), {}};
  out.labels.label_names = {"a", "b", "c"};
  out.labels.of_node.resize(nodes);
  Rng rng(seed, seed);
  for (int v = 0; v < nodes; ++v) {
    fill_row(v, out.embeddings.row(v), rng);
    out.labels.of_node[v] = {v % 3};
  }
  return out;
}

}  // namespace

TEST_CASE("labels files in the datasets' three formats", "[eval][labels]") {
  const Graph graph = named_graph({"a", "b", "c", "d"});
  const NodeLabels spaced =
      read_node_labels(write_file("spaced.txt", "# comment\na 1 2\nb 2\n\nc 3 1\n"), graph);
  REQUIRE(spaced.label_names == std::vector<std::string>{"1", "2", "3"});
  REQUIRE(spaced.of_node[0] == std::vector<int32_t>{0, 1});
  REQUIRE(spaced.of_node[2] == std::vector<int32_t>{0, 2});
  REQUIRE(spaced.of_node[3].empty());
  REQUIRE(spaced.labelled_nodes() == 3);
  REQUIRE(spaced.multi_label());

  // One `node,group` pair per line, repeated nodes accumulate, CRLF ends.
  const NodeLabels csv =
      read_node_labels(write_file("pairs.csv", "a,x\r\nb,y\r\na,y\r\na,x\r\n"), graph);
  REQUIRE(csv.of_node[0] == std::vector<int32_t>{0, 1});
  REQUIRE(csv.of_node[1] == std::vector<int32_t>{1});

  const NodeLabels single =
      read_node_labels(write_file("single.txt", "node label\na 7\nd 8\n"), graph, /*header=*/true);
  REQUIRE(!single.multi_label());
  REQUIRE(single.label_names == std::vector<std::string>{"7", "8"});
}

TEST_CASE("labels naming unknown nodes or missing a label are refused with file and line",
          "[eval][labels][bad-input]") {
  const Graph graph = named_graph({"a", "b"});
  REQUIRE_THROWS_WITH(read_node_labels(write_file("unknown.txt", "a 1\nzz 2\n"), graph),
                      Catch::Contains("unknown.txt:2") && Catch::Contains("\"zz\"") &&
                          Catch::Contains("not in the graph"));
  REQUIRE_THROWS_WITH(read_node_labels(write_file("bare.txt", "a 1\nb\n"), graph),
                      Catch::Contains("bare.txt:2") && Catch::Contains("at least one label"));
  REQUIRE_THROWS_WITH(read_node_labels(write_file("empty.txt", "# nothing\n"), graph),
                      Catch::Contains("no labelled node"));
  REQUIRE_THROWS_AS(read_node_labels("no-such-labels.txt", graph), DataError);
}

TEST_CASE("F1 scores match scikit-learn's micro and macro averages", "[eval]") {
  // sklearn: y_true = [[0], [1], [0, 2]], y_pred = [[0], [2], [0, 1]] over 3 labels
  // micro: tp 2, fp 2, fn 2 -> 0.5; macro: label 0 F1 1, label 1 0, label 2 0 -> 1/3.
  const F1Scores f1 = f1_scores({{0}, {1}, {0, 2}}, {{0}, {2}, {0, 1}}, 3);
  REQUIRE(f1.micro == Approx(0.5));
  REQUIRE(f1.macro == Approx(1.0 / 3.0));
  // A label never true nor predicted counts 0 in the macro average.
  const F1Scores unused = f1_scores({{0}, {1}}, {{0}, {1}}, 4);
  REQUIRE(unused.micro == Approx(1.0));
  REQUIRE(unused.macro == Approx(0.5));
}

TEST_CASE("each node is predicted as many labels as it truly has", "[eval]") {
  Matrix scores(2, 4);
  scores.values = {0.1f, 0.9f, 0.5f, -1.0f,  //
                   2.0f, 2.0f, 0.0f, 3.0f};
  const auto predicted = top_labels(scores, {2, 1});
  REQUIRE(predicted[0] == std::vector<int32_t>{1, 2});
  REQUIRE(predicted[1] == std::vector<int32_t>{3});
}

TEST_CASE("one-vs-rest classification separates clustered embeddings", "[eval]") {
  // 3 clusters in 8 dimensions; cluster c carries label c, and cluster 2 also label 3.
  const int per_cluster = 60;
  Matrix embeddings(3 * per_cluster, 8);
  NodeLabels labels;
  labels.label_names = {"a", "b", "c", "d"};
  labels.of_node.resize(3 * per_cluster);
  Rng rng(3, 3);
  for (int v = 0; v < 3 * per_cluster; ++v) {
    const int cluster = v % 3;
    for (int j = 0; j < 8; ++j) {
      embeddings.row(v)[j] = (j == cluster ? 1.0f : 0.0f) + 0.2f * (rng.uniform_float() - 0.5f);
    }
    labels.of_node[v] = cluster == 2 ? std::vector<int32_t>{2, 3} : std::vector<int32_t>{cluster};
  }
  NodeClassificationOptions options;
  options.repeats = 3;
  options.validation_fraction = 0.25;
  const auto scores = evaluate_node_classification(embeddings, labels, options);
  REQUIRE(scores.at("node/val_macro_f1") == Approx(1.0));
  REQUIRE(scores.at("node/micro_f1") == Approx(1.0));
  REQUIRE(scores.at("node/macro_f1") == Approx(1.0));
  REQUIRE(scores.at("node/labelled_nodes") == 180);

  // Random embeddings carry no signal: F1 far from perfect.
  for (float& value : embeddings.values) value = rng.uniform_float();
  const auto noise = evaluate_node_classification(embeddings, labels, options);
  REQUIRE(noise.at("node/macro_f1") < 0.7);

  options.train_fraction = 0.001;
  REQUIRE_THROWS_AS(evaluate_node_classification(embeddings, labels, options), DataError);
}

TEST_CASE("the classifier's l2 is chosen on validation nodes, then refitted", "[eval]") {
  // Three faint clusters: strong regularisation flattens the weights and
  // predicts one label for every node, weak regularisation separates them.
  const auto [embeddings, labels] = three_clusters(8, 5, [](int v, float* row, Rng& rng) {
    for (int j = 0; j < 8; ++j) {
      row[j] = (j == v % 3 ? 0.1f : 0.0f) + 0.05f * (rng.uniform_float() - 0.5f);
    }
  });
  NodeClassificationOptions options;
  options.repeats = 3;
  options.validation_fraction = 0.25;
  options.classifier.l2 = 0.01;
  const auto weak = evaluate_node_classification(embeddings, labels, options);
  options.classifier.l2 = 1e4;
  const auto strong = evaluate_node_classification(embeddings, labels, options);
  REQUIRE(weak.at("node/macro_f1") > strong.at("node/macro_f1") + 0.3);
  REQUIRE(strong.count("node/classifier_l2") == 0);

  options.l2_choices = {1e4, 0.01};
  const auto chosen = evaluate_node_classification(embeddings, labels, options);
  REQUIRE(chosen.at("node/classifier_l2") == Approx(0.01));
  // The same fits as the fixed weak setting: the choice adds nothing else.
  REQUIRE(chosen.at("node/macro_f1") == weak.at("node/macro_f1"));
  REQUIRE(chosen.at("node/micro_f1") == weak.at("node/micro_f1"));
  REQUIRE(chosen.at("node/val_macro_f1") == weak.at("node/val_macro_f1"));

  options.validation_fraction = 0;
  REQUIRE_THROWS_AS(evaluate_node_classification(embeddings, labels, options), ConfigError);
}

TEST_CASE("unit-length rows are chosen when the label is in the direction alone", "[eval]") {
  // Three directions, each row scaled by a factor between 0.001 and 10: raw
  // rows near the origin carry almost no signal, unit rows all do.
  const auto [embeddings, labels] = three_clusters(4, 7, [](int v, float* row, Rng& rng) {
    const float scale = std::pow(10.0f, 4.0f * rng.uniform_float() - 3.0f);
    for (int j = 0; j < 4; ++j)
      row[j] = scale * ((j == v % 3 ? 1.0f : 0.0f) + 0.1f * rng.uniform_float());
  });
  NodeClassificationOptions options;
  options.repeats = 3;
  options.validation_fraction = 0.25;
  const auto raw = evaluate_node_classification(embeddings, labels, options);
  options.normalize_choices = {"l2"};
  const auto unit = evaluate_node_classification(embeddings, labels, options);
  REQUIRE(unit.at("node/macro_f1") > raw.at("node/macro_f1") + 0.1);
  REQUIRE(unit.at("node/macro_f1") > 0.95);

  options.normalize_choices = {"none", "l2"};
  const auto chosen = evaluate_node_classification(embeddings, labels, options);
  REQUIRE(chosen.at("node/normalized") == 1.0);
  REQUIRE(chosen.at("node/macro_f1") == unit.at("node/macro_f1"));
}

TEST_CASE("classifier fits side by side score exactly as fits in turn", "[eval]") {
  const auto [embeddings, labels] = three_clusters(8, 11, [](int v, float* row, Rng& rng) {
    for (int j = 0; j < 8; ++j) {
      row[j] = (j == v % 3 ? 0.1f : 0.0f) + 0.08f * (rng.uniform_float() - 0.5f);
    }
  });
  NodeClassificationOptions options;
  options.repeats = 5;
  options.validation_fraction = 0.25;
  options.l2_choices = {1.0, 0.1, 0.01};
  options.normalize_choices = {"none", "l2"};
  const int torch_threads = at::get_num_threads();
  options.threads = 1;
  const auto in_turn = evaluate_node_classification(embeddings, labels, options);
  options.threads = 3;
  const auto side_by_side = evaluate_node_classification(embeddings, labels, options);
  REQUIRE(in_turn == side_by_side);
  REQUIRE(in_turn.at("node/macro_f1") > 0.5);
  // The fits' one-thread setting does not outlive them.
  REQUIRE(at::get_num_threads() == torch_threads);
}

namespace {

// The fitted classifier's objective, summed over labels.
double fitted_objective(const Matrix& x, const std::vector<std::vector<double>>& y,
                        const OneVsRestClassifier& fitted, double l2) {
  double total = 0;
  for (size_t l = 0; l < y.size(); ++l) {
    std::vector<double> w;
    for (int64_t j = 0; j < x.cols; ++j) w.push_back(fitted.weights().row(j)[l]);
    total += test::logistic_objective(x, y[l], w, fitted.intercepts()[l], l2);
  }
  return total;
}

}  // namespace

TEST_CASE("the whitened one-vs-rest fit reaches the optimum the raw fit stops short of", "[eval]") {
  // Embedding-like rows at their worst for raw L-BFGS: correlated columns
  // with means far from zero and spreads from 0.01 to 100. Each row's label
  // is the best of three linear scores of the underlying signal, plus noise.
  const int64_t n = 300, d = 12, num_labels = 3;
  Matrix x(n, d);
  std::vector<std::vector<int32_t>> labels(n);
  std::vector<std::vector<double>> indicators(num_labels, std::vector<double>(n, 0.0));
  Rng rng(17, 17);
  for (int64_t i = 0; i < n; ++i) {
    float signal[4];
    for (float& s : signal) s = rng.uniform_float() + rng.uniform_float() - 1.0f;
    for (int64_t j = 0; j < d; ++j) {
      const float spread = std::pow(10.0f, -2.0f + 4.0f * static_cast<float>(j) / (d - 1));
      x.row(i)[j] = 3.0f + spread * (signal[j % 4] + 0.5f * signal[(j + 1) % 4] +
                                     0.3f * (rng.uniform_float() - 0.5f));
    }
    float best = -1e9f;
    for (int32_t l = 0; l < num_labels; ++l) {
      const float score = signal[l] - 0.5f * signal[3] + 0.4f * rng.uniform_float();
      if (score > best) {
        best = score;
        labels[i] = {l};
      }
    }
    indicators[labels[i][0]][i] = 1.0;
  }
  for (double l2 : {1.0, 0.01}) {
    CAPTURE(l2);
    double minimum = 0;
    for (int l = 0; l < num_labels; ++l) minimum += test::logistic_minimum(x, indicators[l], l2);
    OneVsRestOptions options;
    options.l2 = l2;
    OneVsRestClassifier whitened(options);
    whitened.fit(x, labels, num_labels);
    REQUIRE(fitted_objective(x, indicators, whitened, l2) == Approx(minimum).margin(1e-6));

    // The reference, L-BFGS on the raw weights, stops well above the minimum
    // (its line search cannot make progress) even when given 20000 iterations.
    options.whiten = false;
    options.max_iterations = 20000;
    OneVsRestClassifier raw(options);
    raw.fit(x, labels, num_labels);
    REQUIRE(fitted_objective(x, indicators, raw, l2) > minimum + 1e-5);
  }
}

TEST_CASE("classifier fits run side by side only while their memory stays under 1 GiB", "[eval]") {
  const int64_t mib = int64_t{1} << 20;
  auto plan = [](int threads, bool cuda, int64_t bytes) {
    const FitThreads p = plan_classifier_fits(threads, cuda, bytes);
    return std::make_pair(p.side_by_side, p.in_turn);
  };
  REQUIRE(plan(8, false, 10 * mib) == std::make_pair(8, 8));
  REQUIRE(plan(8, false, 300 * mib) == std::make_pair(3, 8));
  // One fit at a time runs in turn, parallel inside each operation on the
  // run's threads instead.
  REQUIRE(plan(8, false, 600 * mib) == std::make_pair(0, 8));
  REQUIRE(plan(1, false, 10 * mib) == std::make_pair(0, 1));
  REQUIRE(plan(8, true, 10 * mib) == std::make_pair(0, 8));
}

TEST_CASE("fits in turn use the run's threads and leave LibTorch's count as it was", "[eval]") {
  const int before = at::get_num_threads();
  int inside = 0;
  run_classifier_fits(2, FitThreads{0, 3}, {}, 0, 2,
                      [&](int64_t) { inside = at::get_num_threads(); });
  REQUIRE(inside == 3);
  REQUIRE(at::get_num_threads() == before);
}
