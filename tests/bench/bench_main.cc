// Microbenchmarks: walk steps/s and training pairs/s on the seed article's
// graph shape (500K nodes, 4M edges, synthetic e-commerce), with the bytes
// each training pair moves and the share of measured memory bandwidth.
// Run: build/tests/bench/workbench_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.h"
#include "core/parallel.h"
#include "eval/link_heuristics.h"
#include "eval/link_split.h"
#include "eval/metrics.h"
#include "graph/ecommerce_generator.h"
#include "graph/edge_list_reader.h"
#include "train/sgns_kernel.h"
#include "train/trainer.h"
#include "walk/walk_sampler.h"

namespace wb {
namespace {

// `count` walks from nodes spread over the graph, stepped together as
// generate_walks steps them.
Walks sample_walks(WalkSampler& sampler, const Graph& graph, int64_t count, int64_t length,
                   int threads, bool batched = true) {
  Walks walks;
  walks.num_walks = count;
  walks.walk_length = length;
  walks.nodes.assign(count * length, Walks::kNoNode);
  parallel_for_chunks(count, 256, threads, {}, "walk", [&](int64_t begin, int64_t end) {
    NodeId starts[kWalkBatch];
    Rng rngs[kWalkBatch];
    int64_t lengths[kWalkBatch];
    for (int64_t first = begin; first < end; first += kWalkBatch) {
      const int64_t batch = std::min(kWalkBatch, end - first);
      for (int64_t i = 0; i < batch; ++i) {
        starts[i] = static_cast<NodeId>(((first + i) * 7919) % graph.num_nodes());
        rngs[i] = Rng(1, static_cast<uint64_t>(first + i));
      }
      NodeId* out = walks.nodes.data() + first * length;
      if (batched) {
        sampler.walk_batch(starts, batch, length, rngs, out, lengths);
      } else {  // the walks one after another, as before samplers stepped them together
        sampler.WalkSampler::walk_batch(starts, batch, length, rngs, out, lengths);
      }
    }
  });
  return walks;
}

// A STREAM-style triad, the reference for "fraction of bandwidth".
double measured_bandwidth_gbs() {
  static const double gbs = [] {
    const size_t n = 1 << 25;  // 128 MiB per array
    std::vector<float> a(n, 1.0f), b(n, 2.0f), c(n, 0.0f);
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
      const auto start = std::chrono::steady_clock::now();
      for (size_t i = 0; i < n; ++i) c[i] = a[i] + 0.5f * b[i];
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = std::max(best, 3.0 * n * sizeof(float) / s / 1e9);
    }
    benchmark::DoNotOptimize(c.data());
    return best;
  }();
  return gbs;
}

void walk_throughput(benchmark::State& state, const Graph& graph, const char* sampler_name,
                     double p, double q, bool batched = true) {
  auto sampler = make_walk_sampler(sampler_name);
  WalkOptions options;
  options.p = p;
  options.q = q;
  sampler->prepare(graph, options, {});
  const int threads = resolve_thread_count(0);
  const int64_t walks = 20000, length = 80;
  for (auto _ : state) {
    Walks result = sample_walks(*sampler, graph, walks, length, threads, batched);
    benchmark::DoNotOptimize(result.nodes.data());
  }
  state.counters["steps_per_s"] = benchmark::Counter(static_cast<double>(walks * (length - 1)),
                                                     benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
  state.counters["table_mib"] = static_cast<double>(sampler->memory_bytes()) / (1 << 20);
}

void BM_Walk(benchmark::State& state, const char* sampler_name, double p, double q) {
  walk_throughput(state, seed_graph(), sampler_name, p, q);
}

// The exact sampler's alias tables grow with the sum of squared degrees, so
// they are timed on a graph where they fit: the e-commerce generator's
// defaults (25K nodes, 160K edges; tables of several hundred MiB, far beyond
// the cache, as on the paper's BlogCatalog and Wikipedia), beside the
// rejection sampler on the same graph.
const Graph& alias_sized_graph() {
  static const Graph graph = build_graph(generate_ecommerce_graph(EcommerceGraphOptions{}), {});
  return graph;
}

void BM_WalkAliasSized(benchmark::State& state, const char* sampler_name, double p, double q,
                       bool batched) {
  walk_throughput(state, alias_sized_graph(), sampler_name, p, q, batched);
}

// Trains `walks` with d = 128, k = 5, window 10 and reports pairs/s, the
// bytes a pair moves and the share of the measured bandwidth.
void train_throughput(benchmark::State& state, const Graph& graph, const Walks& walks,
                      const char* trainer_name, const char* sharing) {
  const int threads = resolve_thread_count(0);
  TrainOptions options;
  options.settings.dimension = 128;
  options.settings.negatives = 5;
  options.settings.window = 10;
  options.settings.batch_size = 4096;
  options.settings.trainer = trainer_name;
  options.settings.negative_sharing = sharing;
  options.threads = threads;
  NullRecorder recorder;
  int64_t pairs = 0;
  double seconds = 0;
  for (auto _ : state) {
    TrainSummary summary;
    Matrix m =
        make_trainer(trainer_name)->train(walks, graph.num_nodes(), options, recorder, {}, summary);
    seconds += summary.seconds;  // the training loop, without table set-up
    benchmark::DoNotOptimize(m.values.data());
    pairs = summary.pairs;
  }
  const double pairs_per_second = static_cast<double>(pairs * state.iterations()) / seconds;
  // Per pair: the center row and k+1 output rows, each read and written once;
  // shared per window, the context row plus the center and k negatives spread
  // over the window's pairs.
  const double k = static_cast<double>(options.settings.negatives);
  const double pairs_per_center =
      static_cast<double>(pairs) / static_cast<double>(walks.steps() + walks.num_walks);
  const double rows_per_pair =
      std::string(sharing) == "window" ? 1 + (1 + k) / pairs_per_center : 1 + k + 1;
  const double bytes_per_pair = 2.0 * rows_per_pair * 128 * sizeof(float);
  state.counters["pairs_per_s"] = pairs_per_second;
  state.counters["bytes_per_pair"] = bytes_per_pair;
  state.counters["bandwidth_fraction"] =
      pairs_per_second * bytes_per_pair / (measured_bandwidth_gbs() * 1e9);
  state.counters["threads"] = threads;
}

void BM_Train(benchmark::State& state, const char* trainer_name, int64_t walk_count,
              const char* sharing = "none") {
  const Graph& graph = seed_graph();
  auto sampler = make_walk_sampler("uniform");
  sampler->prepare(graph, {}, {});
  const Walks walks = sample_walks(*sampler, graph, walk_count, 80, resolve_thread_count(0));
  train_throughput(state, graph, walks, trainer_name, sharing);
}

// The fused CPU trainer on each kernel variant this CPU runs (sgns_kernel.h),
// on BM_Train's walks: what the instruction set is worth on this machine.
void BM_TrainCpuKernel(benchmark::State& state, const std::string& variant, const char* sharing) {
  const std::string saved = sgns_kernel_variant();
  use_sgns_kernel_variant(variant);
  BM_Train(state, "fused", 20000, sharing);
  use_sgns_kernel_variant(saved);
}

// One case per variant and negative sharing, registered at start-up (the
// variants depend on the CPU). portable-wide is a test aid, the avx512
// variant's code in portable instructions: not timed.
const bool kCpuKernelCases = [] {
  for (const std::string& variant : sgns_kernel_variants()) {
    if (variant == "portable-wide") continue;
    for (const char* sharing : {"none", "window"}) {
      const std::string name = "BM_TrainCpuKernel/" + variant + "_" + sharing;
      benchmark::RegisterBenchmark(name.c_str(),
                                   [variant, sharing](benchmark::State& state) {
                                     BM_TrainCpuKernel(state, variant, sharing);
                                   })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(1);
    }
  }
  return true;
}();

// The fused CPU trainer on walks 0..19999 (node2vec, p = q = 1, as
// ecommerce-500k), stored or drawn again as it trains them (walk.storage =
// "regenerate"): what not keeping the corpus costs. Run the two interleaved
// (--benchmark_enable_random_interleaving=true --benchmark_repetitions=N):
// this VM's speed drifts over minutes.
void BM_TrainWalkStorage(benchmark::State& state, bool regenerated) {
  const Graph& graph = seed_graph();
  auto sampler = make_walk_sampler("node2vec-rejection");
  sampler->prepare(graph, {}, {});
  const int64_t count = 20000, length = 80;
  Walks walks;
  walks.num_walks = count;
  walks.walk_length = length;
  walks.nodes.assign(count * length, Walks::kNoNode);
  draw_walk_range(*sampler, graph.num_nodes(), 1, 0, count, length, walks.nodes.data());
  if (regenerated) {
    walks.regenerator = std::make_shared<WalkRegenerator>(*sampler, graph, 1, length,
                                                          walks.node_counts(graph.num_nodes()));
    walks.nodes = WalkNodes();
  }
  train_throughput(state, graph, walks, "fused", "none");
}

// The link-prediction baselines on a test set's mix: half edges (their
// endpoints met by degree, so the popular items come up often) and half
// uniformly drawn pairs. Hub items of hundreds of thousands of buyers are
// where a merge of neighbour lists would be slow.
void BM_LinkHeuristic(benchmark::State& state, LinkHeuristic heuristic) {
  const Graph& graph = seed_graph();
  const int64_t count = 1 << 20;
  std::vector<NodePair> pairs(count);
  Rng rng(5, 0);
  for (int64_t i = 0; i < count; ++i) {
    if (i % 2 == 0) {
      const auto arc = static_cast<int64_t>(rng.below(static_cast<uint64_t>(graph.num_arcs())));
      const auto from =
          static_cast<NodeId>(std::upper_bound(graph.offsets.begin(), graph.offsets.end(), arc) -
                              graph.offsets.begin() - 1);
      pairs[i] = {from, graph.targets[arc]};
    } else {
      const auto n = static_cast<uint64_t>(graph.num_nodes());
      pairs[i] = {static_cast<NodeId>(rng.below(n)), static_cast<NodeId>(rng.below(n))};
    }
  }
  const int threads = resolve_thread_count(0);
  for (auto _ : state) {
    std::vector<double> scores = heuristic_scores(graph, pairs, heuristic, threads);
    benchmark::DoNotOptimize(scores.data());
  }
  state.counters["pairs_per_s"] =
      benchmark::Counter(static_cast<double>(count), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}

// Reading the seed graph's edge list as a user's file (string ids, 48 MB of
// text, written once to $TMPDIR), parsed on one thread or on all, and
// building its CSR from the edges.
void BM_ReadEdgeList(benchmark::State& state, int threads) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/workbench-bench-edges.tsv";
  const EdgeList generated = seed_graph_edges();
  write_edge_list(path, generated);
  EdgeListReadOptions options;
  options.threads = resolve_thread_count(threads);
  for (auto _ : state) {
    EdgeList edges = read_edge_list(path, {}, options);
    benchmark::DoNotOptimize(edges.src.data());
  }
  std::remove(path.c_str());
  state.counters["edges_per_s"] = benchmark::Counter(static_cast<double>(generated.src.size()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = options.threads;
}

void BM_BuildGraph(benchmark::State& state) {
  const EdgeList edges = seed_graph_edges();
  GraphBuildOptions build;
  build.threads = resolve_thread_count(0);
  for (auto _ : state) {
    Graph graph = build_graph(edges, build);
    benchmark::DoNotOptimize(graph.targets.data());
  }
  state.counters["edges_per_s"] = benchmark::Counter(static_cast<double>(edges.src.size()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = build.threads;
}

// The paper's link split of the seed graph: half of its 3.6M edges held out
// with the rest kept connected, and as many non-edges drawn. Its spanning
// forest, shuffles and reverse-arc searches visit millions of random
// positions: on large graphs the split is most of preparing the evaluation.
void BM_LinkSplit(benchmark::State& state) {
  const Graph& graph = seed_graph();
  LinkSplitOptions options;
  options.seed = 3;
  int64_t held_out = 0;
  for (auto _ : state) {
    const LinkSplit split = split_for_link_prediction(graph, options);
    held_out = split.removed;
    benchmark::DoNotOptimize(split.train_graph.targets.data());
  }
  state.counters["edges_per_s"] = benchmark::Counter(static_cast<double>(graph.num_arcs() / 2),
                                                     benchmark::Counter::kIsIterationInvariantRate);
  state.counters["held_out"] = static_cast<double>(held_out);
}

// Sampled MRR as the 500K graph's split scores it: 2M held-out edges, each
// ranked against 100 of 2M non-edges' scores drawn at random (16 MB of
// scores, each draw a likely cache miss).
void BM_SampledMrr(benchmark::State& state) {
  const size_t count = size_t{1} << 21;
  std::vector<double> positives(count), negatives(count);
  Rng rng(13, 0);
  for (double& score : positives) score = rng.uniform() + 0.2;
  for (double& score : negatives) score = rng.uniform();
  const int threads = resolve_thread_count(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        sampled_mean_reciprocal_rank(positives, negatives, 100, 7, 1, threads));
  }
  state.counters["draws_per_s"] = benchmark::Counter(static_cast<double>(count * 100),
                                                     benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}

// Rates are per wall-clock second: the work runs on worker threads.
BENCHMARK_CAPTURE(BM_ReadEdgeList, one_thread, 1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ReadEdgeList, all_threads, 0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BuildGraph)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinkSplit)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SampledMrr)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Walk, uniform, "uniform", 1.0, 1.0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Walk, node2vec_rejection_p1_q1, "node2vec-rejection", 1.0, 1.0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Walk, node2vec_rejection_p05_q2, "node2vec-rejection", 0.5, 2.0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Walk, node2vec_rejection_p025_q4, "node2vec-rejection", 0.25, 4.0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_WalkAliasSized, node2vec_alias_p05_q2, "node2vec", 0.5, 2.0, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_WalkAliasSized, node2vec_alias_p05_q2_one_by_one, "node2vec", 0.5, 2.0, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_WalkAliasSized, node2vec_rejection_p05_q2, "node2vec-rejection", 0.5, 2.0,
                  true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Train, fused_cpu, "fused", 20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Train, fused_cpu_window, "fused", 20000, "window")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_TrainWalkStorage, fused_cpu_stored_walks, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_TrainWalkStorage, fused_cpu_regenerated_walks, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Train, torch_cpu, "torch", 2000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_LinkHeuristic, adamic_adar, LinkHeuristic::kAdamicAdar)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LinkHeuristic, preferential_attachment, LinkHeuristic::kPreferentialAttachment)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace wb

BENCHMARK_MAIN();
