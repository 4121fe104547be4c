#pragma once
// Embeddings as a NumPy .npy file, the format most analysis notebooks load
// first (numpy.load needs nothing else installed).
#include <string>

#include "core/matrix.h"

namespace wb {

// Writes `m` as NPY format 1.0, dtype '<f4', C order, shape (rows, cols). The
// header is laid out exactly as numpy.save lays it out, so the bytes match a
// file numpy itself would write. Goes through `path + ".tmp"` and a rename, so
// a crash never leaves a truncated file under `path`. Throws Error naming the
// path when it cannot be written.
void write_npy(const std::string& path, const Matrix& m);

}  // namespace wb
