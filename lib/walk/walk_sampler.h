#pragma once
// Random-walk samplers: an interface plus a registry keyed by the name used in
// TOML (walk.sampler). A sampler prepares its tables once, then produces one
// walk at a time from a private generator, so walks can be made on any number
// of threads and still come out identical for the same seed.
#include <memory>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/random.h"
#include "core/spill_allocator.h"
#include "graph/graph.h"

namespace wb {

struct WalkOptions {
  int64_t walks_per_node = 10;
  int64_t walk_length = 80;
  double p = 1.0;
  double q = 1.0;
  uint64_t seed = 42;
  int threads = 1;
  double max_alias_memory_gb = 8.0;
  // Larger walk corpora go to a file; 0: half the usable memory (RAM or cgroup limit).
  double max_memory_gb = 0;
  std::string spill_directory;  // where that file goes; "": $TMPDIR, else /var/tmp
  std::string device = "cpu";   // resolved: cpu | cuda
};

// How a sampler walks on the GPU (walk/cuda_walks.h).
enum class CudaWalkMethod {
  kNone,               // no GPU kernel
  kUniform,            // DeepWalk: a uniform (or weight-proportional) neighbour
  kNode2vecRejection,  // exact node2vec by rejection, O(E) memory (KnightKing)
};

// The nodes of a walk corpus: on the heap, or in a mapped file when larger
// than the run's memory limit for walks (plan_walk_storage).
using WalkNodes = std::vector<NodeId, SpillAllocator<NodeId>>;

// walks_per_node * num_nodes walks of walk_length nodes each, row-major. Walk
// w starts at node w % num_nodes. A walk that reaches a node without out-arcs
// stops there; the rest of its row is kNoNode.
struct Walks {
  static constexpr NodeId kNoNode = -1;
  int64_t num_walks = 0;
  int64_t walk_length = 0;
  WalkNodes nodes;

  const NodeId* walk(int64_t w) const { return nodes.data() + w * walk_length; }
  // Nodes walk w visits (walks stop early at dead ends, or after sub-sampling).
  int64_t length(int64_t w) const {
    const NodeId* nodes_of_walk = walk(w);
    int64_t n = 0;
    while (n < walk_length && nodes_of_walk[n] != kNoNode) ++n;
    return n;
  }
  int64_t tokens() const;  // nodes visited, summed over all walks
  int64_t steps() const;   // transitions taken, summed over all walks
  bool in_file() const { return nodes.get_allocator().spills(nodes.capacity()); }
};

// Where a run's walks go. Walks larger than walk.max_memory_gb go to a file
// mapped into memory, which the kernel pages out and in as the trainers read
// the corpus, so graphs whose walks exceed the RAM still train.
struct WalkStoragePlan {
  double bytes = 0;             // num_nodes * walks_per_node * walk_length * 4
  double limit_bytes = 0;       // the most kept on the heap
  std::string spill_directory;  // the file's folder; empty when the walks fit

  bool in_file() const { return !spill_directory.empty(); }
  // An empty corpus whose nodes will be allocated as planned.
  WalkNodes storage() const;
};

// Throws ResourceError naming walk.spill_directory when the walks must go to
// a file and that folder is missing, in memory (tmpfs) or short of space.
WalkStoragePlan plan_walk_storage(const WalkOptions& options, int64_t num_nodes);

class WalkSampler {
 public:
  virtual ~WalkSampler() = default;
  // Builds whatever tables the sampler needs; called once per graph.
  virtual void prepare(const Graph& graph, const WalkOptions& options,
                       const Progress& progress) = 0;
  // Writes one walk of `length` nodes starting at `start`; returns the nodes
  // written (fewer when it hits a dead end).
  virtual int64_t walk(NodeId start, int64_t length, Rng& rng, NodeId* out) const = 0;
  // Bytes held by the prepared tables, for the run's cost report.
  virtual int64_t memory_bytes() const { return 0; }
  // The GPU kernel that draws from the same distribution.
  virtual CudaWalkMethod cuda_method() const { return CudaWalkMethod::kNone; }
};

// Known names: "uniform", "node2vec", "node2vec-rejection". Throws ConfigError
// naming walk.sampler for anything else.
std::unique_ptr<WalkSampler> make_walk_sampler(const std::string& name);
std::vector<std::string> walk_sampler_names();

// Prepares the sampler and runs every walk on options.threads threads, or on
// the GPU when options.device is "cuda" (the same walks, node for node),
// into storage as `plan` says (plan_walk_storage(options, graph.num_nodes())
// when not given).
Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const WalkStoragePlan& plan, const Progress& progress);
Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const Progress& progress);

}  // namespace wb
