#pragma once
// A synthetic shop for experiments without a dataset: users buy items, mostly
// inside a few favourite categories, and items sell with Zipf popularity, so
// link prediction has real signal (shared tastes) and a realistic skew.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace wb {

struct EcommerceGraphOptions {
  int64_t users = 20000;
  int64_t items = 5000;
  int64_t categories = 50;  // items go round robin: item j is in category j % categories
  // Mean purchases per user, >= 1. A user buys 1 + G distinct items, G
  // geometric with mean purchases_per_user - 1: most users buy a few, a long
  // tail buys many, as in real purchase logs.
  double purchases_per_user = 8.0;
  // s >= 0 in P(rank r) ∝ (r + 1)^-s, used both for categories among
  // themselves (category c has rank c) and for items within a category (item j
  // has rank j / categories). 0 makes everything uniform.
  double zipf_exponent = 1.0;
  // Favourite categories per user, drawn by category popularity without
  // replacement.
  int64_t categories_per_user = 2;
  // A purchase picks one of the favourites with this probability, otherwise a
  // category by popularity (which may still be a favourite).
  double in_category_probability = 0.9;
  uint64_t seed = 42;
};

// Throws ConfigError naming the option, e.g. "graph.ecommerce.users must be > 0".
void validate_ecommerce_options(const EcommerceGraphOptions& options);

// The category of item j (0-based item index, not dense node id).
inline int64_t ecommerce_item_category(int64_t item, const EcommerceGraphOptions& options) {
  return item % options.categories;
}

// Dense ids 0..users-1 are the users "u0".."u{users-1}", then the items
// "i0".."i{items-1}". One unweighted edge user -> item per purchase, grouped by
// user. A user never buys the same item twice: a repeated draw is redrawn, and
// given up after a few tries, which only happens when a user's purchase count
// nears the size of their categories. Deterministic in the options: user u
// draws from its own stream Rng(seed, u). Validates the options first.
EdgeList generate_ecommerce_graph(const EcommerceGraphOptions& options);

// One line naming the generator and every option, for file headers and logs.
std::string describe_ecommerce_options(const EcommerceGraphOptions& options);

// Writes "source<TAB>target[<TAB>weight]" per edge after the comment lines
// (each written as "# line"), readable by read_edge_list. Goes through
// `path + ".tmp"` and a rename. Throws DataError naming an id that is empty or
// holds a tab or line break, Error naming the path when it cannot be written.
// Ids starting with a comment prefix of the reader ('#', '%') are written as
// they are; configure the reader accordingly.
void write_edge_list(const std::string& path, const EdgeList& edges,
                     const std::vector<std::string>& comment_lines = {});

}  // namespace wb
