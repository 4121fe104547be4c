#pragma once
// Embeddings trained elsewhere (gensim, PyTorch Geometric, the node2vec
// reference code, PecanPy), read onto a graph's node ids, so the workbench
// scores them on its own split with its own evaluation, beside its own runs.
#include <cstdint>
#include <string>
#include <vector>

#include "core/matrix.h"

namespace wb {

struct EmbeddingsFile {
  // word2vec text (gensim's save_word2vec_format, the node2vec reference
  // code's .emb, fastText's .vec; an "N D" header line is optional), word2vec
  // binary (the word2vec tool's default, gensim's binary=True), either plain
  // or gzip, a NumPy .npy of float32/float64 rows, or a torch.save file (a
  // tensor or a state_dict, io/torch_reader.h). Told apart by content.
  std::string path;
  // For a .npy or torch.save file only: one node id per line, the id of each
  // row in turn (a run's node_ids.txt fits its embeddings.npy and .pt). Text
  // and binary word2vec name every row themselves.
  std::string ids_path;
};

struct EmbeddingsReadStats {
  int64_t vectors = 0;        // rows in the file
  int64_t missing_nodes = 0;  // graph nodes the file has no vector for: zero rows
};

// A node_ids.size() x dimension matrix: row i is node_ids[i]'s vector, zeros
// where the file has none. Throws DataError naming the file, line (or row) and
// node of the first problem: an id not in the graph, an id given twice, a
// vector of another length than `dimension` (the message says which
// train.dimension the file needs), a value that is not a finite number, a
// header whose counts the file does not match, a truncated .npy, or a file
// with no vector at all. Word2vec text is parsed on `threads` threads (0: all).
Matrix read_embeddings(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                       int64_t dimension, EmbeddingsReadStats* stats = nullptr, int threads = 0);

}  // namespace wb
