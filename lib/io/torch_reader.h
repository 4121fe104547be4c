#pragma once
// Embeddings saved with torch.save: PyTorch Geometric's Node2Vec, any
// nn.Embedding. The only reader that touches LibTorch (its unpickler); its
// types stay in the .cc so callers do not pay for the headers.
#include <cstdint>
#include <string>
#include <vector>

#include "core/matrix.h"
#include "io/embeddings_reader.h"

namespace wb {

// As read_embeddings, for a torch.save file (the zip format torch.save has
// written since PyTorch 1.6): a 2-D floating tensor (float32, float64,
// bfloat16 or float16, any strides), or a dict holding exactly one (a
// module's state_dict passed through dict(): LibTorch's unpickler refuses
// the OrderedDict itself), with file.ids_path naming each row's node as for a
// .npy.
// Throws DataError naming the file (and the dict's keys, when it holds
// several tables) for anything else.
Matrix read_torch_embeddings(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                             int64_t dimension, EmbeddingsReadStats* stats);

}  // namespace wb
