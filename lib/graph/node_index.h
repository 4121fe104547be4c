#pragma once
// Dense node ids in order of first appearance, for edge lists with string ids.
// An open-addressing table of 8-byte slots (a hash tag and an id) over the
// names kept once, in the edge list's node_ids: a lookup touches one slot and,
// when the tag matches, one name. A node-based std::unordered_map touched
// three or four cache lines per lookup and took most of the load time of a
// graph with millions of nodes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"

namespace wb {

class NodeIndex {
 public:
  // Names are appended to `names`, which starts empty and must outlive the index.
  explicit NodeIndex(std::vector<std::string>& names);
  // The id of `name`, added if new. Throws Error past 2^31 - 1 names.
  NodeId id_of(std::string_view name) { return id_of(name, hash(name)); }

  // For looking up a batch of names: hash each, prefetch their slots, then
  // their names (once the slots are in), then look each up with its hash.
  // One by one, each lookup waits for its own cache misses.
  static uint64_t hash(std::string_view name);
  void prefetch_slot(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  void prefetch_name(uint64_t hash) const;
  NodeId id_of(std::string_view name, uint64_t hash);

 private:
  struct Slot {
    uint32_t tag;  // the hash's high half
    NodeId id;     // kEmpty when free
  };
  static constexpr NodeId kEmpty = -1;
  void grow();

  std::vector<std::string>& names_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace wb
