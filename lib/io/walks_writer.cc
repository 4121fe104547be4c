#include "io/walks_writer.h"

#include "io/atomic_file.h"
#include "io/ordered_text_writer.h"

namespace wb {

void write_walks_text(const std::string& path, const Walks& walks,
                      const std::vector<std::string>& node_ids, int threads) {
  write_atomically(path, [&](std::FILE* file) {
    write_chunks_in_order(
        file, walks.num_walks, 1024, threads, [&](int64_t begin, int64_t end, std::string& text) {
          for (int64_t w = begin; w < end; ++w) {
            const NodeId* walk = walks.walk(w);
            for (int64_t i = 0; i < walks.walk_length && walk[i] != Walks::kNoNode; ++i) {
              if (i > 0) text.push_back(' ');
              text += node_ids[walk[i]];
            }
            text.push_back('\n');
          }
        });
  });
}

}  // namespace wb
