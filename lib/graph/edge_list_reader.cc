#include "graph/edge_list_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "graph/node_index.h"
#include "io/parsed_blocks.h"
#include "io/text_blocks.h"

namespace wb {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void split_fields(std::string_view line, Separator separator, std::vector<std::string_view>& out) {
  out.clear();
  if (separator == Separator::kAuto) {
    separator =
        line.find(',') != std::string_view::npos ? Separator::kComma : Separator::kWhitespace;
  }
  if (separator == Separator::kWhitespace) {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && is_blank(line[i])) ++i;
      const size_t start = i;
      while (i < line.size() && !is_blank(line[i])) ++i;
      if (i > start) out.push_back(line.substr(start, i - start));
    }
    return;
  }
  const char delimiter = separator == Separator::kTab ? '\t' : ',';
  size_t start = 0;
  while (true) {
    const size_t end = line.find(delimiter, start);
    out.push_back(trim(line.substr(start, end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

float parse_weight(std::string_view text, const std::string& path, int64_t line) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw DataError(located(path, line, "weight '" + std::string(text) + "' is not a number"));
  }
  if (!std::isfinite(value) || value <= 0 || value > std::numeric_limits<float>::max()) {
    throw DataError(
        located(path, line, "weight '" + std::string(text) + "' must be a finite number > 0"));
  }
  return static_cast<float>(value);
}

// A control byte (other than tab) means the file is not a text edge list,
// e.g. a binary file or a compressed one that is not gzip.
void check_text(std::string_view line, const std::string& path, int64_t line_number) {
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02X", byte);
      throw DataError(located(path, line_number,
                              std::string("control byte ") + hex +
                                  " is not text; expected a text edge list (binary file?)"));
    }
  }
}

// A line's node ids, viewing its block's text, hashed and waiting to be
// looked up. source_hash is 0 where the source repeats the line before's.
struct EdgeLine {
  int64_t number;
  std::string_view source;
  std::string_view target;
  uint64_t source_hash;
  uint64_t target_hash;
};

// A block's edge lines, parsed on a worker thread: everything but the id
// lookups, which must run in file order.
struct ParsedBlock {
  // On the heap, so that the lines' views survive the block's moves from the
  // task to the reader: a short text lives inside its std::string (SSO) and
  // would move with it.
  std::unique_ptr<const TextBlock> block;
  std::vector<EdgeLine> lines;
  std::vector<float> weights;
  // The first bad line's error; the lines before it are listed.
  std::exception_ptr failure;
};

