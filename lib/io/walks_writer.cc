#include "io/walks_writer.h"

#include "io/atomic_file.h"

namespace wb {

void write_walks_text(const std::string& path, const Walks& walks,
                      const std::vector<std::string>& node_ids) {
  write_atomically(path, [&](std::FILE* file) {
    std::string line;
    for (int64_t w = 0; w < walks.num_walks; ++w) {
      const NodeId* walk = walks.walk(w);
      line.clear();
      for (int64_t i = 0; i < walks.walk_length && walk[i] != Walks::kNoNode; ++i) {
        if (i > 0) line.push_back(' ');
        line += node_ids[walk[i]];
      }
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), file);
    }
  });
}

}  // namespace wb
