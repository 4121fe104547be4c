#pragma once
// word2vec's text format: gensim's save_word2vec_format, the node2vec
// reference code's .emb, fastText's .vec. An optional "N D" header line, then
// one "id v1 ... vD" line per node, plain or gzip.
#include <cstdint>
#include <string>
#include <vector>

#include "core/matrix.h"
#include "io/embeddings_reader.h"

namespace wb {

// As read_embeddings, for this format (file.ids_path is not read:
// read_embeddings refuses one). The numbers are parsed on `threads` threads
// (0: all) while the file is read; rows are placed, and every error is found,
// in file order, so the first bad line is the one named on any thread count.
Matrix read_word2vec_text(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                          int64_t dimension, EmbeddingsReadStats* stats, int threads);

}  // namespace wb
