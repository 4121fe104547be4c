#pragma once
// An allocator for arrays that may be larger than RAM. Small arrays live on
// the heap. One of at least `threshold_bytes` goes to a file in `directory`
// mapped shared: the kernel writes its pages back and drops them under memory
// pressure, where anonymous memory without swap would end in the OOM killer.
// The walk corpus of a graph with tens of millions of nodes is such an array
// (20M nodes x 10 walks x 80 steps x 4 bytes = 64 GB); its readers take it a
// walk at a time (the fused CPU trainer a 2 MiB block at a time), and
// training a walk costs far more than paging it in.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>

namespace wb {

struct SpillPolicy {
  std::string directory;
  int64_t threshold_bytes = std::numeric_limits<int64_t>::max();
};

// Maps `bytes` of a new file in `directory`. The file is unlinked at once, so
// nothing is left behind when the process dies, and its blocks are reserved
// up front, so a full disk is a ResourceError here rather than a SIGBUS on
// some later write.
void* map_spill_file(const std::string& directory, size_t bytes);
void unmap_spill_file(void* data, size_t bytes);

template <class T>
class SpillAllocator {
 public:
  using value_type = T;
  // A container copied or moved takes its source's policy with its memory.
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;

  SpillAllocator() = default;
  explicit SpillAllocator(std::shared_ptr<const SpillPolicy> policy) : policy_(std::move(policy)) {}
  template <class U>
  SpillAllocator(const SpillAllocator<U>& other) : policy_(other.policy()) {}  // NOLINT

  T* allocate(size_t n) {
    if (spills(n)) return static_cast<T*>(map_spill_file(policy_->directory, n * sizeof(T)));
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* data, size_t n) {
    if (spills(n)) {
      unmap_spill_file(data, n * sizeof(T));
    } else {
      std::allocator<T>().deallocate(data, n);
    }
  }

  // Whether an array of n elements goes to a file.
  bool spills(size_t n) const {
    return policy_ != nullptr && n > 0 &&
           static_cast<double>(n) * sizeof(T) >= static_cast<double>(policy_->threshold_bytes);
  }
  const std::shared_ptr<const SpillPolicy>& policy() const { return policy_; }

  friend bool operator==(const SpillAllocator& a, const SpillAllocator& b) {
    return a.policy_ == b.policy_;
  }
  friend bool operator!=(const SpillAllocator& a, const SpillAllocator& b) { return !(a == b); }

 private:
  std::shared_ptr<const SpillPolicy> policy_;
};

}  // namespace wb
