#include "io/line_reader.h"

namespace wb {

LineReader::LineReader(const std::string& path) : blocks_(path, size_t{1} << 20) {}

bool LineReader::next(std::string& line) {
  if (position_ >= block_.text.size()) {
    if (!blocks_.next(block_)) return false;
    position_ = 0;
  }
  const std::string& text = block_.text;
  size_t end = text.find('\n', position_);
  if (end == std::string::npos) end = text.size();  // the file's last line, without '\n'
  line.assign(text, position_, end - position_);
  position_ = end + 1;
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

}  // namespace wb