// The line as parse_block sees it: without the byte-order mark that may open
// the file, and trimmed.
std::string_view clean_line(std::string_view line, int64_t number) {
  if (number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  return trim(line);
}

bool is_skipped(std::string_view clean, const EdgeListFormat& format) {
  return clean.empty() || format.comment_prefixes.find(clean.front()) != std::string::npos;
}

// Calls fn(line, number) for each line of the block, without its '\n'.
template <typename Fn>
void for_each_line(const TextBlock& block, Fn&& fn) {
  std::string_view rest = block.text;
  for (int64_t number = block.first_line; !rest.empty(); ++number) {
    const size_t end = rest.find('\n');
    if (!fn(rest.substr(0, end), number) || end == std::string_view::npos) return;
    rest.remove_prefix(end + 1);
  }
}

// The header is the file's first line that is neither blank nor a comment:
// found while reading, in order, so that blocks parsed out of order know it.
// Returns 0 while it is not found yet.
int64_t find_header(const TextBlock& block, const EdgeListFormat& format) {
  int64_t header = 0;
  for_each_line(block, [&](std::string_view line, int64_t number) {
    if (is_skipped(clean_line(line, number), format)) return true;
    header = number;
    return false;
  });
  return header;
}

ParsedBlock parse_block(TextBlock block, const EdgeListFormat& format, const std::string& path,
                        int64_t header_line) {
  ParsedBlock parsed;
  parsed.block = std::make_unique<const TextBlock>(std::move(block));
  std::vector<std::string_view> fields;
  const size_t needed = format.weighted ? 3 : 2;
  std::string_view previous_source;
  try {
    for_each_line(*parsed.block, [&](std::string_view raw, int64_t number) {
      const std::string_view line = clean_line(raw, number);
      check_text(line, path, number);
      if (is_skipped(line, format) || number == header_line) return true;
      split_fields(line, format.separator, fields);
      if (fields.size() < needed) {
        throw DataError(located(path, number,
                                "expected " + std::to_string(needed) + " columns (source target" +
                                    (format.weighted ? " weight" : "") + "), found " +
                                    std::to_string(fields.size())));
      }
      for (size_t i = 0; i < 2; ++i) {
        if (fields[i].empty()) throw DataError(located(path, number, "empty node id"));
      }
      if (format.weighted) parsed.weights.push_back(parse_weight(fields[2], path, number));
      const bool repeated = !parsed.lines.empty() && fields[0] == previous_source;
      parsed.lines.push_back({number, fields[0], fields[1],
                              repeated ? 0 : NodeIndex::hash(fields[0]),
                              NodeIndex::hash(fields[1])});
      previous_source = fields[0];
      return true;
    });
  } catch (...) {
    parsed.failure = std::current_exception();
  }
  return parsed;
}

// Lines are looked up in batches so that the index lookups of a batch's
// names can be prefetched together (node_index.h).
constexpr size_t kLookupBatch = 64;

// Gives the parsed lines their ids, in file order. Lines often come grouped
// by source (SNAP's files, most exports): the source of the line before is
// checked before the index.
class EdgeAppender {
 public:
  EdgeAppender(EdgeList& edges, const std::string& path)
      : edges_(edges), nodes_(edges.node_ids), path_(path) {}

  // Room for about as many edges as the file holds, from the first block's
  // lines per byte: vectors grown by doubling would hold up to twice the
  // edges' memory, and copy them on each growth.
  void reserve_for(const ParsedBlock& first, int64_t file_bytes) {
    if (file_bytes <= 0 || first.block->text.empty()) return;
    const double per_byte =
        static_cast<double>(first.lines.size()) / static_cast<double>(first.block->text.size());
    const auto estimate = static_cast<size_t>(1.02 * per_byte * static_cast<double>(file_bytes));
    edges_.src.reserve(estimate);
    edges_.dst.reserve(estimate);
    if (!first.weights.empty()) edges_.weight.reserve(estimate);
  }

  void append(const ParsedBlock& parsed) {
    const std::vector<EdgeLine>& lines = parsed.lines;
    for (size_t first = 0; first < lines.size(); first += kLookupBatch) {
      const size_t end = std::min(lines.size(), first + kLookupBatch);
      for (size_t i = first; i < end; ++i) {
        nodes_.prefetch_slot(lines[i].target_hash);
        if (lines[i].source_hash != 0) nodes_.prefetch_slot(lines[i].source_hash);
      }
      for (size_t i = first; i < end; ++i) {
        nodes_.prefetch_name(lines[i].target_hash);
        if (lines[i].source_hash != 0) nodes_.prefetch_name(lines[i].source_hash);
      }
      for (size_t i = first; i < end; ++i) {
        const EdgeLine& line = lines[i];
        if (last_source_id_ < 0 || line.source != edges_.node_ids[last_source_id_]) {
          last_source_id_ = id_of(line.source, line.source_hash, line.number);
        }
        edges_.src.push_back(last_source_id_);
        edges_.dst.push_back(id_of(line.target, line.target_hash, line.number));
      }
    }
    edges_.weight.insert(edges_.weight.end(), parsed.weights.begin(), parsed.weights.end());
  }

 private:
  NodeId id_of(std::string_view name, uint64_t hash, int64_t line) {
    try {
      // A source repeating the line before's within its block has no hash;
      // it is only looked up here when that line was in another block.
      return nodes_.id_of(name, hash != 0 ? hash : NodeIndex::hash(name));
    } catch (const Error& e) {
      throw DataError(located(path_, line, e.what()));
    }
  }

  EdgeList& edges_;
  NodeIndex nodes_;
  const std::string& path_;
  NodeId last_source_id_ = -1;
};

}  // namespace

EdgeList read_edge_list(const std::string& path, const EdgeListFormat& format,
                        const EdgeListReadOptions& options) {
  TextBlockReader reader(path, options.block_bytes);
  EdgeList edges;
  EdgeAppender appender(edges, path);
  int64_t header_line = format.header ? 0 : -1;
  parse_blocks_in_order(
      reader, options.threads,
      [&](TextBlock&& block) {
        if (header_line == 0) header_line = find_header(block, format);
        return [&format, &path, header_line, block = std::move(block)]() mutable {
          return parse_block(std::move(block), format, path, header_line);
        };
      },
      [&](const ParsedBlock& parsed) {
        if (parsed.block->first_line == 1) appender.reserve_for(parsed, reader.plain_text_bytes());
        appender.append(parsed);
        if (parsed.failure) std::rethrow_exception(parsed.failure);
      });
  if (edges.src.empty()) throw DataError(located(path, 0, "no edges found (empty graph)"));
  return edges;
}

}  // namespace wb
