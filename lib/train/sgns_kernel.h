#pragma once
// The innermost loop of skip-gram with negative sampling, as word2vec does it:
// one center row against its context row and k negative rows, updating the
// output rows in place and accumulating the center's gradient. Rows are raw
// float pointers so the loops vectorise (compiled for AVX-512, AVX2 and
// baseline x86-64, chosen at load time).
#include <cstdint>

namespace wb {

// targets[0] is the positive (context) row, targets[1..k] the negatives.
// With want_loss, returns the pair's loss -log s(u.v) - sum log s(-u.n);
// otherwise 0 (the logarithms cost as much as the arithmetic, so callers
// measure the loss on a sample of pairs).
double sgns_update(float* center, float* const* targets, int64_t num_targets, int64_t dimension,
                   float learning_rate, bool want_loss, float* center_gradient);

}  // namespace wb
