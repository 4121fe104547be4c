#include "eval/node_labels.h"

#include <algorithm>
#include <unordered_map>

#include "core/errors.h"
#include "io/line_reader.h"

namespace wb {
namespace {

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  for (char c : line) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\r') {
      if (!field.empty()) fields.push_back(std::move(field));
      field.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty()) fields.push_back(std::move(field));
  return fields;
}

}  // namespace

int64_t NodeLabels::labelled_nodes() const {
  return std::count_if(of_node.begin(), of_node.end(), [](const auto& l) { return !l.empty(); });
}

bool NodeLabels::multi_label() const {
  return std::any_of(of_node.begin(), of_node.end(), [](const auto& l) { return l.size() > 1; });
}

NodeLabels read_node_labels(const std::string& path, const Graph& graph, bool header) {
  std::unordered_map<std::string, NodeId> node_index;
  node_index.reserve(graph.node_ids.size());
  for (size_t i = 0; i < graph.node_ids.size(); ++i) {
    node_index.emplace(graph.node_ids[i], static_cast<NodeId>(i));
  }
  NodeLabels labels;
  labels.of_node.resize(graph.node_ids.size());
  std::unordered_map<std::string, int32_t> label_index;
  LineReader reader(path);
  std::string line;
  bool skipped_header = !header;
  while (reader.next(line)) {
    if (line.empty() || line[0] == '#' || line[0] == '%') continue;
    const std::vector<std::string> fields = fields_of(line);
    if (fields.empty()) continue;
    if (!skipped_header) {
      skipped_header = true;
      continue;
    }
    const auto where = [&](const std::string& message) {
      return located(path, static_cast<long>(reader.line_number()), message);
    };
    if (fields.size() < 2) {
      throw DataError(where("expected a node id and at least one label, got \"" + line + "\""));
    }
    const auto node = node_index.find(fields[0]);
    if (node == node_index.end()) {
      throw DataError(where("node \"" + fields[0] +
                            "\" is not in the graph (labels must name "
                            "node ids of the edge list)"));
    }
    for (size_t f = 1; f < fields.size(); ++f) {
      const auto [entry, added] =
          label_index.emplace(fields[f], static_cast<int32_t>(labels.label_names.size()));
      if (added) labels.label_names.push_back(fields[f]);
      labels.of_node[node->second].push_back(entry->second);
    }
  }
  for (auto& node_labels : labels.of_node) {
    std::sort(node_labels.begin(), node_labels.end());
    node_labels.erase(std::unique(node_labels.begin(), node_labels.end()), node_labels.end());
  }
  if (labels.labelled_nodes() == 0) throw DataError(located(path, 0, "no labelled node"));
  return labels;
}

}  // namespace wb
