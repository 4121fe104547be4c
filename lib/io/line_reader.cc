#include "io/line_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.h"

namespace wb {

LineReader::LineReader(const std::string& path) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw DataError(located(path, 0, "file not found"));
  if (std::filesystem::is_directory(path, ec))
    throw DataError(located(path, 0, "is a directory, expected a file"));
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw DataError(located(path, 0, std::strerror(errno)));
  gzbuffer(file, 1 << 18);
  file_ = file;
}

LineReader::~LineReader() {
  if (file_ != nullptr) gzclose(static_cast<gzFile>(file_));
}

bool LineReader::next(std::string& line) {
  auto* file = static_cast<gzFile>(file_);
  line.clear();
  char buffer[1 << 14];
  bool read_any = false;
  while (gzgets(file, buffer, sizeof(buffer)) != nullptr) {
    read_any = true;
    const size_t length = std::strlen(buffer);
    line.append(buffer, length);
    if (length > 0 && buffer[length - 1] == '\n') break;
  }
  int error = Z_OK;
  const char* message = gzerror(file, &error);
  if (error != Z_OK && error != Z_STREAM_END) {
    throw DataError(located(path_, line_number_ + 1,
                            std::string("cannot read (corrupt or truncated gzip?): ") + message));
  }
  if (!read_any) return false;
  ++line_number_;
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

}  // namespace wb
