#include "core/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>

namespace wb {

size_t prefer_huge_pages(void* data, size_t bytes) {
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  const auto start = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (start + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t last = (start + bytes) & ~(kHugePage - 1);
  if (data == nullptr || last <= first) return 0;
  void* aligned = reinterpret_cast<void*>(first);
  const size_t length = last - first;
  if (madvise(aligned, length, MADV_HUGEPAGE) != 0) return 0;
#ifndef MADV_COLLAPSE
  constexpr int MADV_COLLAPSE = 25;  // Linux 6.1; headers may be older than the kernel
#endif
  // Without it (older kernels) the advice still holds for pages faulted
  // later and for khugepaged's background collapsing.
  madvise(aligned, length, MADV_COLLAPSE);
  return length;
}

}  // namespace wb
