#include "graph/ecommerce_generator.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>

#include "core/errors.h"
#include "core/random.h"
#include "io/atomic_file.h"

namespace wb {
namespace {

// Redraws allowed for a repeated item or favourite before giving up on it; a
// miss this often means the remaining choices hold almost no probability.
constexpr int kMaxRedraws = 32;

// Zipf ranks from a cumulative weight table and a binary search. Categories
// share one table: a category with fewer items samples from a prefix of it,
// which is exactly its own Zipf distribution.
class ZipfRanks {
 public:
  ZipfRanks(int64_t size, double exponent) : cumulative_(static_cast<size_t>(size)) {
    double total = 0;
    for (int64_t r = 0; r < size; ++r) {
      total += std::pow(static_cast<double>(r + 1), -exponent);
      cumulative_[r] = total;
    }
  }

  // A rank in [0, n), 1 <= n <= size.
  int64_t sample(Rng& rng, int64_t n) const {
    const double x = rng.uniform() * cumulative_[n - 1];
    const auto begin = cumulative_.begin();
    const int64_t rank = std::upper_bound(begin, begin + n, x) - begin;
    return std::min(rank, n - 1);  // x can round up to the total
  }

 private:
  std::vector<double> cumulative_;
};

[[noreturn]] void reject(const std::string& option, const std::string& requirement) {
  throw ConfigError("graph.ecommerce." + option + " " + requirement);
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

// 1 + a geometric count with mean `mean - 1`, by inversion.
int64_t purchase_count(Rng& rng, double mean, int64_t limit) {
  const double extra_mean = mean - 1.0;
  if (extra_mean <= 0) return 1;
  const double stop = 1.0 / (1.0 + extra_mean);  // success probability
  const double extra = std::floor(std::log1p(-rng.uniform()) / std::log1p(-stop));
  return 1 + static_cast<int64_t>(std::min(extra, static_cast<double>(limit - 1)));
}

bool contains(const std::vector<int64_t>& values, int64_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Favourites by popularity without replacement. After too many repeats the
// most popular category not yet taken stands in, which is where the remaining
// probability mass sits under a steep Zipf law anyway.
void draw_favourites(const EcommerceGraphOptions& options, const ZipfRanks& category_ranks,
                     Rng& rng, std::vector<int64_t>& favourites) {
  favourites.clear();
  while (static_cast<int64_t>(favourites.size()) < options.categories_per_user) {
    int64_t category = -1;
    for (int attempt = 0; attempt < kMaxRedraws && category < 0; ++attempt) {
      const int64_t candidate = category_ranks.sample(rng, options.categories);
      if (!contains(favourites, candidate)) category = candidate;
    }
    for (int64_t c = 0; category < 0; ++c) {
      if (!contains(favourites, c)) category = c;
    }
    favourites.push_back(category);
  }
}

}  // namespace

void validate_ecommerce_options(const EcommerceGraphOptions& options) {
  if (options.users <= 0) reject("users", "must be > 0");
  if (options.items <= 0) reject("items", "must be > 0");
  if (options.categories <= 0) reject("categories", "must be > 0");
  if (options.categories > options.items) {
    reject("categories", "must be <= graph.ecommerce.items (every category needs an item)");
  }
  if (options.users > std::numeric_limits<NodeId>::max() - options.items) {
    reject("users", "plus graph.ecommerce.items must be < 2^31 (node ids are 32-bit)");
  }
  if (!(options.purchases_per_user >= 1.0) || !std::isfinite(options.purchases_per_user)) {
    reject("purchases_per_user", "must be a finite number >= 1");
  }
  if (!(options.zipf_exponent >= 0.0) || !std::isfinite(options.zipf_exponent)) {
    reject("zipf_exponent", "must be a finite number >= 0");
  }
  if (options.categories_per_user <= 0) reject("categories_per_user", "must be > 0");
  if (options.categories_per_user > options.categories) {
    reject("categories_per_user", "must be <= graph.ecommerce.categories");
  }
  if (!(options.in_category_probability >= 0.0 && options.in_category_probability <= 1.0)) {
    reject("in_category_probability", "must be in [0, 1]");
  }
}

EdgeList generate_ecommerce_graph(const EcommerceGraphOptions& options) {
  validate_ecommerce_options(options);
  const int64_t users = options.users;
  const int64_t categories = options.categories;
  const int64_t largest_category = (options.items + categories - 1) / categories;
  const ZipfRanks category_ranks(categories, options.zipf_exponent);
  const ZipfRanks item_ranks(largest_category, options.zipf_exponent);

  EdgeList edges;
  edges.node_ids.reserve(static_cast<size_t>(users + options.items));
  for (int64_t u = 0; u < users; ++u) edges.node_ids.push_back("u" + std::to_string(u));
  for (int64_t i = 0; i < options.items; ++i) edges.node_ids.push_back("i" + std::to_string(i));
  const double purchases_each =
      std::min(options.purchases_per_user, static_cast<double>(options.items));
  const auto expected_edges = static_cast<size_t>(static_cast<double>(users) * purchases_each);
  edges.src.reserve(expected_edges);
  edges.dst.reserve(expected_edges);

  std::vector<int64_t> favourites;
  std::vector<int64_t> bought;
  for (int64_t u = 0; u < users; ++u) {
    Rng rng(options.seed, static_cast<uint64_t>(u));
    draw_favourites(options, category_ranks, rng, favourites);
    const int64_t purchases = purchase_count(rng, options.purchases_per_user, options.items);
    bought.clear();
    for (int64_t p = 0; p < purchases; ++p) {
      for (int attempt = 0; attempt < kMaxRedraws; ++attempt) {
        const int64_t category =
            rng.uniform() < options.in_category_probability
                ? favourites[rng.below(static_cast<uint64_t>(favourites.size()))]
                : category_ranks.sample(rng, categories);
        const int64_t category_size = (options.items - category + categories - 1) / categories;
        const int64_t item = category + item_ranks.sample(rng, category_size) * categories;
        if (contains(bought, item)) continue;
        bought.push_back(item);
        edges.src.push_back(static_cast<NodeId>(u));
        edges.dst.push_back(static_cast<NodeId>(users + item));
        break;
      }
    }
  }
  return edges;
}

std::string describe_ecommerce_options(const EcommerceGraphOptions& options) {
  return "ecommerce generator: users=" + std::to_string(options.users) +
         " items=" + std::to_string(options.items) +
         " categories=" + std::to_string(options.categories) +
         " purchases_per_user=" + number(options.purchases_per_user) +
         " zipf_exponent=" + number(options.zipf_exponent) +
         " categories_per_user=" + std::to_string(options.categories_per_user) +
         " in_category_probability=" + number(options.in_category_probability) +
         " seed=" + std::to_string(options.seed);
}

void write_edge_list(const std::string& path, const EdgeList& edges,
                     const std::vector<std::string>& comment_lines) {
  for (const std::string& id : edges.node_ids) {
    if (id.empty()) throw DataError("edge list export: a node id is empty");
    if (id.find_first_of("\t\r\n") != std::string::npos) {
      throw DataError("edge list export: node id '" + id + "' contains a tab or line break");
    }
  }
  const bool weighted = !edges.weight.empty();
  write_atomically(path, [&](std::FILE* file) {
    std::string line;
    for (const std::string& comment : comment_lines) {
      // A line break inside a comment would start an uncommented line.
      size_t start = 0;
      while (start <= comment.size()) {
        const size_t end = std::min(comment.find('\n', start), comment.size());
        line = "# " + comment.substr(start, end - start) + "\n";
        std::fwrite(line.data(), 1, line.size(), file);
        start = end + 1;
      }
    }
    char weight[32];
    for (size_t e = 0; e < edges.src.size(); ++e) {
      line = edges.node_ids[edges.src[e]];
      line.push_back('\t');
      line += edges.node_ids[edges.dst[e]];
      if (weighted) {
        line.push_back('\t');
        line.append(weight, std::to_chars(weight, weight + sizeof(weight), edges.weight[e]).ptr);
      }
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), file);
    }
  });
}

}  // namespace wb
