#pragma once
// The original node ids next to an embedding matrix: line i names row i, so
// the .npy and .pt exports, which hold numbers only, can be joined back to
// the input graph.
#include <string>
#include <vector>

namespace wb {

// One id per line, in dense id order. Throws DataError naming the id when an
// id holds a line break (it would shift every later row), Error when the file
// cannot be written. Goes through `path + ".tmp"` and a rename, so a crash
// never leaves a truncated file.
void write_node_ids(const std::string& path, const std::vector<std::string>& ids);

}  // namespace wb
