#pragma once
// word2vec's binary format: the word2vec C tool's default output, gensim's
// save_word2vec_format(binary=True), the GoogleNews-style .bin(.gz). An
// "N D" header line, then N records of a node id, one space and D
// little-endian float32, each record possibly after a line break.
#include <cstdint>
#include <string>
#include <vector>

#include "core/matrix.h"
#include "io/embeddings_reader.h"

namespace wb {

// Whether the file (plain or gzip) starts with an "N D" header and a first
// record whose 4D bytes after the node id could not be text: a control byte,
// or a byte past ASCII before the line ends.
bool is_word2vec_binary(const std::string& path);

// As read_embeddings, for this format (file.ids_path is not read:
// read_embeddings refuses one); errors name the vector (counted from 1) and
// its node.
Matrix read_word2vec_binary(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                            int64_t dimension, EmbeddingsReadStats* stats);

}  // namespace wb
