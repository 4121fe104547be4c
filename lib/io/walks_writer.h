#pragma once
// Writes random walks as text, one walk per line, original node ids separated
// by single spaces: the corpus format gensim's Word2Vec (LineSentence) and
// most walk-based tools read.
#include <string>
#include <vector>

#include "walk/walk_sampler.h"

namespace wb {

// Lines are formatted on `threads` threads (0: all); the file is the same on any number.
void write_walks_text(const std::string& path, const Walks& walks,
                      const std::vector<std::string>& node_ids, int threads = 0);

}  // namespace wb
