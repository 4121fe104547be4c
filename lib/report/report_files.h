#pragma once
// A report on disk: report.html (self-contained, with charts) and report.md
// (the same tables) in one directory, both built by one function so they
// cannot drift apart.
#include <functional>
#include <string>

#include "report/report_document.h"

namespace wb {

struct ReportPaths {
  std::string html;
  std::string markdown;
};

inline constexpr const char* kReportHtmlName = "report.html";
inline constexpr const char* kReportMarkdownName = "report.md";

// Calls `build` once for each format, then writes both files atomically into
// `directory` (created if missing). Throws wb::Error naming the path on failure.
ReportPaths write_report_files(const std::string& directory, const std::string& title,
                               const std::function<void(ReportDocument&)>& build);

}  // namespace wb
