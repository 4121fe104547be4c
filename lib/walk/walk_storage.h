#pragma once
// Where a run keeps its walk corpus (walk.storage), decided before any walk
// is drawn so that a corpus that cannot be kept fails in seconds.
#include <string>

#include "walk/walk_sampler.h"

namespace wb {

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

}  // namespace wb
