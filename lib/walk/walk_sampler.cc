#include "walk/walk_sampler.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <numeric>

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
        std::vector<NodeId> walks(static_cast<size_t>(kWalkBatch * options.walk_length));
        int64_t ids[kWalkBatch], lengths[kWalkBatch];
        for (int64_t first = begin; first < end; first += kWalkBatch) {
          const int64_t count = std::min(kWalkBatch, end - first);
          for (int64_t i = 0; i < count; ++i) ids[i] = first + i;
          draw_walks(sampler, num_nodes, options.seed, ids, count, options.walk_length,
                     walks.data(), lengths);
          for (int64_t i = 0; i < count; ++i) {
            const NodeId* walk = walks.data() + i * options.walk_length;
            for (int64_t j = 0; j < lengths[i]; ++j) {
              shared_counts[walk[j]].fetch_add(1, std::memory_order_relaxed);
            }
          }
        }
      });
  std::vector<int64_t> counts(static_cast<size_t>(num_nodes));
  for (int64_t node = 0; node < num_nodes; ++node) counts[node] = shared_counts[node].load();
  return counts;
}

}  // namespace

int64_t Walks::tokens() const {
  if (regenerated()) return regenerator->tokens();
  int64_t total = 0;
  for (NodeId node : nodes) total += node != kNoNode;
  return total;
}

int64_t Walks::steps() const { return tokens() - num_walks; }

std::vector<int64_t> Walks::node_counts(int64_t num_nodes) const {
  if (regenerated()) return regenerator->node_counts();
  std::vector<int64_t> counts(static_cast<size_t>(num_nodes), 0);
  for (NodeId node : nodes) {
    if (node != kNoNode) ++counts[node];
  }
  return counts;
}

void WalkSampler::walk_batch(const NodeId* starts, int64_t count, int64_t length, Rng* rngs,
                             NodeId* out, int64_t* lengths) const {
  for (int64_t i = 0; i < count; ++i)
    lengths[i] = walk(starts[i], length, rngs[i], out + i * length);
}

void draw_walks(const WalkSampler& sampler, int64_t num_nodes, uint64_t seed, const int64_t* ids,
                int64_t count, int64_t walk_length, NodeId* out, int64_t* lengths) {
  NodeId starts[kWalkBatch] = {};
  Rng rngs[kWalkBatch];
  for (int64_t i = 0; i < count; ++i) {
    starts[i] = static_cast<NodeId>(ids[i] % num_nodes);
    rngs[i] = Rng(seed, static_cast<uint64_t>(ids[i]));
  }
  sampler.walk_batch(starts, count, walk_length, rngs, out, lengths);
  for (int64_t i = 0; i < count; ++i) {
    std::fill(out + i * walk_length + lengths[i], out + (i + 1) * walk_length, Walks::kNoNode);
  }
}

WalkRegenerator::WalkRegenerator(const WalkSampler& sampler, const Graph& graph, uint64_t seed,
                                 int64_t walk_length, std::vector<int64_t> node_counts)
    : sampler_(sampler),
      num_nodes_(graph.num_nodes()),
      seed_(seed),
      walk_length_(walk_length),
      node_counts_(std::move(node_counts)),
      tokens_(std::accumulate(node_counts_.begin(), node_counts_.end(), int64_t{0})) {}

WalkNodes WalkStoragePlan::storage() const {
  if (!in_file()) return {};
  auto policy = std::make_shared<SpillPolicy>();
  policy->directory = spill_directory;
  // walk.storage = "file" sends a corpus under the limit to the file as well.
  policy->threshold_bytes = static_cast<int64_t>(std::min(limit_bytes, bytes));
  return WalkNodes(SpillAllocator<NodeId>(std::move(policy)));
}

WalkStoragePlan plan_walk_storage(const WalkOptions& options, int64_t num_nodes, bool regenerable) {
  using Where = WalkStoragePlan::Where;
  WalkStoragePlan plan;
  plan.bytes = static_cast<double>(num_nodes) * static_cast<double>(options.walks_per_node) *
               static_cast<double>(options.walk_length) * sizeof(NodeId);
  plan.limit_bytes =
      options.max_memory_gb > 0 ? options.max_memory_gb * kGiB : 0.5 * usable_memory_bytes();
  const std::string& storage = options.storage;
  if (storage == "regenerate" && !regenerable) {
    throw ConfigError(
        "walk.storage: \"regenerate\" draws each walk again as the trainer reads it, which "
        "only train.trainer = \"fused\" on the CPU does, and not when export.formats has "
        "\"walks\"; use \"auto\", \"memory\" or \"file\"");
  }
  if (storage == "memory" || (storage == "auto" && plan.bytes <= plan.limit_bytes)) return plan;
  if (storage == "regenerate" || (storage == "auto" && regenerable)) {
    plan.where = Where::kRegenerate;
    return plan;
  }

  std::string directory = options.spill_directory;
  if (directory.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    directory = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/var/tmp";
  }
  const std::string what = "walk.spill_directory: the walks take " + format_gib(plan.bytes) +
                           (storage == "file" ? std::string(" and walk.storage is \"file\"")
                                              : ", more than walk.max_memory_gb (" +
                                                    format_gib(plan.limit_bytes) + ")") +
                           ", so they go to a file in " + directory;
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
  plan.where = Where::kFile;
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
        int64_t ids[kWalkBatch], lengths[kWalkBatch];
        for (int64_t first = begin; first < end; first += kWalkBatch) {
          const int64_t count = std::min(kWalkBatch, end - first);
          for (int64_t i = 0; i < count; ++i) ids[i] = first + i;
          draw_walks(sampler, num_nodes, options.seed, ids, count, walks.walk_length,
                     walks.nodes.data() + first * walks.walk_length, lengths);
        }
      });
  return walks;
}

}  // namespace wb
