// The GPU walkers draw from the same streams in the same order as the CPU
// samplers, so their walks must equal the CPU's node for node; the CPU
// samplers' transition frequencies are checked against the node2vec formula
// (chi-square) in walk_test.cc, which this equality carries over to the GPU.
#include "walk/cuda_walks.h"

#include <catch2/catch.hpp>

#include "graph/ecommerce_generator.h"
#include "walk/walk_sampler.h"

using namespace wb;

namespace {

// With reciprocal_every = k > 0 (directed only), every k-th purchase is also
// an arc back from the item: walks go on past the first step, and node2vec's
// return move exists only where the arc back does.
Graph shop_graph(bool weighted, bool directed, size_t reciprocal_every = 0) {
  EcommerceGraphOptions options;
  options.users = 3000;
  options.items = 600;
  options.categories = 12;
  EdgeList edges = generate_ecommerce_graph(options);
  const size_t purchases = edges.src.size();
  for (size_t e = 0; reciprocal_every > 0 && e < purchases; e += reciprocal_every) {
    edges.src.push_back(edges.dst[e]);
    edges.dst.push_back(edges.src[e]);
  }
  if (weighted) {
    Rng rng(5, 5);
    edges.weight.resize(edges.src.size());
    for (float& w : edges.weight) w = 0.1f + 4.0f * rng.uniform_float();
  }
  GraphBuildOptions build;
  build.directed = directed;
  return build_graph(edges, build);
}

Walks walks_on(const std::string& device, const std::string& sampler, const Graph& graph, double p,
               double q) {
  WalkOptions options;
  options.walks_per_node = 3;
  options.walk_length = 50;  // not a multiple of the 32-step output tile
  options.p = p;
  options.q = q;
  options.seed = 11;
  options.threads = 4;
  options.device = device;
  auto walker = make_walk_sampler(sampler);
  return generate_walks(*walker, graph, options, {});
}

void require_same_walks(const Graph& graph, const std::string& sampler, double p, double q) {
  const Walks cpu = walks_on("cpu", sampler, graph, p, q);
  const Walks gpu = walks_on("cuda", sampler, graph, p, q);
  REQUIRE(gpu.num_walks == cpu.num_walks);
  REQUIRE(gpu.walk_length == cpu.walk_length);
  REQUIRE(gpu.steps() == cpu.steps());
  REQUIRE(gpu.nodes == cpu.nodes);
}

}  // namespace

TEST_CASE("GPU uniform walks equal the CPU's", "[cuda][walk]") {
  require_same_walks(shop_graph(false, false), "uniform", 1, 1);
  require_same_walks(shop_graph(true, false), "uniform", 1, 1);
}

TEST_CASE("GPU node2vec walks (rejection) equal the CPU's", "[cuda][walk]") {
  // 1/p above max(1, 1/q) folds the return out of the envelope; 4, 0.25 does not.
  require_same_walks(shop_graph(false, false), "node2vec-rejection", 0.5, 2.0);
  require_same_walks(shop_graph(false, false), "node2vec-rejection", 0.25, 4.0);
  require_same_walks(shop_graph(true, false), "node2vec-rejection", 4.0, 0.25);
  require_same_walks(shop_graph(true, false), "node2vec-rejection", 0.25, 2.0);
  for (const bool weighted : {false, true}) {
    const Graph graph = shop_graph(weighted, true, 3);
    require_same_walks(graph, "node2vec-rejection", 0.25, 2.0);
    require_same_walks(graph, "node2vec-rejection", 2.0, 0.5);
  }
}

TEST_CASE("GPU walks stop at dead ends of directed graphs like the CPU's", "[cuda][walk]") {
  // User -> item arcs only: every walk stops after one step.
  const Graph graph = shop_graph(false, true);
  const Walks gpu = walks_on("cuda", "node2vec-rejection", graph, 1, 1);
  REQUIRE(gpu.walk(0)[2] == Walks::kNoNode);
  require_same_walks(graph, "uniform", 1, 1);
  require_same_walks(graph, "node2vec-rejection", 1, 1);
}

TEST_CASE("node2vec with alias tables walks on the GPU by rejection, same walks", "[cuda][walk]") {
  const Graph graph = shop_graph(false, false);
  const Walks alias_cpu = walks_on("cpu", "node2vec-rejection", graph, 0.5, 2.0);
  const Walks alias_gpu = walks_on("cuda", "node2vec", graph, 0.5, 2.0);
  REQUIRE(alias_gpu.nodes == alias_cpu.nodes);
}

TEST_CASE("the GPU walker refuses a graph that does not fit before allocating", "[cuda][walk]") {
  const Graph graph = shop_graph(false, false);
  WalkOptions options;
  options.walk_length = 80;
  // 2^40 walks of 80 steps: 320 TiB of output.
  REQUIRE_THROWS_AS(CudaWalkGenerator(graph, options, CudaWalkMethod::kUniform, int64_t{1} << 40),
                    ResourceError);
}
