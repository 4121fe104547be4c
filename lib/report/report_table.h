#pragma once
// A table of already formatted cells, built once and rendered both as HTML
// and as Markdown, so the two versions of a report always agree.
#include <string>
#include <vector>

namespace wb {

enum class Align { kLeft, kRight };

struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header
  std::vector<Align> align;                    // per column; missing entries are left
  Align alignment(size_t column) const {
    return column < align.size() ? align[column] : Align::kLeft;
  }
};

}  // namespace wb
