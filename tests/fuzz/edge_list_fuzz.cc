// libFuzzer target: the edge-list reader and CSR build. The first byte picks
// the format options; the rest is the file. Any wb::Error is a clean refusal;
// anything else (crash, sanitizer report, other exception) is a finding.
#include "core/errors.h"
#include "fuzz_input_file.h"
#include "graph/edge_list_reader.h"
#include "graph/graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t options = data[0];
  wb::EdgeListFormat format;
  format.separator = static_cast<wb::Separator>(options & 3);
  format.header = options & 4;
  format.weighted = options & 8;
  wb::GraphBuildOptions build;
  build.directed = options & 16;
  build.self_loops = options & 32 ? wb::SelfLoopPolicy::kKeep : wb::SelfLoopPolicy::kDrop;
  build.duplicates = static_cast<wb::DuplicatePolicy>((options >> 6) & 3);
  // The input's length picks how it is read: small blocks on two threads
  // put block edges inside lines, comments and the header.
  wb::EdgeListReadOptions read;
  read.threads = size % 2 == 0 ? 1 : 2;
  read.block_bytes = size % 4 < 2 ? size_t{1} << 20 : 5;
  const std::string path = wb::fuzz::write_input(data + 1, size - 1, "edges");
  try {
    const wb::EdgeList edges = wb::read_edge_list(path, format, read);
    const wb::Graph graph = wb::build_graph(edges, build);
    // The CSR invariants every later stage relies on.
    if (graph.offsets.size() != graph.node_ids.size() + 1) __builtin_trap();
    if (graph.offsets.back() != graph.num_arcs()) __builtin_trap();
    for (wb::NodeId target : graph.targets) {
      if (target < 0 || target >= graph.num_nodes()) __builtin_trap();
    }
  } catch (const wb::Error&) {
  }
  return 0;
}
