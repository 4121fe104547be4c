#pragma once
// GitHub-flavoured Markdown tables, padded so the raw text lines up too.
#include <string>

#include "report/report_table.h"

namespace wb {

// Header, separator (with ---: for right-aligned columns) and one line per
// row, each ending in '\n'. '|' in a cell is escaped; line breaks become spaces.
std::string markdown_table(const ReportTable& table);

}  // namespace wb
