// libFuzzer target: the node-labels reader against a fixed graph whose ids
// are "0".."9" and "a".."f". Any wb::Error is a clean refusal.
#include "core/errors.h"
#include "eval/node_labels.h"
#include "fuzz_input_file.h"

namespace {

wb::Graph fixed_graph() {
  wb::Graph graph;
  for (const char* id :
       {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"}) {
    graph.node_ids.push_back(id);
  }
  graph.offsets.assign(graph.node_ids.size() + 1, 0);
  return graph;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const wb::Graph graph = fixed_graph();
  if (size == 0) return 0;
  const std::string path = wb::fuzz::write_input(data + 1, size - 1, "labels");
  try {
    const wb::NodeLabels labels = wb::read_node_labels(path, graph, data[0] & 1);
    for (const auto& node_labels : labels.of_node) {
      for (int32_t label : node_labels) {
        if (label < 0 || label >= static_cast<int32_t>(labels.label_names.size())) __builtin_trap();
      }
    }
  } catch (const wb::Error&) {
  }
  return 0;
}
