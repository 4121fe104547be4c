// The CSR builder against a plain reference (a sorted map of arcs filled line
// by line), and the node index against the ids it must hand out.
#include <catch2/catch.hpp>
#include <map>

#include "core/errors.h"
#include "core/random.h"
#include "graph/graph.h"
#include "graph/node_index.h"

using namespace wb;

namespace {

EdgeList random_edges(int num_nodes, int num_lines, bool weighted, uint64_t seed) {
  Rng rng(seed, 0);
  EdgeList list;
  for (int i = 0; i < num_nodes; ++i) list.node_ids.push_back("n" + std::to_string(i));
  for (int i = 0; i < num_lines; ++i) {
    // Few nodes and many lines: repeats in both directions, and self-loops.
    list.src.push_back(static_cast<NodeId>(rng.below(num_nodes)));
    list.dst.push_back(static_cast<NodeId>(rng.below(num_nodes)));
    if (weighted) list.weight.push_back(0.5f + static_cast<float>(rng.below(8)));
  }
  return list;
}

// What build_graph must produce, arc by arc, in (from, to) order.
std::map<std::pair<NodeId, NodeId>, float> reference_arcs(const EdgeList& list,
                                                          const GraphBuildOptions& options,
                                                          int64_t& repeats) {
  std::map<std::pair<NodeId, NodeId>, float> arcs;
  std::map<std::pair<NodeId, NodeId>, bool> seen_edge;
  repeats = 0;
  for (size_t i = 0; i < list.src.size(); ++i) {
    const NodeId u = list.src[i], v = list.dst[i];
    if (u == v && options.self_loops == SelfLoopPolicy::kDrop) continue;
    const float w = list.weight.empty() ? 1.0f : list.weight[i];
    const auto edge =
        options.directed ? std::pair{u, v} : std::pair{std::min(u, v), std::max(u, v)};
    if (seen_edge[edge]) ++repeats;
    seen_edge[edge] = true;
    for (const auto& arc : {std::pair{u, v}, std::pair{v, u}}) {
      if (options.directed && arc != std::pair{u, v}) continue;
      auto found = arcs.find(arc);
      if (found == arcs.end()) {
        arcs[arc] = w;
      } else if (options.duplicates == DuplicatePolicy::kSum) {
        found->second += w;
      } else if (options.duplicates == DuplicatePolicy::kMax) {
        found->second = std::max(found->second, w);
      }
      if (u == v) break;  // a kept self-loop is one arc
    }
  }
  return arcs;
}

void require_graph(const Graph& graph, const std::map<std::pair<NodeId, NodeId>, float>& arcs,
                   bool weighted) {
  REQUIRE(graph.num_arcs() == static_cast<int64_t>(arcs.size()));
  REQUIRE(graph.weights.size() == (weighted ? arcs.size() : 0));
  int64_t arc = 0;
  for (const auto& [ends, weight] : arcs) {
    INFO(ends.first << " -> " << ends.second);
    REQUIRE(arc >= graph.offsets[ends.first]);
    REQUIRE(arc < graph.offsets[ends.first + 1]);
    REQUIRE(graph.targets[arc] == ends.second);
    if (weighted) REQUIRE(graph.weights[arc] == weight);
    ++arc;
  }
}

}  // namespace

TEST_CASE("CSR building matches a reference on random edge lists", "[graph]") {
  for (const bool directed : {false, true}) {
    for (const bool weighted : {false, true}) {
      for (const auto loops : {SelfLoopPolicy::kDrop, SelfLoopPolicy::kKeep}) {
        for (const auto policy :
             {DuplicatePolicy::kSum, DuplicatePolicy::kMax, DuplicatePolicy::kFirst}) {
          for (const int threads : {1, 3}) {
            const EdgeList list = random_edges(300, 3000, weighted, 17);
            GraphBuildOptions options;
            options.directed = directed;
            options.self_loops = loops;
            options.duplicates = policy;
            options.threads = threads;
            INFO("directed " << directed << ", weighted " << weighted << ", keep loops "
                             << (loops == SelfLoopPolicy::kKeep) << ", policy "
                             << static_cast<int>(policy) << ", threads " << threads);
            int64_t repeats = 0;
            const auto expected = reference_arcs(list, options, repeats);
            GraphBuildStats stats;
            const Graph graph = build_graph(list, options, &stats);
            require_graph(graph, expected, weighted);
            REQUIRE(stats.duplicates_merged == repeats);
            REQUIRE(graph.node_ids == list.node_ids);

            EdgeList moved = list;
            const Graph from_moved = build_graph(std::move(moved), options);
            REQUIRE(from_moved.offsets == graph.offsets);
            REQUIRE(from_moved.targets == graph.targets);
            REQUIRE(from_moved.weights == graph.weights);
            REQUIRE(from_moved.node_ids == list.node_ids);
            REQUIRE(moved.src.empty());  // freed once the arcs were placed
          }
        }
      }
    }
  }
}

TEST_CASE("the node index hands out ids in order of first appearance", "[graph]") {
  std::vector<std::string> names;
  NodeIndex index(names);
  // Enough names to grow the table many times; every name is looked up again
  // after the growth that followed it.
  const int count = 200000;
  for (int i = 0; i < count; ++i) {
    REQUIRE(index.id_of("node-" + std::to_string(i * 7919 % count)) == i);
  }
  REQUIRE(names.size() == static_cast<size_t>(count));
  for (int i = count - 1; i >= 0; --i) {
    REQUIRE(index.id_of("node-" + std::to_string(i * 7919 % count)) == i);
  }
  REQUIRE(index.id_of("") == count);  // any string is a name to the index
  REQUIRE(names.back().empty());
  REQUIRE(index.id_of("node-0") == 0);
  std::vector<std::string> not_empty = {"a"};
  REQUIRE_THROWS_AS(NodeIndex(not_empty), Error);
}
