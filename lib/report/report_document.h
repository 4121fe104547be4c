#pragma once
// What a report is made of, independent of its format: the report builders
// write headings, notes, tables and charts once through this interface, and
// the HTML and Markdown documents render them, so both files carry the same
// tables.
#include <string>
#include <vector>

#include "report/report_table.h"

namespace wb {

class ReportDocument {
 public:
  virtual ~ReportDocument() = default;
  virtual void heading(const std::string& text) = 0;  // a section
  virtual void paragraph(const std::string& text) = 0;
  // Things the reader must not miss: skipped variants, missing data.
  virtual void notes(const std::vector<std::string>& items) = 0;
  virtual void table(const ReportTable& table) = 0;
  // `svg` is a chart from svg_chart.h; formats without images show the caption.
  virtual void chart(const std::string& svg, const std::string& caption) = 0;
  // The finished file content.
  virtual std::string str() const = 0;
};

}  // namespace wb
