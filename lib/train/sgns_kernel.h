#pragma once
// The innermost loops of skip-gram with negative sampling on the CPU, as
// word2vec does them, updating rows in place. A center's targets are scored
// up to eight at a time, side by side, then moved in one more pass (see
// sgns_kernel.cc); compiled for AVX-512, AVX2+FMA and portable vector code,
// chosen once for the CPU. The CUDA kernels (sgns_cuda_kernels.cu) do the same
// arithmetic in the same order; sums are split differently and the
// exponential differs by an ulp or two, no more.
#include <cstdint>
#include <string>
#include <vector>

namespace wb {

// One (center, context) pair: targets[0] is the context row, targets[1..k]
// the negatives. The center moves by the pair's gradient at the end.
// With want_loss, returns the pair's loss -log s(u.v) - sum log s(-u.n);
// otherwise 0.
double sgns_update(float* center, float* const* targets, int64_t num_targets, int64_t dimension,
                   float learning_rate, bool want_loss, float* center_gradient);

// Asks the cache for `count` rows ahead of their use (for writing).
inline void prefetch_rows(float* const* rows, int64_t count, int64_t dimension) {
  for (int64_t r = 0; r < count; ++r) {
    for (int64_t d = 0; d < dimension; d += 16) __builtin_prefetch(rows[r] + d, 1, 3);
  }
}

// One center against its m contexts and k negatives shared by the whole
// window, the center held fixed while they are scored: each context moves by
// its pair's gradient, each negative by m pairs' worth (it stands in for the
// negatives of all m pairs), and the center by the sum at the end. Reads the
// center once and each negative once per window instead of once per pair.
// Returns the window's loss with want_loss, else 0.
double sgns_window_update(float* center, float* const* contexts, int64_t num_contexts,
                          float* const* negatives, int64_t num_negatives, int64_t dimension,
                          float learning_rate, bool want_loss, float* center_gradient);

// The instruction-set variants of the kernel this CPU runs, the one used by
// default first: "avx512", "avx2", then "portable" (8 lanes) and
// "portable-wide" (16 lanes, the avx512 variant's code in portable
// instructions, so its logic is tested on any CPU).
std::vector<std::string> sgns_kernel_variants();
// The variant in use, and a way to switch (for tests and benchmarks; the
// variants differ in the last bits of their sums, not in what they compute).
std::string sgns_kernel_variant();
void use_sgns_kernel_variant(const std::string& name);

}  // namespace wb
