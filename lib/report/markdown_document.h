#pragma once
// The Markdown version of a report: the same headings, notes and tables as the
// HTML page; charts are replaced by their captions and a pointer to the page.
#include <string>

#include "report/report_document.h"

namespace wb {

class MarkdownDocument : public ReportDocument {
 public:
  // `html_name` is the file the charts are in, e.g. "report.html".
  MarkdownDocument(const std::string& title, const std::string& html_name);

  void heading(const std::string& text) override;
  void paragraph(const std::string& text) override;
  void notes(const std::vector<std::string>& items) override;
  void table(const ReportTable& table) override;
  void chart(const std::string& svg, const std::string& caption) override;
  std::string str() const override { return text_; }

 private:
  std::string html_name_;
  std::string text_;
};

}  // namespace wb
