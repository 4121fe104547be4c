#pragma once
// Reads edge lists as users have them: any separator, comments, an optional
// header line, an optional weight column, gzip or plain, string node ids.
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

// Throws DataError with "file:line: ..." on malformed input, and when the file
// holds no edges at all.
EdgeList read_edge_list(const std::string& path, const EdgeListFormat& format);

}  // namespace wb
