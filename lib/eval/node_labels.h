#pragma once
// Node labels for node classification, in the formats users' files come in:
// `node label label ...` (whitespace), `node label` one pair per line, or
// `node,group` CSV; a node may appear on several lines and its labels add up.
// Lines starting with '#' or '%' are comments; a first line whose label field
// is not a known label in a later line is not guessed at: use header = true.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace wb {

struct NodeLabels {
  std::vector<std::string> label_names;       // label index -> name as in the file
  std::vector<std::vector<int32_t>> of_node;  // dense node id -> sorted label indices
  int64_t labelled_nodes() const;
  bool multi_label() const;  // some node has more than one label
};

// Maps the file's node ids through graph.node_ids. Throws DataError naming the
// file and line for an id the graph does not have, a line without a label,
// or a file that labels no node.
NodeLabels read_node_labels(const std::string& path, const Graph& graph, bool header = false);

}  // namespace wb
