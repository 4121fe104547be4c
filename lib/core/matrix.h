#pragma once
// A dense row-major float matrix: the embeddings as the library outside the
// trainers sees them (no LibTorch types cross this boundary).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wb {

struct Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> values;  // rows * cols

  Matrix() = default;
  Matrix(int64_t r, int64_t c) : rows(r), cols(c), values(static_cast<size_t>(r * c), 0.0f) {}
  float* row(int64_t i) { return values.data() + i * cols; }
  const float* row(int64_t i) const { return values.data() + i * cols; }
};

}  // namespace wb
