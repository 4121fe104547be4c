#pragma once
// Random walks on the GPU: the CSR graph (and, when weighted, its per-node
// alias tables) goes to the device once, one thread walks one walker with its
// state in registers for all steps, and a warp stages its walkers' steps in
// shared memory so the output is written in whole lines. Each walk draws from
// the same stream (seed, walk id) and in the same order as the CPU samplers,
// so the GPU's walks equal the CPU's node for node.
#include <cstdint>
#include <memory>

#include "walk/walk_sampler.h"

namespace wb {

class CudaWalkGenerator {
 public:
  // Checks the device has room for the graph and `max_walks` walks, then
  // uploads the graph. Throws ResourceError when it will not fit.
  CudaWalkGenerator(const Graph& graph, const WalkOptions& options, CudaWalkMethod method,
                    int64_t max_walks);
  ~CudaWalkGenerator();
  CudaWalkGenerator(const CudaWalkGenerator&) = delete;
  CudaWalkGenerator& operator=(const CudaWalkGenerator&) = delete;

  // Makes walks [0, num_walks) on the device (walk w starts at w % num_nodes);
  // returns the kernels' time in seconds, measured with CUDA events.
  double run(int64_t num_walks, const Progress& progress = {});
  // Copies the last run's walks to the host, into `storage` (empty, its
  // allocator set: plan_walk_storage).
  Walks download(WalkNodes storage = {}) const;
  int64_t device_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wb
