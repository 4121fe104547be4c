#include "walk/walk_sampler.h"

#include "core/parallel.h"
#include "core/registry.h"
#include "walk/cuda_walks.h"

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

}  // namespace

int64_t Walks::tokens() const {
  int64_t total = 0;
  for (NodeId node : nodes) total += node != kNoNode;
  return total;
}

int64_t Walks::steps() const { return tokens() - num_walks; }

std::vector<std::string> walk_sampler_names() { return registry().names(); }

std::unique_ptr<WalkSampler> make_walk_sampler(const std::string& name) {
  return registry().make(name);
}

Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const Progress& progress) {
  if (options.device == "cuda") {
    const CudaWalkMethod method = sampler.cuda_method();
    if (method == CudaWalkMethod::kNone) {
      throw ConfigError(
          "walk.sampler: this sampler has no GPU kernel; use \"uniform\" or "
          "\"node2vec-rejection\" on experiment.device = \"cuda\"");
    }
    const int64_t num_walks = options.walks_per_node * graph.num_nodes();
    CudaWalkGenerator generator(graph, options, method, num_walks);
    generator.run(num_walks, progress);
    return generator.download();
  }
  sampler.prepare(graph, options, progress);
  Walks walks;
  walks.num_walks = options.walks_per_node * graph.num_nodes();
  walks.walk_length = options.walk_length;
  walks.nodes.assign(static_cast<size_t>(walks.num_walks * walks.walk_length), Walks::kNoNode);
  const int64_t num_nodes = graph.num_nodes();
  parallel_for_chunks(
      walks.num_walks, 256, options.threads, progress, "walk", [&](int64_t begin, int64_t end) {
        for (int64_t w = begin; w < end; ++w) {
          Rng rng(options.seed, static_cast<uint64_t>(w));
          NodeId* out = walks.nodes.data() + w * walks.walk_length;
          sampler.walk(static_cast<NodeId>(w % num_nodes), walks.walk_length, rng, out);
        }
      });
  return walks;
}

}  // namespace wb
