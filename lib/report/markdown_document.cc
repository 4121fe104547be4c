#include "report/markdown_document.h"

#include "report/markdown_table.h"

namespace wb {

MarkdownDocument::MarkdownDocument(const std::string& title, const std::string& html_name)
    : html_name_(html_name), text_("# " + title + "\n") {}

void MarkdownDocument::heading(const std::string& text) { text_ += "\n## " + text + "\n"; }

void MarkdownDocument::paragraph(const std::string& text) { text_ += "\n" + text + "\n"; }

void MarkdownDocument::notes(const std::vector<std::string>& items) {
  if (items.empty()) return;
  text_ += "\n";
  for (const auto& item : items) text_ += "> - " + item + "\n";
}

void MarkdownDocument::table(const ReportTable& table) { text_ += "\n" + markdown_table(table); }

void MarkdownDocument::chart(const std::string& /*svg*/, const std::string& caption) {
  text_ += "\n*Chart in " + html_name_ + ": " + caption + "*\n";
}

}  // namespace wb
