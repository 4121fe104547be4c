#include "report/html_document.h"

#include "report/svg_canvas.h"

namespace wb {
namespace {

// System fonts only: a web font would be a request to the network.
const char* const kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1200px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #d0d0d0; padding: .25rem .6rem; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td:first-child { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.notes { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5rem 1rem .5rem 2rem; }
figure { margin: .6rem 0 1.2rem; }
figcaption { font-size: .85rem; color: #555; }
)";

}  // namespace

HtmlDocument::HtmlDocument(const std::string& title) : title_(title) {
  body_ += "<h1>" + xml_escape(title) + "</h1>\n";
}

void HtmlDocument::heading(const std::string& text) {
  body_ += "<h2>" + xml_escape(text) + "</h2>\n";
}

void HtmlDocument::paragraph(const std::string& text) {
  body_ += "<p>" + xml_escape(text) + "</p>\n";
}

void HtmlDocument::notes(const std::vector<std::string>& items) {
  if (items.empty()) return;
  body_ += "<ul class=\"notes\">\n";
  for (const auto& item : items) body_ += "<li>" + xml_escape(item) + "</li>\n";
  body_ += "</ul>\n";
}

void HtmlDocument::table(const ReportTable& table) {
  // Wide tables scroll inside their own box instead of widening the page.
  body_ += "<div class=\"table-wrap\"><table>\n<thead><tr>";
  for (const auto& cell : table.header) body_ += "<th>" + xml_escape(cell) + "</th>";
  body_ += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    body_ += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      body_ += table.alignment(c) == Align::kRight ? "<td class=\"num\">" : "<td>";
      body_ += xml_escape(row[c]) + "</td>";
    }
    body_ += "</tr>\n";
  }
  body_ += "</tbody>\n</table></div>\n";
}

void HtmlDocument::chart(const std::string& svg, const std::string& caption) {
  body_ +=
      "<figure>\n" + svg + "\n<figcaption>" + xml_escape(caption) + "</figcaption>\n</figure>\n";
}

std::string HtmlDocument::str() const {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         xml_escape(title_) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body_ +
         "</body>\n</html>\n";
}

}  // namespace wb
