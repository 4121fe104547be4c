#include "io/word2vec_writer.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/errors.h"
#include "io/atomic_file.h"

namespace wb {
namespace {

// ASCII whitespace only: readers split on bytes, not on locale classes.
bool is_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void check_ids(const Matrix& m, const std::vector<std::string>& ids) {
  if (static_cast<int64_t>(ids.size()) != m.rows) {
    throw Error("word2vec export: " + std::to_string(ids.size()) + " ids for " +
                std::to_string(m.rows) + " embedding rows");
  }
  for (const std::string& id : ids) {
    if (id.empty()) throw DataError("word2vec export: a node id is empty");
    for (char c : id) {
      if (is_whitespace(c)) {
        throw DataError("word2vec export: node id '" + id +
                        "' contains whitespace, which the format cannot represent");
      }
    }
  }
}

}  // namespace

void write_word2vec_text(const std::string& path, const Matrix& m,
                         const std::vector<std::string>& ids) {
  check_ids(m, ids);
  write_atomically(path, [&](std::FILE* file) {
    std::string line = std::to_string(m.rows) + " " + std::to_string(m.cols) + "\n";
    std::fwrite(line.data(), 1, line.size(), file);
    char number[32];  // a shortest float is at most 15 characters
    for (int64_t i = 0; i < m.rows; ++i) {
      line = ids[i];
      const float* row = m.row(i);
      for (int64_t j = 0; j < m.cols; ++j) {
        const auto result = std::to_chars(number, number + sizeof(number), row[j]);
        line.push_back(' ');
        line.append(number, result.ptr);
      }
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), file);
    }
  });
}

}  // namespace wb
