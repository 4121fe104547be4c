// `workbench gen ecommerce`: write a synthetic e-commerce graph as an edge list.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "graph/ecommerce_generator.h"

namespace wb::cli {

void add_gen_command(CLI::App& app, int& exit_code) {
  auto* gen = app.add_subcommand("gen", "Generate synthetic graphs");
  gen->require_subcommand(1);
  auto options = std::make_shared<EcommerceGraphOptions>();
  auto output = std::make_shared<std::string>();
  auto* ecommerce = gen->add_subcommand(
      "ecommerce", "Users and items with categories and Zipf popularity (user-item purchases)");
  ecommerce->add_option("--users", options->users, "Number of users")->capture_default_str();
  ecommerce->add_option("--items", options->items, "Number of items")->capture_default_str();
  ecommerce->add_option("--categories", options->categories, "Number of item categories")
      ->capture_default_str();
  ecommerce->add_option("--purchases-per-user", options->purchases_per_user, "Mean purchases")
      ->capture_default_str();
  ecommerce->add_option("--zipf", options->zipf_exponent, "Zipf exponent of item popularity")
      ->capture_default_str();
  ecommerce
      ->add_option("--categories-per-user", options->categories_per_user,
                   "Favourite categories per user")
      ->capture_default_str();
  ecommerce
      ->add_option("--in-category", options->in_category_probability,
                   "Probability a purchase is in a favourite category")
      ->capture_default_str();
  ecommerce->add_option("--seed", options->seed, "Random seed")->capture_default_str();
  ecommerce->add_option("-o,--output", *output, "Edge list file to write")->required();
  ecommerce->callback([options, output, &exit_code] {
    const EdgeList edges = generate_ecommerce_graph(*options);
    write_edge_list(*output, edges);
    std::printf("wrote %zu nodes and %zu edges to %s\n", edges.node_ids.size(), edges.src.size(),
                output->c_str());
    exit_code = 0;
  });
}

}  // namespace wb::cli
