#include "walk/walk_sampler.h"

#include <functional>
#include <utility>

#include "core/errors.h"
#include "core/parallel.h"

namespace wb {

std::unique_ptr<WalkSampler> make_uniform_sampler();
std::unique_ptr<WalkSampler> make_node2vec_alias_sampler();
std::unique_ptr<WalkSampler> make_node2vec_rejection_sampler();

namespace {

using Factory = std::function<std::unique_ptr<WalkSampler>()>;

// The registry: the TOML name and the factory. Listed explicitly rather than
// self-registered, because a static library drops unreferenced registrars.
const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> entries = {
      {"uniform", make_uniform_sampler},
      {"node2vec", make_node2vec_alias_sampler},
      {"node2vec-rejection", make_node2vec_rejection_sampler},
  };
  return entries;
}

}  // namespace

int64_t Walks::steps() const {
  int64_t total = 0;
  for (NodeId node : nodes) total += node != kNoNode;
  return total - num_walks;
}

std::vector<std::string> walk_sampler_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

std::unique_ptr<WalkSampler> make_walk_sampler(const std::string& name) {
  for (const auto& [known, factory] : registry()) {
    if (known == name) return factory();
  }
  std::string known_names;
  for (const auto& known : walk_sampler_names()) known_names += " \"" + known + "\"";
  throw ConfigError("walk.sampler: unknown sampler \"" + name + "\" (known:" + known_names + ")");
}

Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const Progress& progress) {
  sampler.prepare(graph, options, progress);
  Walks walks;
  walks.num_walks = options.walks_per_node * graph.num_nodes();
  walks.walk_length = options.walk_length;
  walks.nodes.assign(static_cast<size_t>(walks.num_walks * walks.walk_length), Walks::kNoNode);
  const int64_t num_nodes = graph.num_nodes();
  parallel_for_chunks(walks.num_walks, 256, options.threads, progress, "walk",
                      [&](int64_t begin, int64_t end) {
                        for (int64_t w = begin; w < end; ++w) {
                          Rng rng(options.seed, static_cast<uint64_t>(w));
                          NodeId* out = walks.nodes.data() + w * walks.walk_length;
                          sampler.walk(static_cast<NodeId>(w % num_nodes), walks.walk_length,
                                       rng, out);
                        }
                      });
  return walks;
}

}  // namespace wb
