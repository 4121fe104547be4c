#include "walk/walk_storage.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/errors.h"
#include "core/memory_size.h"

namespace wb {

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

}  // namespace wb
