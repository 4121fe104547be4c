// libFuzzer target: the embeddings reader (word2vec text or binary, .npy) against a
// fixed graph whose ids are "0".."9" and "a".."f". The first byte picks the
// dimension (1-4) and whether a .npy gets the ids file "0".."9" or a fuzzed
// one; the rest is the vectors file. Any wb::Error is a clean refusal.
#include <cmath>

#include "core/errors.h"
#include "fuzz_input_file.h"
#include "io/embeddings_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::string> node_ids = {"0", "1", "2", "3", "4", "5", "6", "7",
                                                    "8", "9", "a", "b", "c", "d", "e", "f"};
  static const char kDigits[] = "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  if (size == 0) return 0;
  const int64_t dimension = 1 + (data[0] & 3);
  const bool fuzzed_ids = (data[0] & 4) != 0;
  const std::string path = wb::fuzz::write_input(data + 1, size - 1, "embeddings");
  // A fuzzed ids file is the vectors file itself: for a .npy, its header
  // lines are then ids, which must be refused or matched, never trusted.
  const std::string ids = fuzzed_ids
                              ? path
                              : wb::fuzz::write_input(reinterpret_cast<const uint8_t*>(kDigits),
                                                      sizeof(kDigits) - 1, "embedding-ids");
  try {
    const wb::Matrix table =
        wb::read_embeddings({path, (data[0] & 8) ? ids : ""}, node_ids, dimension);
    if (table.rows != 16 || table.cols != dimension ||
        table.values.size() != static_cast<size_t>(16 * dimension)) {
      __builtin_trap();
    }
    for (float value : table.values) {
      if (!std::isfinite(value)) __builtin_trap();
    }
  } catch (const wb::Error&) {
  }
  return 0;
}
