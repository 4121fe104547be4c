#include "train/initialization.h"

#include "core/random.h"

namespace wb {

Matrix initial_input_embeddings(int64_t rows, int64_t dimension, uint64_t seed) {
  Matrix table(rows, dimension);
  Rng rng(seed, 0x1a17ULL);
  for (float& value : table.values) {
    value = (rng.uniform_float() - 0.5f) / static_cast<float>(dimension);
  }
  return table;
}

}  // namespace wb
