#include "graph/node_index.h"

#include <functional>
#include <limits>

#include "core/errors.h"

namespace wb {

NodeIndex::NodeIndex(std::vector<std::string>& names) : names_(names) {
  if (!names_.empty()) throw Error("NodeIndex: the name list must start empty");
  slots_.assign(1024, Slot{0, kEmpty});
  mask_ = slots_.size() - 1;
}

uint64_t NodeIndex::hash(std::string_view name) {
  // std::hash's murmur mix; the low bits pick the slot, the high ones tag it.
  return std::hash<std::string_view>{}(name);
}

void NodeIndex::prefetch_name(uint64_t hash) const {
  const Slot& slot = slots_[hash & mask_];
  if (slot.id != kEmpty && slot.tag == static_cast<uint32_t>(hash >> 32)) {
    __builtin_prefetch(&names_[slot.id]);
  }
}

NodeId NodeIndex::id_of(std::string_view name, uint64_t h) {
  const auto tag = static_cast<uint32_t>(h >> 32);
  uint64_t at = h & mask_;
  while (slots_[at].id != kEmpty) {
    if (slots_[at].tag == tag && names_[slots_[at].id] == name) return slots_[at].id;
    at = (at + 1) & mask_;
  }
  if (names_.size() >= static_cast<size_t>(std::numeric_limits<NodeId>::max())) {
    throw Error("more than 2^31-1 distinct nodes");
  }
  const auto id = static_cast<NodeId>(names_.size());
  names_.emplace_back(name);
  slots_[at] = {tag, id};
  if (2 * names_.size() > slots_.size()) grow();  // at most half full: short probes
  return id;
}

void NodeIndex::grow() {
  slots_.assign(slots_.size() * 2, Slot{0, kEmpty});
  mask_ = slots_.size() - 1;
  // Names in id order: read in sequence, where the old slots would be read at random.
  for (size_t id = 0; id < names_.size(); ++id) {
    const uint64_t h = hash(names_[id]);
    uint64_t at = h & mask_;
    while (slots_[at].id != kEmpty) at = (at + 1) & mask_;
    slots_[at] = {static_cast<uint32_t>(h >> 32), static_cast<NodeId>(id)};
  }
}

}  // namespace wb
