#pragma once
// What a run read, named by content: the SHA-256 of a file's bytes as they
// are on disk (for a gzip file, of the compressed bytes), so that
// `sha256sum FILE` on any machine says whether it is the same data.
#include <atomic>
#include <cstdint>
#include <string>

namespace wb {

struct FileDigest {
  int64_t bytes = 0;
  std::string sha256;  // 64 lowercase hex digits
};

// Throws DataError naming the file when it cannot be opened or read, and
// Interrupted once `cancel` (when given) is set, checked every MiB: a
// caller that has failed need not wait for a large file's digest.
FileDigest digest_file(const std::string& path, const std::atomic<bool>* cancel = nullptr);

}  // namespace wb
