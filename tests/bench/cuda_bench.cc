// GPU benchmarks, timed with CUDA events (manual time): walk steps/s and
// fused training positive pairs/s on the seed graph (and, with
// --benchmark_filter=Large, a 20M-node one), each with the bytes it moves and
// the fraction of the measured device-to-device copy bandwidth. Without a
// usable GPU every case reports an error and the CPU cases still run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>

#include "bench_support.h"
#include "cuda/device_info.h"
#include "train/trainer.h"
#include "walk/cuda_walks.h"

namespace wb {
namespace {

// Keeps the scores a trainer records (its kernel's occupancy).
class ScoreRecorder : public NullRecorder {
 public:
  void score(const std::string& key, double value) override { scores[key] = value; }
  std::map<std::string, double> scores;
};

double device_bandwidth_gbs() {
  static const double gbs = measured_device_bandwidth_gbs();
  return gbs;
}

void BM_CudaWalk(benchmark::State& state, CudaWalkMethod method, double p, double q, bool large) {
  if (!cuda_device_usable()) return state.SkipWithError("no usable CUDA device");
  const Graph& graph = large ? large_graph() : seed_graph();
  WalkOptions options;
  options.p = p;
  options.q = q;
  options.walk_length = 80;
  const int64_t walks = (large ? 1 : 10) * graph.num_nodes();
  CudaWalkGenerator generator(graph, options, method, walks);
  generator.run(std::min<int64_t>(walks, 1 << 20));  // warm-up: clocks, caches
  for (auto _ : state) state.SetIterationTime(generator.run(walks));
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(walks * (options.walk_length - 1)),
                         benchmark::Counter::kIsIterationInvariantRate);
  state.counters["nodes"] = static_cast<double>(graph.num_nodes());
}

void BM_CudaTrain(benchmark::State& state, const char* storage, const char* sharing, bool large,
                  const char* prefetch_depth, const char* atomic = "0",
                  const char* kernel = "ring") {
  if (!cuda_device_usable()) return state.SkipWithError("no usable CUDA device");
  setenv("WB_SGNS_KERNEL", kernel, 1);
  setenv("WB_SGNS_PREFETCH", prefetch_depth, 1);
  setenv("WB_SGNS_ATOMIC", atomic, 1);
  const Graph& graph = large ? large_graph() : seed_graph();
  WalkOptions walk_options;
  walk_options.walk_length = 80;
  const int64_t num_walks = large ? 2000000 : 1000000;
  CudaWalkGenerator generator(graph, walk_options, CudaWalkMethod::kUniform, num_walks);
  generator.run(num_walks);
  const Walks walks = generator.download();

  TrainOptions options;
  options.device = "cuda";
  options.settings.trainer = "fused";
  options.settings.dimension = 128;
  options.settings.negatives = 5;
  options.settings.window = 10;
  options.settings.storage = storage;
  options.settings.negative_sharing = sharing;
  ScoreRecorder recorder;
  TrainSummary summary;
  for (auto _ : state) {
    summary = TrainSummary{};
    Matrix m =
        make_trainer("fused")->train(walks, graph.num_nodes(), options, recorder, {}, summary);
    benchmark::DoNotOptimize(m.values.data());
    state.SetIterationTime(summary.seconds);
  }
  const double centers = static_cast<double>(walks.steps() + walks.num_walks);
  const double pairs = static_cast<double>(summary.pairs);
  const double k = static_cast<double>(options.settings.negatives);
  const double row_bytes = 128.0 * (std::string(storage) == "fp32" ? 4 : 2);
  // Each row read once and written once per use: pair-wise, the center once
  // per window and k + 1 output rows per pair; shared, the center and k
  // negatives once per window and one context row per pair.
  const double rows_moved = std::string(sharing) == "window" ? (2 + 2 * k) * centers + 2 * pairs
                                                             : 2 * centers + 2 * (k + 1) * pairs;
  const double bytes_per_pair = rows_moved * row_bytes / pairs;
  const double pairs_per_second = pairs / summary.seconds;
  state.counters["pairs_per_s"] = pairs_per_second;
  state.counters["bytes_per_pair"] = bytes_per_pair;
  state.counters["bandwidth_fraction"] =
      pairs_per_second * bytes_per_pair / (device_bandwidth_gbs() * 1e9);
  state.counters["device_GBps"] = device_bandwidth_gbs();
  // The occupancy behind the rate: warps an SM holds and rows each keeps in flight.
  state.counters["registers"] = recorder.scores["train/cuda_registers_per_thread"];
  state.counters["warps_per_sm"] = recorder.scores["train/cuda_warps_per_sm"];
  state.counters["rows_in_flight"] = recorder.scores["train/cuda_rows_in_flight_per_warp"];
  unsetenv("WB_SGNS_KERNEL");
  unsetenv("WB_SGNS_PREFETCH");
  unsetenv("WB_SGNS_ATOMIC");
}

#define WB_CUDA_WALK(name, method, p, q, large)             \
  BENCHMARK_CAPTURE(BM_CudaWalk, name, method, p, q, large) \
      ->Unit(benchmark::kMillisecond)                       \
      ->UseManualTime()                                     \
      ->Iterations(3);
WB_CUDA_WALK(uniform, CudaWalkMethod::kUniform, 1.0, 1.0, false)
WB_CUDA_WALK(node2vec_p05_q2, CudaWalkMethod::kNode2vecRejection, 0.5, 2.0, false)
WB_CUDA_WALK(node2vec_p025_q4, CudaWalkMethod::kNode2vecRejection, 0.25, 4.0, false)
WB_CUDA_WALK(Large_uniform, CudaWalkMethod::kUniform, 1.0, 1.0, true)
WB_CUDA_WALK(Large_node2vec_p05_q2, CudaWalkMethod::kNode2vecRejection, 0.5, 2.0, true)

#define WB_CUDA_TRAIN(name, ...)                     \
  BENCHMARK_CAPTURE(BM_CudaTrain, name, __VA_ARGS__) \
      ->Unit(benchmark::kMillisecond)                \
      ->UseManualTime()                              \
      ->Iterations(1);
// Rows are stored back (Hogwild) by default; "atomic" variants add fp32
// updates in L2 (experimental). Rows in flight per warp: 1, 2 or 4 in
// registers; "async" rows fetch 8 (or 16) rows ahead into shared memory.
// The default rows of each kernel first: a device call's deadline may cut
// the list short.
WB_CUDA_TRAIN(pair_fp32, "fp32", "none", false, "1")
WB_CUDA_TRAIN(pair_fp32_async, "fp32", "none", false, "8", "0", "async")
WB_CUDA_TRAIN(pair_bf16, "bf16", "none", false, "1")
WB_CUDA_TRAIN(pair_bf16_async, "bf16", "none", false, "8", "0", "async")
WB_CUDA_TRAIN(window_fp32, "fp32", "window", false, "1")
WB_CUDA_TRAIN(window_fp32_async, "fp32", "window", false, "8", "0", "async")
WB_CUDA_TRAIN(window_bf16, "bf16", "window", false, "1")
WB_CUDA_TRAIN(window_bf16_async, "bf16", "window", false, "8", "0", "async")
WB_CUDA_TRAIN(pair_bf16_async16, "bf16", "none", false, "16", "0", "async")
WB_CUDA_TRAIN(window_bf16_async16, "bf16", "window", false, "16", "0", "async")
WB_CUDA_TRAIN(pair_fp32_depth2, "fp32", "none", false, "2")
WB_CUDA_TRAIN(pair_fp32_depth4, "fp32", "none", false, "4")
WB_CUDA_TRAIN(pair_bf16_depth2, "bf16", "none", false, "2")
WB_CUDA_TRAIN(pair_bf16_depth4, "bf16", "none", false, "4")
WB_CUDA_TRAIN(window_fp32_depth2, "fp32", "window", false, "2")
WB_CUDA_TRAIN(window_bf16_depth2, "bf16", "window", false, "2")
WB_CUDA_TRAIN(window_bf16_depth4, "bf16", "window", false, "4")
WB_CUDA_TRAIN(pair_fp32_atomic, "fp32", "none", false, "1", "1")
WB_CUDA_TRAIN(window_fp32_atomic, "fp32", "window", false, "1", "1")
WB_CUDA_TRAIN(Large_pair_fp32, "fp32", "none", true, "1")
WB_CUDA_TRAIN(Large_window_bf16, "bf16", "window", true, "1")
WB_CUDA_TRAIN(Large_window_bf16_async, "bf16", "window", true, "8", "0", "async")
}  // namespace
}  // namespace wb
