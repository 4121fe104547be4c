#pragma once
// What the CPU and GPU benchmarks share: the seed article's graph shape
// (500K nodes, 4M edges, synthetic e-commerce), a larger one for the GPU,
// and a recorder that keeps nothing.
#include "graph/ecommerce_generator.h"
#include "run/recorder.h"

namespace wb {

// The seed graph's edges as generated, before CSR.
inline EdgeList seed_graph_edges() {
  EcommerceGraphOptions options;
  options.users = 450000;
  options.items = 50000;
  options.categories = 500;
  options.purchases_per_user = 8.9;
  return generate_ecommerce_graph(options);
}

inline const Graph& seed_graph() {
  static const Graph graph = build_graph(seed_graph_edges(), {});
  return graph;
}

// 20M nodes, about 80M edges: tables of 10 GiB each in fp32 at d = 128.
inline const Graph& large_graph() {
  static const Graph graph = [] {
    EcommerceGraphOptions options;
    options.users = 18000000;
    options.items = 2000000;
    options.categories = 5000;
    options.purchases_per_user = 4.5;
    return build_graph(generate_ecommerce_graph(options), {});
  }();
  return graph;
}

class NullRecorder : public Recorder {
 public:
  void metric(const std::string&, int64_t, double) override {}
  void timing(const std::string&, double) override {}
  void score(const std::string&, double) override {}
  void artifact(const std::string&, const std::string&, int64_t) override {}
  void input(const std::string&, const std::string&, int64_t, const std::string&) override {}
};

}  // namespace wb
