#include <catch2/catch.hpp>
#include <map>

#include "core/alias_table.h"
#include "core/errors.h"
#include "test_support.h"
#include "walk/node2vec_bias.h"
#include "walk/walk_sampler.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

// Two triangles joined through node 3, plus a tail: common neighbours,
// returns and outward moves all occur.
Graph small_graph(bool weighted) {
  const std::vector<std::pair<int, int>> edges = {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3},
                                                  {3, 4}, {4, 5}, {3, 5}, {5, 6}};
  std::vector<float> weights;
  if (weighted) weights = {1, 2, 3, 1, 0.5, 2, 1, 4, 1};
  return test::make_graph(7, edges, weights);
}

// Arcs one way or both, so the arc back to the previous node is sometimes
// missing: node2vec's return move exists only where it is.
Graph directed_graph(bool weighted) {
  const std::vector<std::pair<int, int>> arcs = {{0, 1}, {1, 0}, {0, 2}, {2, 0}, {2, 1}, {1, 2},
                                                 {1, 3}, {3, 1}, {2, 3}, {3, 4}, {4, 3}, {4, 5},
                                                 {5, 3}, {3, 5}, {5, 6}, {6, 5}, {6, 4}};
  std::vector<float> weights;
  if (weighted) weights = {1, 2, 3, 1, 0.5, 2, 1, 4, 1, 2, 0.5, 1, 3, 1, 2, 1, 1.5};
  return test::make_graph(7, arcs, weights, true);
}

// The node2vec formula: P(x | t, v) proportional to w(v, x) * alpha(t, x).
std::vector<double> expected_transition(const Graph& g, NodeId t, NodeId v, double p, double q) {
  const Node2vecBias bias{1.0 / p, 1.0 / q};
  std::vector<double> probabilities;
  double sum = 0;
  for (int64_t arc = g.offsets[v]; arc < g.offsets[v + 1]; ++arc) {
    probabilities.push_back(g.weight(arc) * bias(g, t, g.targets[arc]));
    sum += probabilities.back();
  }
  for (double& value : probabilities) value /= sum;
  return probabilities;
}

// Checks every observed (t, v) -> x distribution against the formula.
void check_second_order_frequencies(const std::string& sampler_name, const Graph& graph, double p,
                                    double q) {
  auto sampler = make_walk_sampler(sampler_name);
  WalkOptions options;
  options.walks_per_node = 3000;
  options.walk_length = 20;
  options.p = p;
  options.q = q;
  options.seed = 7;
  options.threads = 2;
  const Walks walks = generate_walks(*sampler, graph, options, {});
  std::map<std::pair<NodeId, NodeId>, std::map<NodeId, double>> counts;
  for (int64_t w = 0; w < walks.num_walks; ++w) {
    const NodeId* walk = walks.walk(w);
    for (int64_t i = 2; i < walks.walk_length; ++i) counts[{walk[i - 2], walk[i - 1]}][walk[i]]++;
  }
  for (const auto& [history, next_counts] : counts) {
    for (const auto& next : next_counts) {
      INFO(sampler_name << ": " << history.second << " -> " << next.first);
      REQUIRE(graph.has_arc(history.second, next.first));
    }
  }
  int checked = 0;
  for (const auto& [history, next_counts] : counts) {
    const auto [t, v] = history;
    const auto expected = expected_transition(graph, t, v, p, q);
    std::vector<double> observed;
    for (int64_t arc = graph.offsets[v]; arc < graph.offsets[v + 1]; ++arc) {
      auto found = next_counts.find(graph.targets[arc]);
      observed.push_back(found == next_counts.end() ? 0.0 : found->second);
    }
    double total = 0;
    for (double c : observed) total += c;
    if (total < 2000 || observed.size() < 2) continue;
    INFO(sampler_name << " t=" << t << " v=" << v);
    REQUIRE(test::chi_square(observed, expected) <
            test::chi_square_critical_999(static_cast<int>(observed.size()) - 1));
    ++checked;
  }
  REQUIRE(checked >= 10);
}

}  // namespace

TEST_CASE("alias tables draw with the given frequencies", "[walk][alias]") {
  const std::vector<double> weights = {1, 0, 3, 0.5, 5.5, 10};
  const AliasTable table(weights);
  Rng rng(3, 0);
  std::vector<double> counts(weights.size(), 0);
  for (int i = 0; i < 200000; ++i) counts[table.sample(rng)]++;
  std::vector<double> probabilities;
  for (double w : weights) probabilities.push_back(w / 20.0);
  REQUIRE(counts[1] == 0);
  REQUIRE(test::chi_square(counts, probabilities) < test::chi_square_critical_999(5));
}

