#include "io/node_ids_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/errors.h"

namespace wb {
namespace {

// Writes through `path.tmp` and renames it into place, so readers never see a
// half-written file under the final name.
void write_atomically(const std::string& path, const std::function<void(std::FILE*)>& fill) {
  const std::string tmp = path + ".tmp";
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (file == nullptr) throw Error("cannot write " + path + ": " + std::strerror(errno));
  try {
    fill(file);
  } catch (...) {
    std::fclose(file);
    std::remove(tmp.c_str());
    throw;
  }
  const bool write_failed = std::ferror(file) != 0;
  const bool close_failed = std::fclose(file) != 0;
  int error = errno;
  if (!write_failed && !close_failed) {
    if (std::rename(tmp.c_str(), path.c_str()) == 0) return;
    error = errno;
  }
  std::remove(tmp.c_str());
  throw Error("cannot write " + path + ": " + std::strerror(error));
}

}  // namespace

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
