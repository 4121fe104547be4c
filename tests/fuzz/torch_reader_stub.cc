// The fuzz targets build without LibTorch: a torch.save file (a zip) is
// refused here as a file the fuzzed build cannot read. The real reader parses
// with LibTorch's unpickler, which is tested on torch.save's own files.
#include "core/errors.h"
#include "io/torch_reader.h"

namespace wb {

Matrix read_torch_embeddings(const EmbeddingsFile& file, const std::vector<std::string>&, int64_t,
                             EmbeddingsReadStats*) {
  throw DataError(located(file.path, 0, "torch.save files are not read in the fuzz build"));
}

}  // namespace wb
