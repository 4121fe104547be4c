#include "io/embedding_rows.h"

#include <charconv>
#include <cmath>

#include "core/errors.h"

namespace wb {

std::string shown_id(std::string_view name) {
  constexpr size_t kLongest = 80;
  std::string text(name.substr(0, kLongest));
  if (name.size() > kLongest) text += "...";
  return "\"" + text + "\"";
}

bool parse_count(std::string_view text, int64_t& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size() && value >= 0;
}

void check_finite_row(const float* row, int64_t cols, const std::string& path, int64_t r,
                      std::string_view id) {
  for (int64_t j = 0; j < cols; ++j) {
    if (!std::isfinite(row[j])) {
      throw DataError(located(path, 0,
                              "row " + std::to_string(r + 1) + " (node " + shown_id(id) +
                                  "), value " + std::to_string(j + 1) +
                                  " is not a finite float32"));
    }
  }
}

RowIds::RowIds(const std::string& ids_path, const std::string& table_path, int64_t rows)
    : reader_(ids_path), table_path_(table_path), rows_(rows) {}

const std::string& RowIds::next(int64_t r) {
  if (!reader_.next(id_)) {
    throw DataError(located(
        reader_.path(), static_cast<long>(reader_.line_number()),
        "names " + std::to_string(r) + " rows; " + table_path_ + " has " + std::to_string(rows_)));
  }
  return id_;
}

void RowIds::finish() {
  if (reader_.next(id_)) {
    throw DataError(
        located(reader_.path(), static_cast<long>(reader_.line_number()),
                "names more rows than the " + std::to_string(rows_) + " of " + table_path_));
  }
}

RowPlacer::RowPlacer(const std::vector<std::string>& node_ids, int64_t dimension, Places places)
    : table_(static_cast<int64_t>(node_ids.size()), dimension),
      places_(places),
      place_of_(node_ids.size(), 0) {
  index_.reserve(node_ids.size());
  for (size_t i = 0; i < node_ids.size(); ++i) index_.emplace(node_ids[i], i);
}

float* RowPlacer::row_for(std::string_view name, const std::string& path, int64_t place) {
  const bool lines = places_ == Places::kLines;
  const auto where = [&](const std::string& message) {
    return lines ? located(path, static_cast<long>(place), message)
                 : located(path, 0, "vector " + std::to_string(place) + ": " + message);
  };
  const auto node = index_.find(name);
  if (node == index_.end()) {
    throw DataError(where("node " + shown_id(name) +
                          " is not in the graph: the vectors must be trained on the "
                          "experiment's graph (graph.path) and named by its node ids"));
  }
  int64_t& first_place = place_of_[node->second];
  if (first_place != 0) {
    throw DataError(where("node " + shown_id(name) + " has a vector already, at " +
                          (lines ? "line " : "vector ") + std::to_string(first_place)));
  }
  first_place = place;
  ++vectors_;
  return table_.row(static_cast<int64_t>(node->second));
}

Matrix RowPlacer::finish(const std::string& path, EmbeddingsReadStats* stats) {
  if (vectors_ == 0) throw DataError(located(path, 0, "no vector in the file"));
  if (stats != nullptr) {
    stats->vectors = vectors_;
    stats->missing_nodes = static_cast<int64_t>(place_of_.size()) - vectors_;
  }
  return std::move(table_);
}

}  // namespace wb
