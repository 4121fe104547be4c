// The graph heuristics of the paper's Table 4, on hand-counted neighbourhoods,
// and beside the embedding's scores in link prediction.
#include "eval/link_heuristics.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "core/errors.h"
#include "eval/link_prediction.h"
#include "test_support.h"

using namespace wb;

namespace {

// 0-1, 0-2, 1-2, 2-3, 3-4: degrees 2, 2, 3, 2, 1.
Graph small_graph() { return test::make_graph(5, {{0, 1}, {0, 2}, {1, 2}, {2, 3}, {3, 4}}); }

}  // namespace

TEST_CASE("heuristics count the neighbourhoods two nodes share", "[eval]") {
  const Graph graph = small_graph();
  // (0, 3) share node 2 (degree 3); (1, 4) share nothing; (2, 4) share node 3
  // (degree 2); (4, 2) is the same pair reversed.
  const std::vector<NodePair> pairs = {{0, 3}, {1, 4}, {2, 4}, {4, 2}};
  const auto common = heuristic_scores(graph, pairs, LinkHeuristic::kCommonNeighbors);
  CHECK(common == std::vector<double>{1, 0, 1, 1});
  const auto jaccard = heuristic_scores(graph, pairs, LinkHeuristic::kJaccard);
  CHECK(jaccard[0] == Approx(1.0 / 3));  // {2} of {1, 2, 4}
  CHECK(jaccard[1] == 0.0);
  CHECK(jaccard[2] == Approx(1.0 / 3));  // {3} of {0, 1, 3}
  CHECK(jaccard[3] == jaccard[2]);
  const auto adamic_adar = heuristic_scores(graph, pairs, LinkHeuristic::kAdamicAdar);
  CHECK(adamic_adar[0] == Approx(1.0 / std::log(3.0)));
  CHECK(adamic_adar[1] == 0.0);
  CHECK(adamic_adar[2] == Approx(1.0 / std::log(2.0)));
  const auto attachment = heuristic_scores(graph, pairs, LinkHeuristic::kPreferentialAttachment, 2);
  CHECK(attachment == std::vector<double>{4, 2, 3, 3});

  CHECK_THROWS_AS(heuristic_scores(graph, {{0, 5}}, LinkHeuristic::kJaccard), DataError);
}

TEST_CASE("metric keys' methods are told apart: heuristics from operators", "[eval]") {
  for (LinkHeuristic heuristic : all_link_heuristics()) CHECK(is_link_heuristic(name(heuristic)));
  CHECK_FALSE(is_link_heuristic("hadamard"));
  CHECK_FALSE(is_link_heuristic("dot"));
}

TEST_CASE("link prediction scores the heuristics on the residual graph", "[eval]") {
  // Two 12-node cliques joined by one edge: a held-out edge inside a clique
  // keeps 10 common neighbours in the residual graph, a non-edge across has
  // none, so the neighbourhood heuristics rank every test edge first.
  std::vector<std::pair<int, int>> edges = {{0, 12}};
  for (int block = 0; block < 2; ++block) {
    for (int u = 0; u < 12; ++u) {
      for (int v = u + 1; v < 12; ++v) edges.emplace_back(block * 12 + u, block * 12 + v);
    }
  }
  const Graph graph = test::make_graph(24, edges);
  LinkSplitOptions split_options;
  split_options.test_fraction = 0.3;
  split_options.seed = 2;
  const LinkSplit split = split_for_link_prediction(graph, split_options);
  Matrix embeddings(graph.num_nodes(), 4);  // all zero: the embedding knows nothing

  LinkPredictionOptions options;
  options.operators.clear();
  options.heuristics = all_link_heuristics();
  const auto results = evaluate_link_prediction(embeddings, split, options);
  CHECK(results.size() == 30);  // dot and 4 heuristics x 6 measures
  CHECK(results.at("link/dot/roc_auc") == 0.5);
  CHECK(results.at("link/common_neighbors/roc_auc") > 0.9);
  CHECK(results.at("link/jaccard/roc_auc") > 0.9);
  CHECK(results.at("link/adamic_adar/roc_auc") > 0.9);
  CHECK(results.at("link/common_neighbors/hits@20") > 0.5);
  // Degrees differ little between the cliques' nodes: attachment alone ranks poorly.
  CHECK(results.at("link/preferential_attachment/roc_auc") <
        results.at("link/common_neighbors/roc_auc"));
}
