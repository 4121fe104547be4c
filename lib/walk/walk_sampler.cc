#include "walk/walk_sampler.h"

#include <algorithm>
#include <atomic>

#include "core/errors.h"
#include "core/parallel.h"
#include "core/registry.h"
#include "walk/cuda_walks.h"
#include "walk/walk_storage.h"

namespace wb {

std::unique_ptr<WalkSampler> make_uniform_sampler();
std::unique_ptr<WalkSampler> make_node2vec_alias_sampler();
std::unique_ptr<WalkSampler> make_node2vec_rejection_sampler();

namespace {

const Registry<WalkSampler>& registry() {
  static const Registry<WalkSampler> samplers(
      "walk.sampler", {
                          {"uniform", make_uniform_sampler},
                          {"node2vec", make_node2vec_alias_sampler},
                          {"node2vec-rejection", make_node2vec_rejection_sampler},
                      });
  return samplers;
}

// Draws every walk once, keeping only how often each node occurs: the
// negative distribution and the sub-sampler of a regenerated corpus need it.
std::vector<int64_t> count_walk_nodes(const WalkSampler& sampler, const Graph& graph,
                                      const WalkOptions& options, int64_t num_walks,
                                      const Progress& progress) {
  const int64_t num_nodes = graph.num_nodes();
  std::vector<std::atomic<int64_t>> shared_counts(static_cast<size_t>(num_nodes));
  for (auto& count : shared_counts) count.store(0, std::memory_order_relaxed);
  parallel_for_chunks(
      num_walks, 256, options.threads, progress, "walk", [&](int64_t begin, int64_t end) {
        std::vector<NodeId> walks(static_cast<size_t>((end - begin) * options.walk_length));
        draw_walk_range(sampler, num_nodes, options.seed, begin, end, options.walk_length,
                        walks.data());
        for (NodeId node : walks) {
          if (node != Walks::kNoNode) shared_counts[node].fetch_add(1, std::memory_order_relaxed);
        }
      });
  std::vector<int64_t> counts(static_cast<size_t>(num_nodes));
  for (int64_t node = 0; node < num_nodes; ++node) counts[node] = shared_counts[node].load();
  return counts;
}

}  // namespace

void WalkSampler::walk_batch(const NodeId* starts, int64_t count, int64_t length, Rng* rngs,
                             NodeId* out, int64_t* lengths) const {
  for (int64_t i = 0; i < count; ++i)
    lengths[i] = walk(starts[i], length, rngs[i], out + i * length);
}

std::vector<std::string> walk_sampler_names() { return registry().names(); }

std::unique_ptr<WalkSampler> make_walk_sampler(const std::string& name) {
  return registry().make(name);
}

Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const Progress& progress) {
  return generate_walks(sampler, graph, options, plan_walk_storage(options, graph.num_nodes()),
                        progress);
}

Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const WalkStoragePlan& plan, const Progress& progress) {
  if (options.device == "cuda" && !plan.regenerated()) {
    const CudaWalkMethod method = sampler.cuda_method();
    if (method == CudaWalkMethod::kNone) {
      throw ConfigError(
          "walk.sampler: this sampler has no GPU kernel; use \"uniform\" or "
          "\"node2vec-rejection\" on experiment.device = \"cuda\"");
    }
    const int64_t num_walks = options.walks_per_node * graph.num_nodes();
    CudaWalkGenerator generator(graph, options, method, num_walks);
    generator.run(num_walks, progress);
    return generator.download(plan.storage());
  }
  sampler.prepare(graph, options, progress);
  Walks walks;
  walks.num_walks = options.walks_per_node * graph.num_nodes();
  walks.walk_length = options.walk_length;
  if (plan.regenerated()) {
    walks.regenerator = std::make_shared<WalkRegenerator>(
        sampler, graph, options.seed, options.walk_length,
        count_walk_nodes(sampler, graph, options, walks.num_walks, progress));
    return walks;
  }
  walks.nodes = plan.storage();
  walks.nodes.assign(static_cast<size_t>(walks.num_walks * walks.walk_length), Walks::kNoNode);
  const int64_t num_nodes = graph.num_nodes();
  parallel_for_chunks(
      walks.num_walks, 256, options.threads, progress, "walk", [&](int64_t begin, int64_t end) {
        draw_walk_range(sampler, num_nodes, options.seed, begin, end, walks.walk_length,
                        walks.nodes.data() + begin * walks.walk_length);
      });
  return walks;
}

}  // namespace wb
