#include "io/torch_writer.h"

#include <ATen/ops/from_blob.h>
#include <torch/serialize.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "core/errors.h"
#include "io/atomic_file.h"

namespace wb {
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
