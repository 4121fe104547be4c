#pragma once
// Reads text files line by line, plain or gzip (detected from the content, not
// the name), of any line length, tracking the line number for error messages.
#include <cstdint>
#include <string>

namespace wb {

class LineReader {
 public:
  explicit LineReader(const std::string& path);  // throws DataError if unreadable
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line without its "\n" or "\r\n"; false at the end of the file.
  bool next(std::string& line);
  int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* file_ = nullptr;  // gzFile; kept opaque so zlib stays out of the header
  int64_t line_number_ = 0;
};

}  // namespace wb
