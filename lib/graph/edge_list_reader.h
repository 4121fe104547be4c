#pragma once
// Reads edge lists as users have them: any separator, comments, an optional
// header line, an optional weight column, gzip or plain, string node ids.
#include <cstddef>
#include <string>

#include "graph/graph.h"

namespace wb {

enum class Separator { kAuto, kWhitespace, kTab, kComma };

struct EdgeListFormat {
  Separator separator = Separator::kAuto;  // kAuto: commas or runs of blanks/tabs
  std::string comment_prefixes = "#%";     // a line starting with one of these is skipped
  bool header = false;                     // skip the first non-comment line
  bool weighted = false;                   // the third column is the weight
};

// How a file is read, not what it holds: the edges are the same whatever these are.
struct EdgeListReadOptions {
  // Threads parsing blocks of lines while the file is read (0: all cores).
  // Node ids are given in order of first appearance in the file on any count.
  int threads = 1;
  size_t block_bytes = size_t{1} << 20;  // text per block
};

// Throws DataError with "file:line: ..." on malformed input (the first bad
// line's), and when the file holds no edges at all.
EdgeList read_edge_list(const std::string& path, const EdgeListFormat& format,
                        const EdgeListReadOptions& options = {});

}  // namespace wb
