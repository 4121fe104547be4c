#include "io/torch_writer.h"

#include <ATen/ops/from_blob.h>
#include <torch/serialize.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

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

void write_torch_tensor(const std::string& path, const Matrix& m) {
  // from_blob borrows the matrix instead of copying it; the pickler only reads
  // the storage, so dropping const here is safe.
  const at::Tensor tensor = at::from_blob(const_cast<float*>(m.values.data()), {m.rows, m.cols},
                                          at::TensorOptions().dtype(at::kFloat));
  const std::vector<char> bytes = torch::pickle_save(tensor);
  write_atomically(path,
                   [&](std::FILE* file) { std::fwrite(bytes.data(), 1, bytes.size(), file); });
}

}  // namespace wb
