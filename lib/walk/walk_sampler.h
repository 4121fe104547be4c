#pragma once
// Random-walk samplers: an interface plus a registry keyed by the name used in
// TOML (walk.sampler). A sampler prepares its tables once, then produces one
// walk at a time from a private generator, so walks can be made on any number
// of threads and still come out identical for the same seed.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/random.h"
#include "graph/graph.h"
#include "walk/walks.h"

namespace wb {

struct WalkStoragePlan;

struct WalkOptions {
  int64_t walks_per_node = 10;
  int64_t walk_length = 80;
  double p = 1.0;
  double q = 1.0;
  uint64_t seed = 42;
  int threads = 1;
  double max_alias_memory_gb = 8.0;
  // Where the corpus is kept (WalkStoragePlan): "auto", "memory", "file" or "regenerate".
  std::string storage = "auto";
  // "auto" keeps larger corpora out of memory; 0: half the usable memory (RAM or cgroup limit).
  double max_memory_gb = 0;
  std::string spill_directory;  // where a corpus in a file goes; "": $TMPDIR, else /var/tmp
  std::string device = "cpu";   // resolved: cpu | cuda
};

// How a sampler walks on the GPU (walk/cuda_walks.h).
enum class CudaWalkMethod {
  kNone,               // no GPU kernel
  kUniform,            // DeepWalk: a uniform (or weight-proportional) neighbour
  kNode2vecRejection,  // exact node2vec by rejection, O(E) memory (KnightKing)
};

class WalkSampler {
 public:
  virtual ~WalkSampler() = default;
  // Builds whatever tables the sampler needs; called once per graph.
  virtual void prepare(const Graph& graph, const WalkOptions& options,
                       const Progress& progress) = 0;
  // Writes one walk of `length` nodes starting at `start`; returns the nodes
  // written (fewer when it hits a dead end).
  virtual int64_t walk(NodeId start, int64_t length, Rng& rng, NodeId* out) const = 0;
  // Walk i of `count` (at most kWalkBatch): from starts[i] with rngs[i] into
  // out + i * length, the nodes walk() would write, its length in lengths[i].
  // Samplers override it to step the walks in turn: a step is a chain of
  // cache misses (the node's arcs, then the chosen neighbour's), and walks
  // stepped together wait on memory together rather than one after another.
  virtual void walk_batch(const NodeId* starts, int64_t count, int64_t length, Rng* rngs,
                          NodeId* out, int64_t* lengths) const;
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
// when not given). A regenerated plan draws every walk once on the CPU to
// count the nodes, stores none, and returns a corpus that needs `sampler` and
// `graph` for as long as it is read.
Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const WalkStoragePlan& plan, const Progress& progress);
Walks generate_walks(WalkSampler& sampler, const Graph& graph, const WalkOptions& options,
                     const Progress& progress);

}  // namespace wb
