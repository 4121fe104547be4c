#pragma once
// A self-contained HTML page: inline CSS, inline SVG charts, no scripts, no
// fonts or anything else fetched from the network, so the file can be mailed,
// archived or opened offline and looks the same.
#include <string>

#include "report/report_document.h"

namespace wb {

class HtmlDocument : public ReportDocument {
 public:
  // `title` is both the page title and its top heading.
  explicit HtmlDocument(const std::string& title);

  void heading(const std::string& text) override;
  void paragraph(const std::string& text) override;
  void notes(const std::vector<std::string>& items) override;
  void table(const ReportTable& table) override;
  void chart(const std::string& svg, const std::string& caption) override;
  std::string str() const override;

 private:
  std::string title_;
  std::string body_;
};

}  // namespace wb
