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

// The nodes of a walk corpus: on the heap, or in a mapped file when larger
// than the run's memory limit for walks (plan_walk_storage).
using WalkNodes = std::vector<NodeId, SpillAllocator<NodeId>>;

class WalkSampler;
class WalkRegenerator;

// walks_per_node * num_nodes walks of walk_length nodes each, row-major. Walk
// w starts at node w % num_nodes. A walk that reaches a node without out-arcs
// stops there; the rest of its row is kNoNode.
//
// A regenerated corpus (walk.storage = "regenerate") stores no nodes: each
// walk is drawn again, node for node, when a WalkReader reads it. Only walk(),
// length() and `nodes` need the corpus stored; everything else works on both.
struct Walks {
  static constexpr NodeId kNoNode = -1;
  int64_t num_walks = 0;
  int64_t walk_length = 0;
  WalkNodes nodes;
  std::shared_ptr<const WalkRegenerator> regenerator;  // set when regenerated

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
  // How often each node occurs in the corpus: num_nodes counts.
  std::vector<int64_t> node_counts(int64_t num_nodes) const;
  bool in_file() const { return nodes.get_allocator().spills(nodes.capacity()); }
  bool regenerated() const { return regenerator != nullptr; }
};

// The most walks WalkSampler::walk_batch steps together.
constexpr int64_t kWalkBatch = 32;

// Draws walks ids[0..count), count <= kWalkBatch, the way generate_walks does:
// walk w from start node w % num_nodes with its own stream (seed, w). Writes
// walk_length nodes per walk into out + i * walk_length, kNoNode after a dead
// end, and the nodes each visited into lengths[i].
void draw_walks(const WalkSampler& sampler, int64_t num_nodes, uint64_t seed, const int64_t* ids,
                int64_t count, int64_t walk_length, NodeId* out, int64_t* lengths);

// A corpus that is drawn again each time it is read instead of being stored:
// as the walks come from their own streams, walk w is the same every time.
// It keeps pointers to the prepared sampler and the graph, which must outlive it.
class WalkRegenerator {
 public:
  WalkRegenerator(const WalkSampler& sampler, const Graph& graph, uint64_t seed,
                  int64_t walk_length, std::vector<int64_t> node_counts);
  // draw_walks for this corpus.
  void walks(const int64_t* ids, int64_t count, NodeId* out, int64_t* lengths) const {
    draw_walks(sampler_, num_nodes_, seed_, ids, count, walk_length_, out, lengths);
  }
  const std::vector<int64_t>& node_counts() const { return node_counts_; }
  int64_t tokens() const { return tokens_; }

 private:
  const WalkSampler& sampler_;
  int64_t num_nodes_;
  uint64_t seed_;
  int64_t walk_length_;
  std::vector<int64_t> node_counts_;  // counted when the corpus was first drawn
  int64_t tokens_ = 0;
};

// Reads the walks of a stored or regenerated corpus, a batch at a time; one
// per thread.
class WalkReader {
 public:
  explicit WalkReader(const Walks& walks) : walks_(walks) {
    if (walks.regenerated()) buffer_.resize(static_cast<size_t>(kWalkBatch * walks.walk_length));
  }
  // Makes walks ids[0..count), count <= kWalkBatch, readable with walk(i);
  // a regenerated corpus draws them here, together.
  void load(const int64_t* ids, int64_t count) {
    ids_ = ids;
    if (walks_.regenerated()) walks_.regenerator->walks(ids, count, buffer_.data(), lengths_);
  }
  // The nodes of the i-th loaded walk, and in `length` how many it visited.
  const NodeId* walk(int64_t i, int64_t& length) const {
    if (!walks_.regenerated()) {
      length = walks_.length(ids_[i]);
      return walks_.walk(ids_[i]);
    }
    length = lengths_[i];
    return buffer_.data() + i * walks_.walk_length;
  }

 private:
  const Walks& walks_;
  const int64_t* ids_ = nullptr;
  std::vector<NodeId> buffer_;
  int64_t lengths_[kWalkBatch] = {};
};

// Where a run's walks go, so that graphs whose walks exceed the RAM still
// train: on the heap; in a file mapped into memory, which the kernel pages out
// and in as the trainers read the corpus; or nowhere, drawn again as the
// trainer reads them (WalkRegenerator), which costs a walk per walk read and
// no memory or disk.
struct WalkStoragePlan {
  enum class Where { kMemory, kFile, kRegenerate };
  Where where = Where::kMemory;
  double bytes = 0;             // num_nodes * walks_per_node * walk_length * 4
  double limit_bytes = 0;       // the most "auto" keeps on the heap
  std::string spill_directory;  // the file's folder, when in a file

  bool in_memory() const { return where == Where::kMemory; }
  bool in_file() const { return where == Where::kFile; }
  bool regenerated() const { return where == Where::kRegenerate; }
  // An empty corpus whose nodes will be allocated as planned.
  WalkNodes storage() const;
};

// options.storage decides; "auto" keeps a corpus of at most options.max_memory_gb
// in memory, regenerates a larger one when `regenerable` (its trainer reads
// walks through WalkReader, and nothing else needs them stored), and else puts
// it in a file. Throws ConfigError naming walk.storage for "regenerate" when
// not regenerable, and ResourceError naming walk.spill_directory when the
// walks must go to a file and that folder is missing, in memory (tmpfs) or
// short of space.
WalkStoragePlan plan_walk_storage(const WalkOptions& options, int64_t num_nodes,
                                  bool regenerable = false);

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
