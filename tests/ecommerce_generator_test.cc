#include "graph/ecommerce_generator.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/errors.h"
#include "graph/edge_list_reader.h"
#include "test_support.h"

namespace {

wb::EcommerceGraphOptions small_options() {
  wb::EcommerceGraphOptions options;
  options.users = 2000;
  options.items = 1000;
  options.categories = 20;
  return options;
}

bool same_edges(const wb::EdgeList& a, const wb::EdgeList& b) {
  return a.node_ids == b.node_ids && a.src == b.src && a.dst == b.dst && a.weight == b.weight;
}

// Purchases per item, indexed by item (not dense id).
std::vector<int64_t> item_degrees(const wb::EdgeList& edges, int64_t users, int64_t items) {
  std::vector<int64_t> degree(static_cast<size_t>(items), 0);
  for (wb::NodeId item : edges.dst) ++degree[item - users];
  return degree;
}

}  // namespace

TEST_CASE("ecommerce graph is deterministic in its seed", "[graph]") {
  wb::EcommerceGraphOptions options = small_options();
  const wb::EdgeList first = wb::generate_ecommerce_graph(options);
  CHECK(same_edges(first, wb::generate_ecommerce_graph(options)));
  options.seed = 43;
  CHECK_FALSE(same_edges(first, wb::generate_ecommerce_graph(options)));
}

TEST_CASE("ecommerce graph has users then items, and only user-item edges", "[graph]") {
  const wb::EcommerceGraphOptions options = small_options();
  const wb::EdgeList edges = wb::generate_ecommerce_graph(options);
  REQUIRE(edges.node_ids.size() == 3000);
  CHECK(edges.node_ids[0] == "u0");
  CHECK(edges.node_ids[1999] == "u1999");
  CHECK(edges.node_ids[2000] == "i0");
  CHECK(edges.node_ids[2999] == "i999");
  CHECK(edges.weight.empty());
  REQUIRE(edges.src.size() == edges.dst.size());
  for (size_t e = 0; e < edges.src.size(); ++e) {
    REQUIRE(edges.src[e] >= 0);
    REQUIRE(edges.src[e] < 2000);
    REQUIRE(edges.dst[e] >= 2000);
    REQUIRE(edges.dst[e] < 3000);
  }
  // Every user buys at least once, and never the same item twice.
  std::vector<std::vector<wb::NodeId>> bought(2000);
  for (size_t e = 0; e < edges.src.size(); ++e) bought[edges.src[e]].push_back(edges.dst[e]);
  for (auto& items : bought) {
    REQUIRE_FALSE(items.empty());
    std::sort(items.begin(), items.end());
    REQUIRE(std::adjacent_find(items.begin(), items.end()) == items.end());
  }
}

TEST_CASE("ecommerce graph has the requested mean purchases", "[graph]") {
  wb::EcommerceGraphOptions options = small_options();
  options.users = 20000;
  for (double mean : {1.0, 3.0, 8.0}) {
    options.purchases_per_user = mean;
    const wb::EdgeList edges = wb::generate_ecommerce_graph(options);
    const double observed = static_cast<double>(edges.src.size()) / options.users;
    INFO("mean " << mean << " observed " << observed);
    CHECK(observed == Approx(mean).epsilon(0.03));
  }
}

TEST_CASE("ecommerce item popularity is heavily skewed", "[graph]") {
  const wb::EcommerceGraphOptions options = small_options();
  const wb::EdgeList edges = wb::generate_ecommerce_graph(options);
  std::vector<int64_t> degree = item_degrees(edges, options.users, options.items);
  std::sort(degree.begin(), degree.end());
  const int64_t median = degree[degree.size() / 2];
  const int64_t top = degree.back();
  INFO("top " << top << " median " << median);
  CHECK(top > 20 * std::max<int64_t>(median, 1));

  wb::EcommerceGraphOptions uniform = options;
  uniform.zipf_exponent = 0;
  std::vector<int64_t> flat =
      item_degrees(wb::generate_ecommerce_graph(uniform), options.users, options.items);
  std::sort(flat.begin(), flat.end());
  CHECK(flat.back() < 5 * flat[flat.size() / 2]);
}

TEST_CASE("ecommerce users buy mostly within their favourite categories", "[graph]") {
  const wb::EcommerceGraphOptions options = small_options();
  const wb::EdgeList edges = wb::generate_ecommerce_graph(options);
  std::vector<std::map<int64_t, int64_t>> per_category(static_cast<size_t>(options.users));
  for (size_t e = 0; e < edges.src.size(); ++e) {
    const int64_t item = edges.dst[e] - options.users;
    ++per_category[edges.src[e]][wb::ecommerce_item_category(item, options)];
  }
  int64_t in_top = 0;
  for (const auto& counts : per_category) {
    std::vector<int64_t> sizes;
    for (const auto& [category, count] : counts) sizes.push_back(count);
    std::sort(sizes.rbegin(), sizes.rend());
    for (size_t k = 0; k < sizes.size() && k < static_cast<size_t>(options.categories_per_user);
         ++k) {
      in_top += sizes[k];
    }
  }
  const double share = static_cast<double>(in_top) / static_cast<double>(edges.src.size());
  INFO("share in top categories " << share);
  CHECK(share >= 0.85);
}

