#include "io/word2vec_binary_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <string_view>

#include "core/errors.h"
#include "io/embedding_rows.h"

namespace wb {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "word2vec binary vectors are read as the host's float32");

// A node id longer than this is not a node id but a file of another kind.
constexpr size_t kLongestId = size_t{1} << 16;

struct GzipCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzipFile = std::unique_ptr<std::remove_pointer_t<gzFile>, GzipCloser>;

GzipFile open_gzip(const std::string& path) {
  GzipFile file(gzopen(path.c_str(), "rb"));
  if (!file) throw DataError(located(path, 0, std::string("cannot open: ") + std::strerror(errno)));
  gzbuffer(file.get(), 1 << 18);
  return file;
}

// "N D" in the first line of `text` (up to its '\n'); false when it is not.
bool parse_header(std::string_view line, int64_t& count, int64_t& dimension) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view second = line.substr(space + 1);
  while (!second.empty() && second.back() == ' ') second.remove_suffix(1);
  return parse_count(line.substr(0, space), count) && parse_count(second, dimension) &&
         dimension > 0;
}

[[noreturn]] void throw_read_error(gzFile file, const std::string& path, const std::string& where) {
  int error = Z_OK;
  const char* message = gzerror(file, &error);
  throw DataError(
      located(path, 0,
              where + (error != Z_OK && error != Z_STREAM_END
                           ? std::string(": cannot read (corrupt or truncated gzip?): ") + message
                           : std::string(": the file ends there"))));
}

}  // namespace

bool is_word2vec_binary(const std::string& path) {
  GzipFile file(gzopen(path.c_str(), "rb"));
  if (!file) return false;
  constexpr size_t kSniffBytes = size_t{1} << 16;
  std::string start(kSniffBytes, '\0');
  const int got = gzread(file.get(), start.data(), static_cast<unsigned>(start.size()));
  if (got <= 0) return false;
  start.resize(static_cast<size_t>(got));
  const size_t header_end = start.find('\n');
  int64_t count = 0;
  int64_t dimension = 0;
  if (header_end == std::string::npos ||
      !parse_header(std::string_view(start).substr(0, header_end), count, dimension)) {
    return false;
  }
  size_t at = header_end + 1;
  while (at < start.size() && start[at] == '\n') ++at;
  const size_t id_end = start.find(' ', at);
  if (id_end == std::string::npos) return false;
  // Text has no control bytes, and the rest of its first line holds ASCII
  // numbers only (ids on later lines may be UTF-8). D float32 almost surely
  // break one rule or the other: a negative value has a byte of 0x80 or more.
  const auto values = static_cast<size_t>(std::min<int64_t>(dimension, int64_t{1} << 20));
  const size_t values_start = id_end + 1;
  const size_t values_end = std::min(start.size(), values_start + 4 * values);
  bool line_ended = false;
  for (size_t i = values_start; i < values_end; ++i) {
    const auto c = static_cast<unsigned char>(start[i]);
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return true;
    line_ended = line_ended || c == '\n';
    if (c >= 0x80 && !line_ended) return true;
  }
  return false;
}

Matrix read_word2vec_binary(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                            int64_t dimension, EmbeddingsReadStats* stats) {
  const GzipFile stream = open_gzip(file.path);
  gzFile in = stream.get();
  std::string header;
  for (int c = gzgetc(in); c != '\n'; c = gzgetc(in)) {
    if (c == -1 || header.size() > 256) throw_read_error(in, file.path, "the header line");
    header += static_cast<char>(c);
  }
  int64_t count = 0;
  int64_t header_dimension = 0;
  if (!parse_header(header, count, header_dimension)) {
    throw DataError(located(file.path, 1, "expected an \"N D\" header, found " + shown_id(header)));
  }
  if (header_dimension != dimension) {
    throw DataError(located(file.path, 1,
                            "the header says the vectors have " + std::to_string(header_dimension) +
                                " values; train.dimension is " + std::to_string(dimension) +
                                ": set train.dimension = " + std::to_string(header_dimension)));
  }
  RowPlacer placer(node_ids, dimension, RowPlacer::Places::kVectors);
  const auto vector_bytes = static_cast<unsigned>(dimension * static_cast<int64_t>(sizeof(float)));
  std::string id;
  for (int64_t k = 1; k <= count; ++k) {
    const std::string where = "vector " + std::to_string(k) + " of " + std::to_string(count);
    int c = gzgetc(in);
    while (c == '\n' || c == '\r') c = gzgetc(in);  // a writer's line break, CRLF too
    id.clear();
    for (; c != ' '; c = gzgetc(in)) {
      if (c == -1) throw_read_error(in, file.path, where + ", in its node id");
      if (id.size() == kLongestId) {
        throw DataError(located(file.path, 0,
                                where + ": no space after 64 KiB of node id; is this word2vec "
                                        "binary?"));
      }
      id += static_cast<char>(c);
    }
    float* row = placer.row_for(id, file.path, k);
    if (gzread(in, row, vector_bytes) != static_cast<int>(vector_bytes)) {
      throw_read_error(in, file.path, where + " (node " + shown_id(id) + "), in its values");
    }
    for (int64_t j = 0; j < dimension; ++j) {
      if (!std::isfinite(row[j])) {
        throw DataError(located(file.path, 0,
                                where + " (node " + shown_id(id) + "), value " +
                                    std::to_string(j + 1) + " is not a finite float32"));
      }
    }
  }
  for (int c = gzgetc(in); c != -1; c = gzgetc(in)) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
      throw DataError(located(
          file.path, 1,
          "the header says " + std::to_string(count) + " vectors; the file has more after them"));
    }
  }
  int error = Z_OK;
  const char* message = gzerror(in, &error);
  if (error != Z_OK && error != Z_STREAM_END) {
    throw DataError(
        located(file.path, 0, std::string("cannot read (corrupt or truncated gzip?): ") + message));
  }
  return placer.finish(file.path, stats);
}

}  // namespace wb
