#include <algorithm>

#include "cuda/cuda_support.h"
#include "walk/cuda_walks.h"
#include "walk/neighbor_sampler.h"
#include "walk/node2vec_envelope.h"

namespace wb {
namespace {

constexpr int kWarpsPerBlock = 4;
constexpr int kStepsPerTile = 32;
constexpr int64_t kWalksPerLaunch = int64_t{1} << 22;  // progress and Ctrl-C between launches

struct DeviceGraph {
  const int64_t* offsets;
  const int32_t* targets;
  const float* weights;      // per arc; null when unweighted
  const float* probability;  // per-arc alias tables; null when unweighted
  const int32_t* alias;
  const double* out_weight;  // per node; null when unweighted
  int64_t num_nodes;
  bool directed;
};

struct WalkParameters {
  int64_t walk_length;
  uint64_t seed;
  Node2vecEnvelope envelope;
};

// sample_arc of NeighborSampler, draw for draw.
__device__ int64_t sample_arc(const DeviceGraph& g, int32_t node, Rng& rng) {
  const int64_t begin = g.offsets[node];
  const int64_t degree = g.offsets[node + 1] - begin;
  if (g.probability == nullptr) return begin + static_cast<int64_t>(rng.below(degree));
  return begin + draw_alias(g.probability + begin, g.alias + begin, degree, rng);
}

// The index of the arc from -> to, or -1 (Graph::find_arc).
__device__ int64_t find_arc(const DeviceGraph& g, int32_t from, int32_t to) {
  int64_t low = g.offsets[from], high = g.offsets[from + 1];
  while (low < high) {
    const int64_t middle = (low + high) >> 1;
    const int32_t value = g.targets[middle];
    if (value == to) return middle;
    if (value < to)
      low = middle + 1;
    else
      high = middle;
  }
  return -1;
}

// Node2vecRejectionSampler::return_share.
__device__ double return_share(const DeviceGraph& g, const Node2vecEnvelope& envelope,
                               int32_t current, int32_t previous) {
  if (!envelope.folds_return()) return 0;
  double back_weight = 1;
  if (g.weights != nullptr || g.directed) {
    const int64_t arc = find_arc(g, current, previous);
    back_weight = arc < 0 ? 0.0 : (g.weights != nullptr ? g.weights[arc] : 1.0);
  }
  const double out_weight = g.out_weight != nullptr
                                ? g.out_weight[current]
                                : static_cast<double>(g.offsets[current + 1] - g.offsets[current]);
  return envelope.return_share(out_weight, back_weight);
}

// One trial after another, drawing as Node2vecRejectionSampler::walk does.
__device__ int32_t node2vec_step(const DeviceGraph& g, const Node2vecEnvelope& envelope,
                                 int32_t current, int32_t previous, Rng& rng) {
  const double share = return_share(g, envelope, current, previous);
  for (;;) {
    const int32_t candidate = g.targets[sample_arc(g, current, rng)];
    const double u = rng.uniform();
    if (u < share) return previous;
    const double rescaled = Node2vecEnvelope::rescale(u, share);
    if (rescaled < envelope.sure_acceptance) return candidate;
    const bool is_previous = candidate == previous;
    if (envelope.accepts(rescaled, is_previous,
                         !is_previous && find_arc(g, candidate, previous) >= 0)) {
      return candidate;
    }
  }
}

// One walker per thread. Steps go to a per-warp tile in shared memory, then
// the warp writes each walker's run of 32 steps as one contiguous line.
template <bool kNode2vec>
__global__ void __launch_bounds__(kWarpsPerBlock * 32)
    walk_kernel(DeviceGraph g, WalkParameters p, int64_t first_walk, int64_t end_walk,
                int32_t* out) {
  __shared__ int32_t tile[kWarpsPerBlock][32][kStepsPerTile + 1];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int64_t walk = first_walk + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t warp_first = walk - lane;
  if (warp_first >= end_walk) return;
  Rng rng(p.seed, static_cast<uint64_t>(walk));
  bool alive = walk < end_walk;
  int32_t current = static_cast<int32_t>(walk % g.num_nodes);
  int32_t previous = -1;
  const int64_t length = p.walk_length;
  for (int64_t base = 0; base < length; base += kStepsPerTile) {
    for (int s = 0; s < kStepsPerTile; ++s) {
      const int64_t step = base + s;
      if (step >= length) break;
      if (alive && step > 0) {
        if (g.offsets[current + 1] == g.offsets[current]) {
          alive = false;  // a dead end: the rest of the walk stays empty
        } else if (!kNode2vec || step == 1) {
          previous = current;
          current = g.targets[sample_arc(g, current, rng)];
        } else {
          const int32_t next = node2vec_step(g, p.envelope, current, previous, rng);
          previous = current;
          current = next;
        }
      }
      tile[warp][lane][s] = alive ? current : Walks::kNoNode;
    }
    __syncwarp();
    const int64_t step = base + lane;
    for (int r = 0; r < 32; ++r) {
      const int64_t walker = warp_first + r;
      if (walker < end_walk && step < length) out[walker * length + step] = tile[warp][r][lane];
    }
    __syncwarp();
  }
}

}  // namespace

struct CudaWalkGenerator::State {
  CudaWalkMethod method;
  WalkParameters parameters{};
  int64_t num_nodes = 0;
  int64_t last_walks = 0;
  DeviceBuffer<int64_t> offsets;
  DeviceBuffer<int32_t> targets;
  DeviceBuffer<float> weights;
  DeviceBuffer<float> probability;
  DeviceBuffer<int32_t> alias;
  DeviceBuffer<double> out_weight;
  DeviceBuffer<int32_t> walks;
  bool directed = false;
};

CudaWalkGenerator::CudaWalkGenerator(const Graph& graph, const WalkOptions& options,
                                     CudaWalkMethod method, int64_t max_walks)
    : state_(std::make_unique<State>()) {
  require_cuda_device("walking on experiment.device = \"cuda\"");
  State& s = *state_;
  s.method = method;
  s.num_nodes = graph.num_nodes();
  const double arc_bytes = graph.weighted() ? 16.0 : 4.0;
  const double node_bytes = graph.weighted() ? 16.0 : 8.0;
  require_device_memory(node_bytes * (graph.num_nodes() + 1) + arc_bytes * graph.num_arcs() +
                            4.0 * max_walks * options.walk_length,
                        "walking the graph on the GPU (" + std::to_string(graph.num_nodes()) +
                            " nodes, " + std::to_string(graph.num_arcs()) + " arcs, " +
                            std::to_string(max_walks) + " walks)");
  s.offsets.upload(graph.offsets);
  s.targets.upload(graph.targets);
  s.directed = graph.directed;
  if (graph.weighted()) {
    NeighborSampler neighbors;
    neighbors.prepare(graph);
    s.weights.upload(graph.weights);
    s.probability.upload(neighbors.probabilities());
    s.alias.upload(neighbors.aliases());
    s.out_weight.upload(neighbors.out_weights());
  }
  s.walks.resize(static_cast<size_t>(max_walks * options.walk_length));
  s.parameters = {options.walk_length, options.seed, Node2vecEnvelope::make(options.p, options.q)};
}

CudaWalkGenerator::~CudaWalkGenerator() = default;

double CudaWalkGenerator::run(int64_t num_walks, const Progress& progress) {
  State& s = *state_;
  if (static_cast<size_t>(num_walks * s.parameters.walk_length) > s.walks.size()) {
    throw Error("CudaWalkGenerator::run: more walks than the buffer was sized for");
  }
  const DeviceGraph graph{s.offsets.data(),
                          s.targets.data(),
                          s.weights.size() ? s.weights.data() : nullptr,
                          s.probability.size() ? s.probability.data() : nullptr,
                          s.alias.size() ? s.alias.data() : nullptr,
                          s.out_weight.size() ? s.out_weight.data() : nullptr,
                          s.num_nodes,
                          s.directed};
  const int threads = kWarpsPerBlock * 32;
  double seconds = 0;
  GpuTimer timer;
  for (int64_t first = 0; first < num_walks; first += kWalksPerLaunch) {
    progress.throw_if_stopping();
    const int64_t end = std::min(num_walks, first + kWalksPerLaunch);
    const auto blocks = static_cast<unsigned>((end - first + threads - 1) / threads);
    timer.start();
    if (s.method == CudaWalkMethod::kUniform) {
      walk_kernel<false><<<blocks, threads>>>(graph, s.parameters, first, end, s.walks.data());
    } else {
      walk_kernel<true><<<blocks, threads>>>(graph, s.parameters, first, end, s.walks.data());
    }
    WB_CUDA_CHECK(cudaGetLastError());
    seconds += timer.stop_seconds();
    progress.update("walk", end, num_walks);
  }
  s.last_walks = num_walks;
  return seconds;
}

Walks CudaWalkGenerator::download(WalkNodes storage) const {
  Walks walks;
  walks.nodes = std::move(storage);
  walks.num_walks = state_->last_walks;
  walks.walk_length = state_->parameters.walk_length;
  walks.nodes.resize(static_cast<size_t>(walks.num_walks * walks.walk_length));
  state_->walks.download(walks.nodes.data(), walks.nodes.size());
  return walks;
}

int64_t CudaWalkGenerator::device_bytes() const {
  const State& s = *state_;
  return static_cast<int64_t>(s.offsets.bytes() + s.targets.bytes() + s.weights.bytes() +
                              s.probability.bytes() + s.alias.bytes() + s.out_weight.bytes() +
                              s.walks.bytes());
}

}  // namespace wb
