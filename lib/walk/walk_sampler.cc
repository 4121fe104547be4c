#include "walk/walk_sampler.h"

#include <cstdlib>
#include <filesystem>

#include "core/errors.h"
#include "core/memory_size.h"
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

WalkNodes WalkStoragePlan::storage() const {
  if (!in_file()) return {};
  auto policy = std::make_shared<SpillPolicy>();
  policy->directory = spill_directory;
  policy->threshold_bytes = static_cast<int64_t>(limit_bytes);
  return WalkNodes(SpillAllocator<NodeId>(std::move(policy)));
}

WalkStoragePlan plan_walk_storage(const WalkOptions& options, int64_t num_nodes) {
  WalkStoragePlan plan;
  plan.bytes = static_cast<double>(num_nodes) * static_cast<double>(options.walks_per_node) *
               static_cast<double>(options.walk_length) * sizeof(NodeId);
  plan.limit_bytes =
      options.max_memory_gb > 0 ? options.max_memory_gb * kGiB : 0.5 * usable_memory_bytes();
  if (plan.bytes <= plan.limit_bytes) return plan;

  std::string directory = options.spill_directory;
  if (directory.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    directory = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/var/tmp";
  }
  const std::string what = "walk.spill_directory: the walks take " + format_gib(plan.bytes) +
                           ", more than walk.max_memory_gb (" + format_gib(plan.limit_bytes) +
                           "), so they go to a file in " + directory;
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    throw ResourceError(what + ", which is not a folder");
  }
  if (is_memory_file_system(directory)) {
    throw ResourceError(what +
                        ", which is a tmpfs, held in memory itself; set "
                        "walk.spill_directory to a folder on a disk");
  }
  const double free_bytes = free_disk_bytes(directory);
  if (free_bytes < plan.bytes) {
    throw ResourceError(what + ", which has only " + format_gib(free_bytes) +
                        " free; free some space, set walk.spill_directory to a larger disk, "
                        "or lower walk.walks_per_node or walk.walk_length");
  }
  plan.spill_directory = directory;
  return plan;
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
    return generator.download(plan.storage());
  }
  sampler.prepare(graph, options, progress);
  Walks walks;
  walks.nodes = plan.storage();
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
