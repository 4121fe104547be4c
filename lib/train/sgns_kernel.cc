#include "train/sgns_kernel.h"

#include <atomic>
#include <cmath>
#include <stdexcept>

#include "train/sgns_lanes.h"

// Vectors are returned by value from always-inlined functions only: GCC's
// warning about their calling convention across targets concerns no call.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace wb {
namespace {

using lanes::Floats16;
using lanes::Floats8;

inline double log_sigmoid(float x) {
  // log s(x) = -log(1 + e^-x), written to stay finite for large |x|.
  return x >= 0 ? -std::log1p(std::exp(-static_cast<double>(x)))
                : static_cast<double>(x) - std::log1p(std::exp(static_cast<double>(x)));
}

// The most targets scored side by side: eight scores fill one Floats8 for the
// sigmoid, and eight accumulators plus the center and a row fit AVX2's
// sixteen vector registers.
constexpr int kMaxBatch = 8;

// A center's targets in runs of distinct rows, each run with its labels and
// the weights of its gradients.
struct Batch {
  float* rows[kMaxBatch];
  float label[kMaxBatch];
  float weight[kMaxBatch];
};

// One batch of kCount distinct rows against the center, in two passes over
// the dimensions. The first scores every row at once, so the kCount dot
// products are independent chains the CPU runs side by side (one row at a
// time, each waited for its sum, its sigmoid and its update before the next
// began). The second moves every row and accumulates the center's gradient
// into `gradient`, or, on the center's last batch, moves the center by it.
// Rows are distinct, so every score sees each row as word2vec's sequential
// loop would: the batching changes no result beyond the order of a sum.
template <typename Vec, int kCount>
__attribute__((always_inline)) inline double train_batch(float* center, const Batch& batch,
                                                         int64_t dimension, float learning_rate,
                                                         bool want_loss, bool first, bool last,
                                                         float* gradient) {
  constexpr int kWidth = lanes::width<Vec>();
  float* rows[kCount];
#pragma GCC unroll 8
  for (int t = 0; t < kCount; ++t) rows[t] = batch.rows[t];

  Vec sums[kCount];
#pragma GCC unroll 8
  for (int t = 0; t < kCount; ++t) sums[t] = Vec{};
  int64_t d = 0;
  for (; d + kWidth <= dimension; d += kWidth) {
    const Vec c = lanes::load<Vec>(center + d);
#pragma GCC unroll 8
    for (int t = 0; t < kCount; ++t) sums[t] += c * lanes::load<Vec>(rows[t] + d);
  }
  float scores[kMaxBatch] = {};
#pragma GCC unroll 8
  for (int t = 0; t < kCount; ++t) {
    scores[t] = lanes::fold(sums[t]);
    for (int64_t tail = d; tail < dimension; ++tail) scores[t] += center[tail] * rows[t][tail];
  }

  const Floats8 labels = lanes::load<Floats8>(batch.label);
  const Floats8 weights = lanes::load<Floats8>(batch.weight);
  const Floats8 steps =
      (labels - lanes::sigmoid(lanes::load<Floats8>(scores))) * learning_rate * weights;
  double loss = 0;
  if (want_loss) {
    for (int t = 0; t < kCount; ++t) {
      loss -= batch.weight[t] * log_sigmoid(batch.label[t] > 0 ? scores[t] : -scores[t]);
    }
  }

  for (d = 0; d + kWidth <= dimension; d += kWidth) {
    const Vec c = lanes::load<Vec>(center + d);
    Vec g = first ? Vec{} : lanes::load<Vec>(gradient + d);
#pragma GCC unroll 8
    for (int t = 0; t < kCount; ++t) {
      Vec row = lanes::load<Vec>(rows[t] + d);
      g += steps[t] * row;
      row += steps[t] * c;
      lanes::store(rows[t] + d, row);
    }
    if (last) {
      lanes::store(center + d, c + g);
    } else {
      lanes::store(gradient + d, g);
    }
  }
  for (; d < dimension; ++d) {
    float g = first ? 0.0f : gradient[d];
    for (int t = 0; t < kCount; ++t) {
      g += steps[t] * rows[t][d];
      rows[t][d] += steps[t] * center[d];
    }
    if (last) {
      center[d] += g;
    } else {
      gradient[d] = g;
    }
  }
  return loss;
}

template <typename Vec>
__attribute__((always_inline)) inline double train_batch_of(int count, float* center,
                                                            const Batch& batch, int64_t dimension,
                                                            float learning_rate, bool want_loss,
                                                            bool first, bool last,
                                                            float* gradient) {
#define WB_BATCH(n)                                                                             \
  case n:                                                                                       \
    return train_batch<Vec, n>(center, batch, dimension, learning_rate, want_loss, first, last, \
                               gradient)
  switch (count) {
    WB_BATCH(1);
    WB_BATCH(2);
    WB_BATCH(3);
    WB_BATCH(4);
    WB_BATCH(5);
    WB_BATCH(6);
    WB_BATCH(7);
    default:
      WB_BATCH(8);
  }
#undef WB_BATCH
}

// word2vec's update of one center: each target in turn is scored against the
// center (fixed meanwhile), moved, and its gradient added to the center's,
// which moves at the end. The targets are the positives (label 1, weight 1),
// then the negatives (label 0, each standing for `negative_weight` pairs),
// taken in batches of distinct rows: a row seen twice starts a new batch, so
// its second score sees its first update, as in the sequential loop.
template <typename Vec>
__attribute__((always_inline)) inline double train_center(
    float* center, float* const* positives, int64_t num_positives, float* const* negatives,
    int64_t num_negatives, float negative_weight, int64_t dimension, float learning_rate,
    bool want_loss, float* gradient) {
  const int64_t total = num_positives + num_negatives;
  double loss = 0;
  // Lanes past a batch's count keep an earlier batch's values (or zeros):
  // their steps are computed beside the others' and never used.
  Batch batch{};
  bool first = true;
  for (int64_t next = 0; next < total;) {
    int count = 0;
    while (next < total && count < kMaxBatch) {
      const bool positive = next < num_positives;
      float* row = positive ? positives[next] : negatives[next - num_positives];
      bool repeated = false;
      for (int t = 0; t < count; ++t) repeated |= batch.rows[t] == row;
      if (repeated) break;
      batch.rows[count] = row;
      batch.label[count] = positive ? 1.0f : 0.0f;
      batch.weight[count] = positive ? 1.0f : negative_weight;
      ++count;
      ++next;
    }
    loss += train_batch_of<Vec>(count, center, batch, dimension, learning_rate, want_loss, first,
                                next == total, gradient);
    first = false;
  }
  return loss;
}

// One function per instruction set; the always-inline templates above are
// compiled into each with its target's instructions.
#define WB_KERNEL_BODY(Vec)                                                            \
  return train_center<Vec>(center, positives, num_positives, negatives, num_negatives, \
                           negative_weight, dimension, learning_rate, want_loss, gradient)
#define WB_KERNEL_PARAMETERS                                                                \
  float *center, float *const *positives, int64_t num_positives, float *const *negatives,   \
      int64_t num_negatives, float negative_weight, int64_t dimension, float learning_rate, \
      bool want_loss, float *gradient

double kernel_portable(WB_KERNEL_PARAMETERS) { WB_KERNEL_BODY(Floats8); }
double kernel_portable_wide(WB_KERNEL_PARAMETERS) { WB_KERNEL_BODY(Floats16); }
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WB_SGNS_X86_VARIANTS 1
__attribute__((target("avx2,fma"))) double kernel_avx2(WB_KERNEL_PARAMETERS) {
  WB_KERNEL_BODY(Floats8);
}
__attribute__((target("avx512f,avx2,fma"))) double kernel_avx512(WB_KERNEL_PARAMETERS) {
  WB_KERNEL_BODY(Floats16);
}
#endif
#undef WB_KERNEL_BODY
#undef WB_KERNEL_PARAMETERS

using Kernel = double (*)(float*, float* const*, int64_t, float* const*, int64_t, float, int64_t,
                          float, bool, float*);

struct Variant {
  const char* name;
  Kernel kernel;
};

std::vector<Variant> runnable_variants() {
  std::vector<Variant> variants;
#ifdef WB_SGNS_X86_VARIANTS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) variants.push_back({"avx512", kernel_avx512});
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    variants.push_back({"avx2", kernel_avx2});
  }
#endif
  variants.push_back({"portable", kernel_portable});
  variants.push_back({"portable-wide", kernel_portable_wide});
  return variants;
}