TEST_CASE("alias tables built with reused scratch equal tables built afresh", "[walk][alias]") {
  // Sizes up and down, so the scratch holds leftovers longer than the next table.
  AliasScratch scratch;
  Rng rng(11, 0);
  for (const int64_t n : {1, 7, 300, 2, 45, 1000, 3, 64}) {
    std::vector<double> weights(static_cast<size_t>(n));
    for (double& weight : weights) weight = rng.uniform() < 0.2 ? 0.0 : rng.uniform() * 10;
    weights[0] = 1.5;  // a positive sum
    std::vector<float> fresh_probability(n), reused_probability(n);
    std::vector<int32_t> fresh_alias(n), reused_alias(n);
    build_alias(weights.data(), n, fresh_probability.data(), fresh_alias.data());
    build_alias(weights.data(), n, reused_probability.data(), reused_alias.data(), scratch);
    INFO(n << " weights");
    REQUIRE(reused_probability == fresh_probability);
    REQUIRE(reused_alias == fresh_alias);
  }
}

TEST_CASE("node2vec transitions follow the formula", "[walk][node2vec]") {
  SECTION("exact alias tables, unweighted") {
    check_second_order_frequencies("node2vec", small_graph(false), 0.5, 2.0);
  }
  SECTION("exact alias tables, weighted") {
    check_second_order_frequencies("node2vec", small_graph(true), 4.0, 0.25);
  }
  SECTION("exact alias tables, directed") {
    check_second_order_frequencies("node2vec", directed_graph(true), 0.25, 2.0);
  }
  // 1/p above max(1, 1/q) folds the return out of the envelope; below, not.
  SECTION("rejection sampling, unweighted, return folded") {
    check_second_order_frequencies("node2vec-rejection", small_graph(false), 0.5, 2.0);
  }
  SECTION("rejection sampling, unweighted, return folded, 1/q < 1 below the envelope") {
    check_second_order_frequencies("node2vec-rejection", small_graph(false), 0.25, 4.0);
  }
  SECTION("rejection sampling, weighted, return folded") {
    check_second_order_frequencies("node2vec-rejection", small_graph(true), 0.25, 2.0);
  }
  SECTION("rejection sampling, weighted, nothing folded") {
    check_second_order_frequencies("node2vec-rejection", small_graph(true), 4.0, 0.25);
  }
  SECTION("rejection sampling, directed, return folded where the arc back exists") {
    check_second_order_frequencies("node2vec-rejection", directed_graph(false), 0.25, 1.0);
    check_second_order_frequencies("node2vec-rejection", directed_graph(true), 0.5, 2.0);
  }
  SECTION("uniform is node2vec with p = q = 1") {
    check_second_order_frequencies("uniform", small_graph(true), 1, 1);
  }
}

TEST_CASE("folding the return changes no walk where it does not apply", "[walk][node2vec]") {
  // Walks drawn before folding existed, by the rejection sampler of 8ca8058
  // (seed 7, p = 4, q = 0.25, weighted small graph): 1/p is below the
  // envelope there, so the draws and the walks must be the same.
  const Graph graph = small_graph(true);
  WalkOptions options;
  options.walks_per_node = 1;
  options.walk_length = 12;
  options.p = 4;
  options.q = 0.25;
  options.seed = 7;
  auto sampler = make_walk_sampler("node2vec-rejection");
  const Walks walks = generate_walks(*sampler, graph, options, {});
  const std::vector<NodeId> first_two(walks.nodes.begin(), walks.nodes.begin() + 24);
  REQUIRE(first_two == std::vector<NodeId>{0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 0,
                                           1, 2, 3, 5, 6, 5, 3, 5, 6, 5, 4, 3});
}

TEST_CASE("walks are the same whatever the thread count", "[walk]") {
  const Graph graph = small_graph(true);
  for (const auto& name : walk_sampler_names()) {
    WalkOptions options;
    options.walks_per_node = 50;
    options.walk_length = 30;
    options.p = 0.5;
    options.q = 2;
    options.threads = 1;
    auto sampler = make_walk_sampler(name);
    const Walks one = generate_walks(*sampler, graph, options, {});
    options.threads = 3;
    const Walks three = generate_walks(*sampler, graph, options, {});
    INFO(name);
    REQUIRE(one.nodes == three.nodes);
    options.seed = 43;
    REQUIRE(generate_walks(*sampler, graph, options, {}).nodes != one.nodes);
  }
}

