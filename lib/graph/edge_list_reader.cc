#include "graph/edge_list_reader.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "graph/node_index.h"
#include "io/line_reader.h"

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

// A line's node ids, viewing the line's text, waiting to be looked up.
struct EdgeLine {
  int64_t number;
  std::string_view source;
  std::string_view target;
};

// Lines are read in batches so that the index lookups of a batch's targets
// can be prefetched together (node_index.h).
constexpr int kLineBatch = 64;

}  // namespace

EdgeList read_edge_list(const std::string& path, const EdgeListFormat& format) {
  LineReader reader(path);
  EdgeList edges;
  NodeIndex nodes(edges.node_ids);
  // Lines often come grouped by source (SNAP's files, most exports): the
  // source of the line before is checked before the index.
  std::string last_source;
  NodeId last_source_id = -1;
  const auto id_of = [&](std::string_view name, uint64_t hash, int64_t line) {
    try {
      return nodes.id_of(name, hash);
    } catch (const Error& e) {
      throw DataError(located(path, line, e.what()));
    }
  };
  std::vector<std::string> raw(kLineBatch);
  EdgeLine lines[kLineBatch];
  uint64_t hashes[kLineBatch];
  std::vector<std::string_view> fields;
  bool header_pending = format.header;
  const size_t needed = format.weighted ? 3 : 2;
  for (bool more = true; more;) {
    int count = 0;
    // A bad line ends the batch; the lines before it are added first, so an
    // earlier line's error is still the one reported.
    std::exception_ptr failure;
    try {
      while (count < kLineBatch) {
        if (!reader.next(raw[count])) {
          more = false;
          break;
        }
        std::string_view line = raw[count];
        if (reader.line_number() == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") {
          line.remove_prefix(3);
        }
        line = trim(line);
        check_text(line, path, reader.line_number());
        if (line.empty() || format.comment_prefixes.find(line.front()) != std::string::npos) {
          continue;
        }
        if (header_pending) {
          header_pending = false;
          continue;
        }
        split_fields(line, format.separator, fields);
        const int64_t number = reader.line_number();
        if (fields.size() < needed) {
          throw DataError(located(path, number,
                                  "expected " + std::to_string(needed) + " columns (source target" +
                                      (format.weighted ? " weight" : "") + "), found " +
                                      std::to_string(fields.size())));
        }
        for (size_t i = 0; i < 2; ++i) {
          if (fields[i].empty()) throw DataError(located(path, number, "empty node id"));
        }
        if (format.weighted) edges.weight.push_back(parse_weight(fields[2], path, number));
        lines[count++] = {number, fields[0], fields[1]};
      }
    } catch (...) {
      failure = std::current_exception();
      more = false;
    }
    for (int i = 0; i < count; ++i) {
      hashes[i] = NodeIndex::hash(lines[i].target);
      nodes.prefetch_slot(hashes[i]);
    }
    for (int i = 0; i < count; ++i) nodes.prefetch_name(hashes[i]);
    for (int i = 0; i < count; ++i) {
      const EdgeLine& line = lines[i];
      if (last_source_id < 0 || line.source != last_source) {
        last_source_id = id_of(line.source, NodeIndex::hash(line.source), line.number);
        last_source.assign(line.source);
      }
      edges.src.push_back(last_source_id);
      edges.dst.push_back(id_of(line.target, hashes[i], line.number));
    }
    if (failure) std::rethrow_exception(failure);
  }
  if (edges.src.empty()) throw DataError(located(path, 0, "no edges found (empty graph)"));
  return edges;
}

}  // namespace wb
