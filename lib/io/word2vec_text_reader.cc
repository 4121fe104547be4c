#include "io/word2vec_text_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <string_view>

#include "core/errors.h"
#include "io/embedding_rows.h"
#include "io/parsed_blocks.h"
#include "io/text_blocks.h"

namespace wb {
namespace {

constexpr size_t kBlockBytes = size_t{1} << 20;

void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
}

// A block's non-empty lines, parsed on a worker thread: everything but
// placing the rows, which needs the lines before.
struct ParsedBlock {
  struct Line {
    int64_t number = 0;
    std::string_view text;  // into block->text
    std::string_view id;
    int64_t values = 0;  // fields after the id
    int64_t slot = -1;   // its numbers in `numbers`, when `values` is the dimension
  };
  std::shared_ptr<const TextBlock> block;
  std::vector<Line> lines;
  std::vector<float> numbers;
  // The first value that is not a finite number: its line (the last in
  // `lines`; parsing stops there), which value (from 1) and its text.
  bool bad_value = false;
  int64_t bad_index = 0;
  std::string_view bad_text;
};

ParsedBlock parse_block(std::shared_ptr<const TextBlock> block, int64_t dimension) {
  ParsedBlock parsed;
  parsed.block = block;
  std::vector<std::string_view> fields;
  const std::string_view text = block->text;
  int64_t number = block->first_line;
  for (size_t start = 0; start < text.size(); ++number) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    split_fields(line, fields);
    if (fields.empty()) continue;
    ParsedBlock::Line entry{number, line, fields[0], static_cast<int64_t>(fields.size()) - 1};
    if (entry.values == dimension) {
      entry.slot = static_cast<int64_t>(parsed.numbers.size()) / dimension;
      for (int64_t j = 0; j < dimension; ++j) {
        const std::string_view value = fields[static_cast<size_t>(j) + 1];
        float x = 0;
        const auto result = std::from_chars(value.data(), value.data() + value.size(), x);
        if (result.ec != std::errc() || result.ptr != value.data() + value.size() ||
            !std::isfinite(x)) {
          parsed.lines.push_back(entry);
          parsed.bad_value = true;
          parsed.bad_index = j + 1;
          parsed.bad_text = value;
          return parsed;
        }
        parsed.numbers.push_back(x);
      }
    }
    parsed.lines.push_back(entry);
  }
  return parsed;
}

// Places the parsed lines in file order, with the checks that depend on the
// lines before: the header (only the file's first line can be one), lengths,
// ids.
class VectorPlacer {
 public:
  VectorPlacer(const std::string& path, const std::vector<std::string>& node_ids, int64_t dimension)
      : path_(path), dimension_(dimension), placer_(node_ids, dimension) {}

  void place(const ParsedBlock& parsed) {
    for (size_t i = 0; i < parsed.lines.size(); ++i) {
      const ParsedBlock::Line& line = parsed.lines[i];
      const auto where = [&](const std::string& message) {
        return located(path_, static_cast<long>(line.number), message);
      };
      if (first_ && take_header(line)) continue;
      first_ = false;
      if (line.values != dimension_) {
        throw DataError(where("node " + shown_id(line.id) + " has " + std::to_string(line.values) +
                              " values; train.dimension is " + std::to_string(dimension_) +
                              (placer_.vectors() == 0 && header_line_ == 0
                                   ? ": set train.dimension = " + std::to_string(line.values)
                                   : std::string())));
      }
      float* row = placer_.row_for(line.id, path_, line.number);
      if (parsed.bad_value && i + 1 == parsed.lines.size()) {
        throw DataError(where("node " + shown_id(line.id) + ", value " +
                              std::to_string(parsed.bad_index) + ": " + shown_id(parsed.bad_text) +
                              " is not a finite number"));
      }
      std::memcpy(row, parsed.numbers.data() + line.slot * dimension_,
                  static_cast<size_t>(dimension_) * sizeof(float));
    }
  }

  Matrix finish(EmbeddingsReadStats* stats) {
    if (header_vectors_ >= 0 && placer_.vectors() != header_vectors_) {
      throw DataError(located(path_, static_cast<long>(header_line_),
                              "the header says " + std::to_string(header_vectors_) +
                                  " vectors; the file has " + std::to_string(placer_.vectors())));
    }
    return placer_.finish(path_, stats);
  }

 private:
  // The file's first line is a header when it is two counts.
  bool take_header(const ParsedBlock::Line& line) {
    first_ = false;
    std::vector<std::string_view> fields;
    split_fields(line.text, fields);
    int64_t count = 0;
    int64_t header_dimension = 0;
    if (fields.size() != 2 || !parse_count(fields[0], count) ||
        !parse_count(fields[1], header_dimension)) {
      return false;
    }
    header_vectors_ = count;
    header_line_ = line.number;
    if (header_dimension != dimension_) {
      throw DataError(located(path_, static_cast<long>(line.number),
                              "the header says the vectors have " +
                                  std::to_string(header_dimension) +
                                  " values; train.dimension is " + std::to_string(dimension_) +
                                  ": set train.dimension = " + std::to_string(header_dimension)));
    }
    return true;
  }

  const std::string& path_;
  int64_t dimension_;
  RowPlacer placer_;
  bool first_ = true;
  int64_t header_vectors_ = -1;
  int64_t header_line_ = 0;
};

}  // namespace

Matrix read_word2vec_text(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                          int64_t dimension, EmbeddingsReadStats* stats, int threads) {
  TextBlockReader reader(file.path, kBlockBytes);
  VectorPlacer placer(file.path, node_ids, dimension);
  parse_blocks_in_order(
      reader, threads,
      [dimension](TextBlock&& block) {
        return [dimension, block = std::make_shared<const TextBlock>(std::move(block))] {
          return parse_block(block, dimension);
        };
      },
      [&](const ParsedBlock& parsed) { placer.place(parsed); });
  return placer.finish(stats);
}

}  // namespace wb
