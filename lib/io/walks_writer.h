#pragma once
// Writes random walks as text, one walk per line, original node ids separated
// by single spaces: the corpus format gensim's Word2Vec (LineSentence) and
// most walk-based tools read.
#include <string>
#include <vector>

#include "walk/walk_sampler.h"

namespace wb {

void write_walks_text(const std::string& path, const Walks& walks,
                      const std::vector<std::string>& node_ids);

}  // namespace wb