TEST_CASE("ecommerce options are validated by name", "[graph]") {
  const auto rejects = [](auto change, const std::string& name) {
    wb::EcommerceGraphOptions options = small_options();
    change(options);
    CHECK_THROWS_AS(wb::generate_ecommerce_graph(options), wb::ConfigError);
    CHECK_THROWS_WITH(wb::generate_ecommerce_graph(options), Catch::Matchers::Contains(name));
  };
  using Options = wb::EcommerceGraphOptions;
  rejects([](Options& o) { o.users = 0; }, "graph.ecommerce.users must be > 0");
  rejects([](Options& o) { o.items = -1; }, "graph.ecommerce.items must be > 0");
  rejects([](Options& o) { o.categories = 0; }, "graph.ecommerce.categories must be > 0");
  rejects([](Options& o) { o.categories = 1001; }, "graph.ecommerce.categories");
  rejects([](Options& o) { o.users = int64_t{1} << 31; }, "graph.ecommerce.users");
  rejects([](Options& o) { o.purchases_per_user = 0.5; }, "graph.ecommerce.purchases_per_user");
  rejects([](Options& o) { o.zipf_exponent = -1; }, "graph.ecommerce.zipf_exponent");
  rejects([](Options& o) { o.categories_per_user = 0; }, "graph.ecommerce.categories_per_user");
  rejects([](Options& o) { o.categories_per_user = 21; }, "graph.ecommerce.categories_per_user");
  rejects([](Options& o) { o.in_category_probability = 1.5; },
          "graph.ecommerce.in_category_probability");
  rejects([](Options& o) { o.in_category_probability = -0.1; },
          "graph.ecommerce.in_category_probability");
}

TEST_CASE("ecommerce graph copes with extreme but valid options", "[graph]") {
  wb::EcommerceGraphOptions options;
  options.users = 50;
  options.items = 10;
  options.categories = 10;  // one item per category
  options.categories_per_user = 10;
  options.purchases_per_user = 30;  // more than the catalogue
  options.zipf_exponent = 8;
  const wb::EdgeList edges = wb::generate_ecommerce_graph(options);
  CHECK(edges.src.size() >= 50);
  CHECK(edges.src.size() <= 500);
}

TEST_CASE("write_edge_list output reads back as the same edges", "[graph]") {
  wb::test::TempDir dir;
  const std::string path = dir.file("shop.tsv");
  const wb::EcommerceGraphOptions options = small_options();
  const wb::EdgeList edges = wb::generate_ecommerce_graph(options);
  wb::write_edge_list(path, edges, {wb::describe_ecommerce_options(options), "two\nlines"});

  wb::EdgeListFormat format;
  format.separator = wb::Separator::kTab;
  const wb::EdgeList read = wb::read_edge_list(path, format);
  REQUIRE(read.src.size() == edges.src.size());
  for (size_t e = 0; e < edges.src.size(); ++e) {
    REQUIRE(read.node_ids[read.src[e]] == edges.node_ids[edges.src[e]]);
    REQUIRE(read.node_ids[read.dst[e]] == edges.node_ids[edges.dst[e]]);
  }

  wb::EdgeList weighted;
  weighted.node_ids = {"a", "b"};
  weighted.src = {0};
  weighted.dst = {1};
  weighted.weight = {0.1f};
  wb::write_edge_list(path, weighted);
  format.weighted = true;
  CHECK(wb::read_edge_list(path, format).weight == std::vector<float>{0.1f});

  weighted.node_ids[0] = "a\tb";
  CHECK_THROWS_AS(wb::write_edge_list(path, weighted), wb::DataError);
  CHECK_THROWS_AS(wb::write_edge_list(dir.file("missing/x.tsv"), edges), wb::Error);
}

// Run by hand: workbench_tests "[perf]" -d yes
TEST_CASE("ecommerce graph of 500K nodes and 4M edges", "[.][graph][perf]") {
  wb::EcommerceGraphOptions options;
  options.users = 450000;
  options.items = 50000;
  options.categories = 500;
  options.purchases_per_user = 8.9;
  const auto start = std::chrono::steady_clock::now();
  const wb::EdgeList edges = wb::generate_ecommerce_graph(options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("generated " << edges.node_ids.size() << " nodes, " << edges.src.size() << " edges in "
                    << seconds << " s");
  CHECK(edges.src.size() > 3900000);
}
