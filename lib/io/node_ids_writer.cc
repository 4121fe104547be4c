#include "io/node_ids_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/errors.h"
#include "io/atomic_file.h"

namespace wb {
void write_node_ids(const std::string& path, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    if (id.find_first_of("\r\n") != std::string::npos) {
      throw DataError("node id export: node id '" + id + "' contains a line break");
    }
  }
  write_atomically(path, [&](std::FILE* file) {
    for (const std::string& id : ids) {
      std::fwrite(id.data(), 1, id.size(), file);
      std::fputc('\n', file);
    }
  });
}

}  // namespace wb
