#include "io/atomic_file.h"

#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace wb {

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

void write_text_atomically(const std::string& path, const std::string& text) {
  write_atomically(path, [&](std::FILE* file) { std::fwrite(text.data(), 1, text.size(), file); });
}

}  // namespace wb
