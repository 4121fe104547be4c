#include "eval/edge_features.h"

#include <cmath>

#include "core/errors.h"
#include "core/parallel.h"
#include "core/parse_name.h"

namespace wb {

std::string name(EdgeOperator op) {
  switch (op) {
    case EdgeOperator::kAverage:
      return "average";
    case EdgeOperator::kHadamard:
      return "hadamard";
    case EdgeOperator::kWeightedL1:
      return "weighted_l1";
    case EdgeOperator::kWeightedL2:
      return "weighted_l2";
  }
  return "unknown";
}

const std::vector<EdgeOperator>& all_edge_operators() {
  static const std::vector<EdgeOperator> operators = {
      EdgeOperator::kAverage, EdgeOperator::kHadamard, EdgeOperator::kWeightedL1,
      EdgeOperator::kWeightedL2};
  return operators;
}

EdgeOperator parse_edge_operator(const std::string& text) {
  return parse_name(text, all_edge_operators(), "edge operator");
}

namespace {

constexpr int64_t kPairsPerChunk = 1 << 14;

void write_features(const Matrix& embeddings, const NodePair& pair, EdgeOperator op, float* out) {
  if (pair.u < 0 || pair.v < 0 || pair.u >= embeddings.rows || pair.v >= embeddings.rows) {
    throw DataError("edge features: pair (" + std::to_string(pair.u) + ", " +
                    std::to_string(pair.v) + ") is outside the " + std::to_string(embeddings.rows) +
                    " embedding rows");
  }
  const float* a = embeddings.row(pair.u);
  const float* b = embeddings.row(pair.v);
  // The switch sits outside the inner loop so each loop vectorises.
  switch (op) {
    case EdgeOperator::kAverage:
      for (int64_t j = 0; j < embeddings.cols; ++j) out[j] = 0.5f * (a[j] + b[j]);
      break;
    case EdgeOperator::kHadamard:
      for (int64_t j = 0; j < embeddings.cols; ++j) out[j] = a[j] * b[j];
      break;
    case EdgeOperator::kWeightedL1:
      for (int64_t j = 0; j < embeddings.cols; ++j) out[j] = std::fabs(a[j] - b[j]);
      break;
    case EdgeOperator::kWeightedL2:
      for (int64_t j = 0; j < embeddings.cols; ++j) {
        const float d = a[j] - b[j];
        out[j] = d * d;
      }
      break;
  }
}

}  // namespace

void edge_features_into(Matrix& features, const Matrix& embeddings,
                        const std::vector<NodePair>& pairs, EdgeOperator op, int threads) {
  features.rows = static_cast<int64_t>(pairs.size());
  features.cols = embeddings.cols;
  const auto size = static_cast<size_t>(features.rows * features.cols);
  // Grown in place, the vector would copy its old rows into a new block while
  // both are held: free it first.
  if (features.values.capacity() < size) std::vector<float>().swap(features.values);
  features.values.resize(size);
  parallel_for_chunks(static_cast<int64_t>(pairs.size()), kPairsPerChunk, threads, {}, "eval",
                      [&](int64_t begin, int64_t end) {
                        for (int64_t i = begin; i < end; ++i) {
                          write_features(embeddings, pairs[i], op, features.row(i));
                        }
                      });
}

}  // namespace wb
