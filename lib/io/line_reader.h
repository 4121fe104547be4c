#pragma once
// Reads text files line by line, plain or gzip (detected from the content, not
// the name), of any line length, tracking the line number for error messages.
// For files read whole on one thread (labels); edge lists, which can be
// large, are parsed a block at a time on several (text_blocks.h).
#include <cstdint>
#include <string>

#include "io/text_blocks.h"

namespace wb {

class LineReader {
 public:
  explicit LineReader(const std::string& path);  // throws DataError if unreadable

  // Next line without its "\n" or "\r\n"; false at the end of the file.
  bool next(std::string& line);
  int64_t line_number() const { return line_number_; }
  const std::string& path() const { return blocks_.path(); }

 private:
  TextBlockReader blocks_;
  TextBlock block_;
  size_t position_ = 0;  // in block_.text
  int64_t line_number_ = 0;
};

}  // namespace wb
