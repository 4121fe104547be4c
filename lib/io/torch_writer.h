#pragma once
// Embeddings as a PyTorch tensor file, for users who continue in Python with
// torch.load(path). The only exporter that touches LibTorch; its types stay in
// the .cc so callers do not pay for the headers.
#include <string>

#include "core/matrix.h"

namespace wb {

// Writes `m` as a float32 tensor of shape [rows, cols] in the torch.save
// format (via torch::pickle_save), so torch.load(path) in Python and
// torch::pickle_load in C++ return it. Goes through `path + ".tmp"` and a
// rename, so a crash never leaves a truncated file. Throws Error naming the
// path when it cannot be written.
void write_torch_tensor(const std::string& path, const Matrix& m);

}  // namespace wb
