#include "core/huge_pages.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

TEST_CASE("huge pages are asked for whole aligned 2 MiB runs only, contents kept", "[memory]") {
  const size_t huge = size_t{2} << 20;
  std::vector<float> table(5 * huge / sizeof(float) + 123);
  for (size_t i = 0; i < table.size(); ++i) table[i] = static_cast<float>(i % 1000) - 0.5f;
  const size_t bytes = table.size() * sizeof(float);
  const size_t advised = wb::prefer_huge_pages(table.data(), bytes);
  // Kernels without THP refuse (0); otherwise whole aligned pages inside the range.
  CHECK(advised % huge == 0);
  CHECK(advised <= bytes);
  if (advised > 0) CHECK(advised >= 4 * huge);  // 5 pages' worth, start unaligned
  for (size_t i = 0; i < table.size(); ++i) {
    if (table[i] != static_cast<float>(i % 1000) - 0.5f) FAIL("value " << i << " changed");
  }

  std::vector<float> small(1000, 1.0f);
  CHECK(wb::prefer_huge_pages(small.data(), small.size() * sizeof(float)) == 0);
  CHECK(wb::prefer_huge_pages(nullptr, 0) == 0);
}
