#pragma once
// Text made in chunks on several threads and written in file order. Printing
// shortest floats and joining ids, not the disk, bounds writing word2vec
// vectors and walk corpora: one thread formats about 10M floats a second,
// so a graph of 10M nodes at d = 128 would take two minutes on one.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace wb {

// Appends the text of items [begin, end) to `text` (which it finds empty).
using ChunkFormatter = std::function<void(int64_t begin, int64_t end, std::string& text)>;

// Formats items [0, count) in chunks of `chunk` items on up to `threads`
// threads (0: all), a few chunks ahead of the writing, and writes them to
// `file` in order. An exception from `format` is rethrown here once the
// chunks before it are written.
void write_chunks_in_order(std::FILE* file, int64_t count, int64_t chunk, int threads,
                           const ChunkFormatter& format);

}  // namespace wb
