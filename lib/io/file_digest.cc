#include "io/file_digest.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/errors.h"
#include "core/sha256.h"

namespace wb {

FileDigest digest_file(const std::string& path, const std::atomic<bool>* cancel) {
  // The same words as the readers', which would otherwise be the first to say.
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw DataError(located(path, 0, "file not found"));
  if (std::filesystem::is_directory(path, ec)) {
    throw DataError(located(path, 0, "is a directory, expected a file"));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
  if (!stream)
    throw DataError(located(path, 0, std::string("cannot open: ") + std::strerror(errno)));
  Sha256 hash;
  std::vector<char> buffer(size_t{1} << 20);
  size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), stream.get())) > 0) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      throw Interrupted();
    }
    hash.update(buffer.data(), got);
  }
  if (std::ferror(stream.get()) != 0) {
    throw DataError(located(path, 0, std::string("read error: ") + std::strerror(errno)));
  }
  FileDigest digest;
  digest.bytes = hash.bytes_hashed();
  digest.sha256 = hash.hex_digest();
  return digest;
}

}  // namespace wb
