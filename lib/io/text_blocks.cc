#include "io/text_blocks.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>

#include "core/errors.h"

namespace wb {

TextBlockReader::TextBlockReader(const std::string& path, size_t block_bytes)
    : path_(path),
      block_bytes_(std::clamp<size_t>(block_bytes, 1, std::numeric_limits<int>::max())) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw DataError(located(path, 0, "file not found"));
  if (std::filesystem::is_directory(path, ec))
    throw DataError(located(path, 0, "is a directory, expected a file"));
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw DataError(located(path, 0, std::strerror(errno)));
  gzbuffer(file, 1 << 18);  // before gzdirect, which reads the start of the file
  file_ = file;
  if (gzdirect(file) == 1) {
    plain_text_bytes_ = static_cast<int64_t>(std::filesystem::file_size(path, ec));
    if (ec) plain_text_bytes_ = 0;
  }
}

TextBlockReader::~TextBlockReader() {
  if (file_ != nullptr) gzclose(static_cast<gzFile>(file_));
}

bool TextBlockReader::next(TextBlock& block) {
  auto* file = static_cast<gzFile>(file_);
  std::string& text = block.text;
  text.swap(carry_);
  carry_.clear();
  while (!at_end_) {
    const size_t had = text.size();
    text.resize(had + block_bytes_);
    const int got = gzread(file, text.data() + had, static_cast<unsigned>(block_bytes_));
    text.resize(had + static_cast<size_t>(std::max(got, 0)));
    int error = Z_OK;
    const char* message = gzerror(file, &error);
    if (got < 0 || (error != Z_OK && error != Z_STREAM_END)) {
      const auto whole_lines = std::count(text.begin(), text.end(), '\n');
      throw DataError(located(path_, next_line_ + whole_lines,
                              std::string("cannot read (corrupt or truncated gzip?): ") + message));
    }
    if (got == 0) {
      at_end_ = true;
      break;
    }
    // The carried start of a line holds no '\n': only the new bytes can end
    // a line (and a line longer than a block is not searched again and again).
    const size_t in_new = std::string_view(text).substr(had).rfind('\n');
    if (in_new != std::string_view::npos) {
      carry_.assign(text, had + in_new + 1, std::string::npos);
      text.resize(had + in_new + 1);
      break;
    }
  }
  if (text.empty()) return false;
  block.first_line = next_line_;
  next_line_ += std::count(text.begin(), text.end(), '\n') + (text.back() == '\n' ? 0 : 1);
  return true;
}

}  // namespace wb
