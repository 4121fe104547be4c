#pragma once
// What the embeddings readers (word2vec text and binary, .npy) share: placing
// each vector in its node's row with errors that name where it came from.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/matrix.h"
#include "io/embeddings_reader.h"
#include "io/line_reader.h"

namespace wb {

// A node id for a message, quoted and cut short: an id can be a whole line of
// binary.
std::string shown_id(std::string_view name);

// A non-negative decimal integer, the whole of `text`.
bool parse_count(std::string_view text, int64_t& value);

// Throws DataError naming `path`, the row (from 0) and its node when one of
// its `cols` values is not finite.
void check_finite_row(const float* row, int64_t cols, const std::string& path, int64_t r,
                      std::string_view id);

// The ids file beside a .npy or torch.save table, which names no nodes: line
// r + 1 names row r, and it must name exactly `rows` rows.
class RowIds {
 public:
  RowIds(const std::string& ids_path, const std::string& table_path, int64_t rows);
  // The id of row r, rows taken in order; throws DataError naming the ids
  // file's line when it names only r rows.
  const std::string& next(int64_t r);
  int64_t line() const { return reader_.line_number(); }
  // Throws DataError when the file names more rows than the table has.
  void finish();

 private:
  LineReader reader_;
  std::string table_path_;
  int64_t rows_;
  std::string id_;
};

// Puts each vector in its node's row and remembers where it came from, so a
// second vector for a node names the first one's place.
class RowPlacer {
 public:
  // Places are lines (of a text file, of a .npy's ids file), or else the
  // vectors of a binary file, counted from 1.
  enum class Places { kLines, kVectors };
  RowPlacer(const std::vector<std::string>& node_ids, int64_t dimension,
            Places places = Places::kLines);

  // The row for `name`'s vector, found at `place`. Throws DataError naming
  // `path` and `place` for a node not in the graph or given twice.
  float* row_for(std::string_view name, const std::string& path, int64_t place);
  int64_t vectors() const { return vectors_; }
  // The table; throws DataError when no vector was placed.
  Matrix finish(const std::string& path, EmbeddingsReadStats* stats);

 private:
  Matrix table_;
  Places places_;
  std::vector<int64_t> place_of_;  // 0: no vector yet
  std::unordered_map<std::string_view, size_t> index_;
  int64_t vectors_ = 0;
};

}  // namespace wb
