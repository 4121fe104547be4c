#include "io/embeddings_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/errors.h"
#include "io/embedding_rows.h"
#include "io/torch_reader.h"
#include "io/word2vec_binary_reader.h"
#include "io/word2vec_text_reader.h"

namespace wb {
namespace {

constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr size_t kNpyMagicBytes = 6;

struct NpyLayout {
  int itemsize = 4;  // '<f4' or '<f8'
  bool fortran_order = false;
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t data_offset = 0;
};

// The value of `key` in a .npy header's Python dict literal, up to the next
// comma outside parentheses or the closing brace.
std::string npy_header_value(const std::string& header, const std::string& key,
                             const std::string& path) {
  const size_t at = header.find("'" + key + "'");
  const size_t colon = at == std::string::npos ? at : header.find(':', at);
  if (colon == std::string::npos) {
    throw DataError(located(path, 0, "the .npy header has no '" + key + "': " + header));
  }
  size_t end = colon + 1;
  int depth = 0;
  while (end < header.size() && !(depth == 0 && (header[end] == ',' || header[end] == '}'))) {
    depth += header[end] == '(' ? 1 : header[end] == ')' ? -1 : 0;
    ++end;
  }
  std::string value = header.substr(colon + 1, end - colon - 1);
  value.erase(0, value.find_first_not_of(" "));
  value.erase(value.find_last_not_of(" ") + 1);
  return value;
}

NpyLayout read_npy_layout(std::FILE* stream, const std::string& path, int64_t file_bytes) {
  unsigned char prefix[12] = {};
  const size_t got = std::fread(prefix, 1, sizeof(prefix), stream);
  const int major = got >= 10 ? prefix[6] : 0;
  if (got < 10 || (major >= 2 && got < 12) || major < 1 || major > 3) {
    throw DataError(located(path, 0, "not a .npy file of version 1, 2 or 3"));
  }
  const int64_t header_bytes = major == 1 ? prefix[8] | (prefix[9] << 8)
                                          : static_cast<int64_t>(prefix[8]) | (prefix[9] << 8) |
                                                (prefix[10] << 16) |
                                                (static_cast<int64_t>(prefix[11]) << 24);
  NpyLayout layout;
  layout.data_offset = (major == 1 ? 10 : 12) + header_bytes;
  if (layout.data_offset > file_bytes) {
    throw DataError(located(path, 0,
                            "the .npy header says it takes " + std::to_string(header_bytes) +
                                " bytes; the file has " + std::to_string(file_bytes)));
  }
  std::string header(static_cast<size_t>(header_bytes), '\0');
  if (std::fseek(stream, major == 1 ? 10 : 12, SEEK_SET) != 0 ||
      std::fread(header.data(), 1, header.size(), stream) != header.size()) {
    throw DataError(located(path, 0, "the .npy header is cut short"));
  }
  const std::string descr = npy_header_value(header, "descr", path);
  if (descr == "'<f4'") {
    layout.itemsize = 4;
  } else if (descr == "'<f8'") {
    layout.itemsize = 8;
  } else {
    throw DataError(located(path, 0,
                            "the .npy holds " + descr +
                                "; float32 ('<f4') or float64 ('<f8') rows are read: save "
                                "array.astype('float32')"));
  }
  const std::string order = npy_header_value(header, "fortran_order", path);
  if (order != "False" && order != "True") {
    throw DataError(located(path, 0, "the .npy header's fortran_order is " + order));
  }
  layout.fortran_order = order == "True";
  const std::string shape = npy_header_value(header, "shape", path);
  std::vector<int64_t> extents;
  size_t i = shape.find('(');
  while (i != std::string::npos && i + 1 < shape.size()) {
    const size_t start = shape.find_first_not_of(" ", i + 1);
    const size_t end = shape.find_first_of(",)", start);
    if (start == std::string::npos || end == std::string::npos || start == end) break;
    int64_t extent = 0;
    extents.push_back(parse_count(shape.substr(start, end - start), extent) ? extent : -1);
    i = shape[end] == ')' ? std::string::npos : end;
  }
  if (extents.size() != 2 || extents[0] < 0 || extents[1] < 0) {
    throw DataError(located(path, 0,
                            "the .npy has shape " + shape +
                                "; a matrix of one row per node is read (nodes x dimension)"));
  }
  layout.rows = extents[0];
  layout.cols = extents[1];
  return layout;
}

Matrix read_npy(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                int64_t dimension, EmbeddingsReadStats* stats) {
  if (file.ids_path.empty()) {
    throw DataError(located(file.path, 0,
                            "a .npy names no nodes: set train.embeddings_ids to a file with the "
                            "node id of each row, one per line (a run's node_ids.txt fits its "
                            "embeddings.npy)"));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream(std::fopen(file.path.c_str(), "rb"),
                                                         &std::fclose);
  if (!stream)
    throw DataError(located(file.path, 0, std::string("cannot open: ") + std::strerror(errno)));
  std::error_code ec;
  const auto file_bytes = static_cast<int64_t>(std::filesystem::file_size(file.path, ec));
  if (ec) throw DataError(located(file.path, 0, "cannot read its size: " + ec.message()));
  const NpyLayout layout = read_npy_layout(stream.get(), file.path, file_bytes);
  if (layout.cols != dimension) {
    throw DataError(located(file.path, 0,
                            "the .npy's rows have " + std::to_string(layout.cols) +
                                " values; train.dimension is " + std::to_string(dimension) +
                                ": set train.dimension = " + std::to_string(layout.cols)));
  }
  // Compared by division: a fuzzed shape's rows x row bytes can overflow.
  const int64_t row_bytes = layout.cols * layout.itemsize;
  const int64_t available = file_bytes - layout.data_offset;
  if (layout.rows > available / row_bytes) {
    throw DataError(located(file.path, 0,
                            "truncated: its shape (" + std::to_string(layout.rows) + ", " +
                                std::to_string(layout.cols) + ") needs " +
                                std::to_string(layout.rows) + " rows of " +
                                std::to_string(row_bytes) + " bytes, the file has " +
                                std::to_string(available) + " bytes of data"));
  }
  const int64_t data_bytes = layout.rows * row_bytes;
  // Fortran order keeps a row's values a column apart: read it whole first.
  std::vector<unsigned char> data(
      static_cast<size_t>(layout.fortran_order ? data_bytes : row_bytes));
  if (layout.fortran_order &&
      std::fread(data.data(), 1, data.size(), stream.get()) != data.size()) {
    throw DataError(located(file.path, 0, "read error"));
  }
  RowPlacer placer(node_ids, dimension);
  RowIds ids(file.ids_path, file.path, layout.rows);
  for (int64_t r = 0; r < layout.rows; ++r) {
    const std::string& id = ids.next(r);
    if (!layout.fortran_order &&
        std::fread(data.data(), 1, data.size(), stream.get()) != data.size()) {
      throw DataError(located(file.path, 0, "read error at row " + std::to_string(r + 1)));
    }
    float* row = placer.row_for(id, file.ids_path, ids.line());
    for (int64_t j = 0; j < layout.cols; ++j) {
      const int64_t item = layout.fortran_order ? j * layout.rows + r : j;
      const unsigned char* bytes = data.data() + item * layout.itemsize;
      if (layout.itemsize == 4) {
        std::memcpy(&row[j], bytes, 4);
      } else {
        double value = 0;
        std::memcpy(&value, bytes, 8);
        row[j] = static_cast<float>(value);
      }
    }
    check_finite_row(row, layout.cols, file.path, r, id);
  }
  ids.finish();
  return placer.finish(file.path, stats);
}

bool starts_with(const std::string& path, const char* magic, size_t magic_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
  char prefix[8] = {};
  return stream && std::fread(prefix, 1, magic_bytes, stream.get()) == magic_bytes &&
         std::memcmp(prefix, magic, magic_bytes) == 0;
}

bool starts_as_npy(const std::string& path) { return starts_with(path, kNpyMagic, kNpyMagicBytes); }

// torch.save writes a zip archive (since PyTorch 1.6).
bool starts_as_zip(const std::string& path) { return starts_with(path, "PK\x03\x04", 4); }

}  // namespace

Matrix read_embeddings(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                       int64_t dimension, EmbeddingsReadStats* stats, int threads) {
  if (starts_as_npy(file.path)) return read_npy(file, node_ids, dimension, stats);
  if (starts_as_zip(file.path)) return read_torch_embeddings(file, node_ids, dimension, stats);
  const bool binary = is_word2vec_binary(file.path);
  // word2vec files name their own nodes; an ids file beside one is a mistake.
  if (!file.ids_path.empty()) {
    throw DataError(located(file.ids_path, 0,
                            "train.embeddings_ids is for a .npy or torch.save file; " + file.path +
                                (binary ? " is word2vec binary, whose records name their nodes"
                                        : " is word2vec text, whose lines name their nodes")));
  }
  return binary ? read_word2vec_binary(file, node_ids, dimension, stats)
                : read_word2vec_text(file, node_ids, dimension, stats, threads);
}

}  // namespace wb
