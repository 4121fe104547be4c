#include "report/report_files.h"

#include <filesystem>
#include <system_error>

#include "core/errors.h"
#include "io/atomic_file.h"
#include "report/html_document.h"
#include "report/markdown_document.h"

namespace wb {

ReportPaths write_report_files(const std::string& directory, const std::string& title,
                               const std::function<void(ReportDocument&)>& build) {
  HtmlDocument html(title);
  build(html);
  MarkdownDocument markdown(title, kReportHtmlName);
  build(markdown);
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    throw Error("cannot create the report directory " + directory + ": " + error.message());
  }
  ReportPaths paths;
  paths.html = (std::filesystem::path(directory) / kReportHtmlName).string();
  paths.markdown = (std::filesystem::path(directory) / kReportMarkdownName).string();
  write_text_atomically(paths.html, html.str());
  write_text_atomically(paths.markdown, markdown.str());
  return paths;
}

}  // namespace wb
