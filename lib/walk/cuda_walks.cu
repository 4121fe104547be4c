#include <algorithm>

#include "cuda/cuda_support.h"
#include "walk/cuda_walks.h"
#include "walk/neighbor_sampler.h"

namespace wb {
namespace {

constexpr int kWarpsPerBlock = 4;
constexpr int kStepsPerTile = 32;
constexpr int64_t kWalksPerLaunch = int64_t{1} << 22;  // progress and Ctrl-C between launches

struct DeviceGraph {
  const int64_t* offsets;
  const int32_t* targets;
  const float* probability;  // per-arc alias tables; null when unweighted
  const int32_t* alias;
  int64_t num_nodes;
};

struct WalkParameters {
  int64_t walk_length;
  uint64_t seed;
  double return_weight;  // node2vec's 1/p
  double inout_weight;   // 1/q
  double acceptance_scale;
};

// sample_arc of NeighborSampler, draw for draw.
__device__ int64_t sample_arc(const DeviceGraph& g, int32_t node, Rng& rng) {
  const int64_t begin = g.offsets[node];
  const int64_t degree = g.offsets[node + 1] - begin;
  if (g.probability == nullptr) return begin + static_cast<int64_t>(rng.below(degree));
  return begin + draw_alias(g.probability + begin, g.alias + begin, degree, rng);
}

__device__ bool has_arc(const DeviceGraph& g, int32_t from, int32_t to) {
  int64_t low = g.offsets[from], high = g.offsets[from + 1];
  while (low < high) {
    const int64_t middle = (low + high) >> 1;
    const int32_t value = g.targets[middle];
    if (value == to) return true;
    if (value < to)
      low = middle + 1;
    else
      high = middle;
  }
  return false;
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
          int32_t next;
          double bias;
          do {
            next = g.targets[sample_arc(g, current, rng)];
            bias = next == previous             ? p.return_weight
                   : has_arc(g, next, previous) ? 1.0
                                                : p.inout_weight;
          } while (rng.uniform() >= bias * p.acceptance_scale);
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
  DeviceBuffer<float> probability;
  DeviceBuffer<int32_t> alias;
  DeviceBuffer<int32_t> walks;
};

CudaWalkGenerator::CudaWalkGenerator(const Graph& graph, const WalkOptions& options,
                                     CudaWalkMethod method, int64_t max_walks)
    : state_(std::make_unique<State>()) {
  require_cuda_device("walking on experiment.device = \"cuda\"");
  State& s = *state_;
  s.method = method;
  s.num_nodes = graph.num_nodes();
  const double arc_bytes = graph.weighted() ? 12.0 : 4.0;
  require_device_memory(8.0 * (graph.num_nodes() + 1) + arc_bytes * graph.num_arcs() +
                            4.0 * max_walks * options.walk_length,
                        "walking the graph on the GPU (" + std::to_string(graph.num_nodes()) +
                            " nodes, " + std::to_string(graph.num_arcs()) + " arcs, " +
                            std::to_string(max_walks) + " walks)");
  s.offsets.upload(graph.offsets);
  s.targets.upload(graph.targets);
  if (graph.weighted()) {
    NeighborSampler neighbors;
    neighbors.prepare(graph);
    s.probability.upload(neighbors.probabilities());
    s.alias.upload(neighbors.aliases());
  }
  s.walks.resize(static_cast<size_t>(max_walks * options.walk_length));
  const double return_weight = 1.0 / options.p, inout_weight = 1.0 / options.q;
  const double max_weight = std::max({1.0, return_weight, inout_weight});
  s.parameters = {options.walk_length, options.seed, return_weight, inout_weight, 1.0 / max_weight};
}

CudaWalkGenerator::~CudaWalkGenerator() = default;

double CudaWalkGenerator::run(int64_t num_walks, const Progress& progress) {
  State& s = *state_;
  if (static_cast<size_t>(num_walks * s.parameters.walk_length) > s.walks.size()) {
    throw Error("CudaWalkGenerator::run: more walks than the buffer was sized for");
  }
  const DeviceGraph graph{s.offsets.data(), s.targets.data(),
                          s.probability.size() ? s.probability.data() : nullptr,
                          s.alias.size() ? s.alias.data() : nullptr, s.num_nodes};
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
  return static_cast<int64_t>(s.offsets.bytes() + s.targets.bytes() + s.probability.bytes() +
                              s.alias.bytes() + s.walks.bytes());
}

}  // namespace wb
