#pragma once
// Turns two node embeddings into one edge representation, with the binary
// operators of the node2vec paper (Grover & Leskovec 2016, Table 1).
#include <string>
#include <vector>

#include "core/matrix.h"
#include "eval/link_split.h"

namespace wb {

enum class EdgeOperator {
  kAverage,     // (a + b) / 2
  kHadamard,    // a * b
  kWeightedL1,  // |a - b|
  kWeightedL2,  // (a - b)^2
};

// "average", "hadamard", "weighted_l1", "weighted_l2": the names used in
// configs and metric keys.
std::string name(EdgeOperator op);
// Throws ConfigError naming the accepted names.
EdgeOperator parse_edge_operator(const std::string& text);
const std::vector<EdgeOperator>& all_edge_operators();

// Fills `features` with one row per pair, embeddings.cols columns, keeping
// its memory when it is large enough. Throws DataError when a pair names a
// node without an embedding row. The fits of a large graph's evaluation write matrices of gigabytes
// one after another; a fresh allocation each time had the kernel map and zero every page again (a
// fifth of the evaluation's CPU time on 4M pairs).
void edge_features_into(Matrix& features, const Matrix& embeddings,
                        const std::vector<NodePair>& pairs, EdgeOperator op, int threads = 1);

}  // namespace wb
