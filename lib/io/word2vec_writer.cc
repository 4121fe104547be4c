#include "io/word2vec_writer.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/errors.h"
#include "io/atomic_file.h"
#include "io/ordered_text_writer.h"

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
                         const std::vector<std::string>& ids, int threads) {
  check_ids(m, ids);
  write_atomically(path, [&](std::FILE* file) {
    const std::string header = std::to_string(m.rows) + " " + std::to_string(m.cols) + "\n";
    std::fwrite(header.data(), 1, header.size(), file);
    write_chunks_in_order(
        file, m.rows, 1024, threads, [&](int64_t begin, int64_t end, std::string& text) {
          char number[32];  // a shortest float is at most 15 characters
          for (int64_t i = begin; i < end; ++i) {
            text += ids[i];
            const float* row = m.row(i);
            for (int64_t j = 0; j < m.cols; ++j) {
              const auto result = std::to_chars(number, number + sizeof(number), row[j]);
              text.push_back(' ');
              text.append(number, result.ptr);
            }
            text.push_back('\n');
          }
        });
  });
}

}  // namespace wb
