// The [cuda] tests: run on a machine with a GPU, reported as skipped (exit
// code 77, which CTest maps to "Skipped") where there is none, as in CI.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>

#include "run/environment.h"

int main(int argc, char** argv) {
  if (wb::detect_environment().gpus.empty()) {
    std::printf("no usable CUDA device: the [cuda] tests are skipped\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
