#pragma once
// node2vec's second-order bias alpha(t, x) for the step t -> v -> x
// (Grover & Leskovec 2016, eq. 2): 1/p to return to t, 1 when x links back to
// t, 1/q otherwise. "Links back" tests the arc x -> t, as the reference
// implementation does, which for undirected graphs is the same as t -> x.
#include "graph/graph.h"

namespace wb {

struct Node2vecBias {
  double return_weight;  // 1/p
  double inout_weight;   // 1/q
  double operator()(const Graph& graph, NodeId previous, NodeId candidate) const {
    if (candidate == previous) return return_weight;
    return graph.has_arc(candidate, previous) ? 1.0 : inout_weight;
  }
};

}  // namespace wb
