#pragma once
// word2vec's starting point: input rows uniform in [-0.5/d, 0.5/d), output
// rows zero. Drawn from our own generator so that every trainer, on every
// device, starts from the same tables for the same seed.
#include <cstdint>

#include "core/matrix.h"

namespace wb {

Matrix initial_input_embeddings(int64_t rows, int64_t dimension, uint64_t seed);

}  // namespace wb