TEST_CASE("walks follow arcs, start at every node and stop at dead ends", "[walk]") {
  const Graph graph = test::make_graph(4, {{0, 1}, {1, 2}, {2, 0}, {2, 3}}, {}, true);
  auto sampler = make_walk_sampler("node2vec");
  WalkOptions options;
  options.walks_per_node = 20;
  options.walk_length = 10;
  const Walks walks = generate_walks(*sampler, graph, options, {});
  REQUIRE(walks.num_walks == 80);
  for (int64_t w = 0; w < walks.num_walks; ++w) {
    const NodeId* walk = walks.walk(w);
    REQUIRE(walk[0] == w % 4);
    for (int64_t i = 1; i < walks.walk_length; ++i) {
      if (walk[i] == Walks::kNoNode) {
        REQUIRE(walk[i - 1] == 3);  // the only node without out-arcs
        break;
      }
      REQUIRE(graph.has_arc(walk[i - 1], walk[i]));
    }
  }
}

TEST_CASE("the exact sampler refuses tables larger than the memory limit", "[walk]") {
  std::vector<std::pair<int, int>> star;
  for (int i = 1; i < 2000; ++i) star.push_back({0, i});
  const Graph graph = test::make_graph(2000, star);
  auto sampler = make_walk_sampler("node2vec");
  WalkOptions options;
  options.max_alias_memory_gb = 0.001;  // the star needs ~2000 * 2000 entries
  REQUIRE_THROWS_AS(generate_walks(*sampler, graph, options, {}), ResourceError);
  REQUIRE_THROWS_WITH(generate_walks(*sampler, graph, options, {}), Contains("node2vec-rejection"));
}

TEST_CASE("unknown sampler names list the known ones", "[walk]") {
  REQUIRE_THROWS_WITH(make_walk_sampler("deepwalk2"),
                      Contains("walk.sampler") && Contains("\"uniform\""));
}

TEST_CASE("walks stepped in batches are walk()'s, node for node", "[walk]") {
  // Weighted and not, and a directed graph where walks stop at node 3.
  const std::vector<Graph> graphs = {
      small_graph(false), small_graph(true),
      test::make_graph(5, {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {4, 0}, {0, 4}}, {}, true),
      directed_graph(true)};
  for (const auto& name : walk_sampler_names()) {
    for (size_t g = 0; g < graphs.size(); ++g) {
      for (const auto& [p, q] :
           std::vector<std::pair<double, double>>{{1, 1}, {0.5, 2}, {4, 0.25}, {0.25, 4}}) {
        WalkOptions options;
        options.p = p;
        options.q = q;
        auto sampler = make_walk_sampler(name);
        sampler->prepare(graphs[g], options, {});
        for (const int64_t length : {1, 2, 3, 30}) {
          for (const int64_t count : {int64_t{1}, int64_t{5}, kWalkBatch}) {
            INFO(name << ", graph " << g << ", p " << p << ", q " << q << ", length " << length
                      << ", " << count << " walks");
            std::vector<NodeId> starts(count), batch(count * length, Walks::kNoNode);
            std::vector<Rng> rngs(count);
            std::vector<int64_t> lengths(count, -1);
            for (int64_t i = 0; i < count; ++i) {
              starts[i] = static_cast<NodeId>(i % graphs[g].num_nodes());
              rngs[i] = Rng(7, static_cast<uint64_t>(i));
            }
            sampler->walk_batch(starts.data(), count, length, rngs.data(), batch.data(),
                                lengths.data());
            for (int64_t i = 0; i < count; ++i) {
              std::vector<NodeId> one(length, Walks::kNoNode);
              Rng rng(7, static_cast<uint64_t>(i));
              REQUIRE(lengths[i] == sampler->walk(starts[i], length, rng, one.data()));
              REQUIRE(
                  std::equal(one.begin(), one.begin() + lengths[i], batch.begin() + i * length));
              // The generator is left where walk() leaves it: the same draws were made.
              REQUIRE(rngs[i].next() == rng.next());
            }
          }
        }
      }
    }
  }
}
