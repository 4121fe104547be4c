#pragma once
// Reads a text file, plain or gzip (detected from the content, not the name),
// in blocks of whole lines, so that blocks can be parsed on several threads
// while the file is still being read. Lines may be of any length: a block
// grows until it holds at least one whole line.
#include <cstddef>
#include <cstdint>
#include <string>

namespace wb {

struct TextBlock {
  std::string text;        // whole lines with their '\n'; the file's last may lack it
  int64_t first_line = 0;  // the number of text's first line, from 1
};

class TextBlockReader {
 public:
  // Throws DataError if the file cannot be opened.
  TextBlockReader(const std::string& path, size_t block_bytes);
  ~TextBlockReader();
  TextBlockReader(const TextBlockReader&) = delete;
  TextBlockReader& operator=(const TextBlockReader&) = delete;

  // The next block of about block_bytes; false at the end of the file.
  // Throws DataError, naming the first line not read whole, on a corrupt or
  // truncated gzip stream.
  bool next(TextBlock& block);
  const std::string& path() const { return path_; }
  // The file's size when it is plain text (so that a caller can scale what
  // it saw in a block to the whole file); 0 for gzip, whose text size is not
  // known before the end.
  int64_t plain_text_bytes() const { return plain_text_bytes_; }

 private:
  std::string path_;
  void* file_ = nullptr;  // gzFile; kept opaque so zlib stays out of the header
  size_t block_bytes_;
  std::string carry_;  // the start of a line cut by the previous read
  int64_t next_line_ = 1;
  int64_t plain_text_bytes_ = 0;
  bool at_end_ = false;
};

}  // namespace wb
