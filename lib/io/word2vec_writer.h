#pragma once
// Embeddings in the word2vec text format, which gensim, fastText tools and
// most embedding viewers read: a "count dimension" line, then one
// "id v1 ... vD" line per node.
#include <string>
#include <vector>

#include "core/matrix.h"

namespace wb {

// Row i of `m` is written under ids[i]. Values are printed in the shortest
// form that reads back to the same float. Throws DataError naming the id when
// an id is empty or holds whitespace (the format has no quoting), Error when
// ids.size() != m.rows or the file cannot be written. Goes through
// `path + ".tmp"` and a rename, so a crash never leaves a truncated file.
// The lines are formatted on `threads` threads (0: all); the file is the same
// on any number.
void write_word2vec_text(const std::string& path, const Matrix& m,
                         const std::vector<std::string>& ids, int threads = 0);

}  // namespace wb
