#pragma once
// Backs a large, randomly accessed array with 2 MiB pages where the kernel
// allows it (transparent huge pages). The fused trainer reads and writes
// embedding rows at random; with 4 KiB pages nearly every row also misses the
// TLB, and under virtualisation each miss walks two page tables. Where THP is
// "madvise" (the default of many distributions), nothing gets huge pages
// unless asked.
#include <cstddef>

namespace wb {

// Advises huge pages for the 2 MiB-aligned part of [data, data + bytes) and
// collapses the pages already there into huge ones (MADV_COLLAPSE, Linux
// 6.1+; about 0.8-1.1 s per 256 MiB on the 2-core VM). Best effort: returns
// the bytes advised, 0 when the range holds no aligned 2 MiB or the kernel
// refuses. The contents do not change.
size_t prefer_huge_pages(void* data, size_t bytes);

}  // namespace wb
