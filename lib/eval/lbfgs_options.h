#pragma once
// The full-batch L-BFGS settings every classifier of the evaluation uses
// (strong-Wolfe line search), kept in one place so they cannot drift apart.
#include <torch/optim/lbfgs.h>

namespace wb {

inline torch::optim::LBFGSOptions classifier_lbfgs_options(int max_iterations) {
  return torch::optim::LBFGSOptions(1.0)
      .max_iter(max_iterations)
      .max_eval(max_iterations * 2)
      .tolerance_grad(1e-6)
      .tolerance_change(1e-10)
      .history_size(20)
      .line_search_fn("strong_wolfe");
}

// Runs optimizer.step(closure) and returns how many times it evaluated the
// objective (each a pass over the fit's data).
template <typename Closure>
int step_counting_evaluations(torch::optim::LBFGS& optimizer, Closure&& closure) {
  int evaluations = 0;
  optimizer.step([&]() {
    ++evaluations;
    return closure();
  });
  return evaluations;
}

}  // namespace wb