std::atomic<Kernel>& chosen_kernel() {
  static std::atomic<Kernel> kernel{runnable_variants().front().kernel};
  return kernel;
}

}  // namespace

std::vector<std::string> sgns_kernel_variants() {
  std::vector<std::string> names;
  for (const Variant& variant : runnable_variants()) names.emplace_back(variant.name);
  return names;
}

std::string sgns_kernel_variant() {
  const Kernel kernel = chosen_kernel().load(std::memory_order_relaxed);
  for (const Variant& variant : runnable_variants()) {
    if (variant.kernel == kernel) return variant.name;
  }
  return "unknown";
}

void use_sgns_kernel_variant(const std::string& name) {
  for (const Variant& variant : runnable_variants()) {
    if (name == variant.name) {
      chosen_kernel().store(variant.kernel, std::memory_order_relaxed);
      return;
    }
  }
  throw std::invalid_argument("no SGNS kernel variant '" + name + "' on this CPU");
}

double sgns_update(float* center, float* const* targets, int64_t num_targets, int64_t dimension,
                   float learning_rate, bool want_loss, float* center_gradient) {
  if (num_targets <= 0) return 0.0;
  return chosen_kernel().load(std::memory_order_relaxed)(center, targets, 1, targets + 1,
                                                         num_targets - 1, 1.0f, dimension,
                                                         learning_rate, want_loss, center_gradient);
}

double sgns_window_update(float* center, float* const* contexts, int64_t num_contexts,
                          float* const* negatives, int64_t num_negatives, int64_t dimension,
                          float learning_rate, bool want_loss, float* center_gradient) {
  return chosen_kernel().load(std::memory_order_relaxed)(
      center, contexts, num_contexts, negatives, num_negatives, static_cast<float>(num_contexts),
      dimension, learning_rate, want_loss, center_gradient);
}

}  // namespace wb
