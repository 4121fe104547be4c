// `workbench runs compare ID ID...`: runs side by side, showing only the
// parameters that differ, then scores, timings, the data each read (by
// content) and where each ran.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.h"
#include "runs_subcommands.h"
#include "store/run_table.h"

namespace wb::cli {
namespace {

const std::string kParamsPrefix = "params.";
const std::string kInputsPrefix = "inputs.";

// One printed line: a section title (no values) or a field across the runs.
struct Line {
  std::string label;
  std::vector<std::string> values;
  bool is_title = false;
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::string shown(const TableCell& cell, const char* number_format) {
  if (cell.kind == TableCell::Kind::kMissing) return "-";
  if (cell.kind == TableCell::Kind::kText || number_format == nullptr) return cell.text;
  char text[48];
  // Counts and rates (92295 edges, 3699095 pairs/s) read better without four
  // decimals; below ten a whole number is more likely a score (an AUC of 1)
  // shown beside others' decimals.
  const double size = std::abs(cell.number);
  const bool whole = std::isfinite(cell.number) &&
                     (size >= 1000 || (size >= 10 && cell.number == std::floor(cell.number)));
  std::snprintf(text, sizeof(text), whole ? "%.0f" : number_format, cell.number);
  return text;
}

Line field_line(const RunTable& table, size_t column, const std::string& label,
                const char* number_format) {
  Line line{label, {}, false};
  for (const auto& row : table.rows) line.values.push_back(shown(row[column], number_format));
  return line;
}

// The columns whose name starts with prefix, in table order.
std::vector<size_t> columns_with(const RunTable& table, const std::string& prefix) {
  std::vector<size_t> found;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (starts_with(table.columns[i], prefix)) found.push_back(i);
  }
  return found;
}

void add_section(std::vector<Line>& lines, const RunTable& table, const std::string& title,
                 const std::vector<size_t>& columns, const std::string& prefix,
                 const char* number_format) {
  lines.push_back({title, {}, true});
  for (size_t column : columns) {
    lines.push_back(
        field_line(table, column, table.columns[column].substr(prefix.size()), number_format));
  }
}

// Whether the runs that read a file of this role read different ones, and
// whether some runs read none.
struct InputAgreement {
  bool differs = false;
  bool missing_somewhere = false;
};

InputAgreement agreement_of(const RunTable& table, size_t column) {
  InputAgreement agreement;
  const TableCell* first_present = nullptr;
  for (const auto& row : table.rows) {
    const TableCell& cell = row[column];
    if (cell.kind == TableCell::Kind::kMissing) {
      agreement.missing_somewhere = true;
    } else if (first_present == nullptr) {
      first_present = &cell;
    } else if (cell.text != first_present->text) {
      agreement.differs = true;
    }
  }
  return agreement;
}

// The first 12 digits of each SHA-256 tell files apart; the title says
// whether the runs read the same data.
void add_input_section(std::vector<Line>& lines, const RunTable& table) {
  const std::vector<size_t> inputs = columns_with(table, kInputsPrefix);
  if (inputs.empty()) return;
  bool differ = false;
  bool partial = false;
  std::vector<Line> rows;
  for (size_t column : inputs) {
    Line line =
        field_line(table, column, table.columns[column].substr(kInputsPrefix.size()), nullptr);
    for (std::string& value : line.values) {
      if (value.size() > 12) value.resize(12);
    }
    const InputAgreement agreement = agreement_of(table, column);
    if (agreement.differs) line.label += " (differs)";
    if (agreement.missing_somewhere) line.label += " (not read by all)";
    differ = differ || agreement.differs;
    partial = partial || agreement.missing_somewhere;
    rows.push_back(line);
  }
  const char* title = differ    ? "inputs (sha256; the runs read DIFFERENT data)"
                      : partial ? "inputs (sha256; files read by several runs are the same)"
                                : "inputs (sha256; the same files)";
  lines.push_back({title, {}, true});
  lines.insert(lines.end(), rows.begin(), rows.end());
}

std::vector<Line> comparison_lines(const RunTable& table, const std::vector<int64_t>& ids) {
  std::vector<Line> lines;
  Line header{"", {}, false};
  for (int64_t id : ids) header.values.push_back("run " + std::to_string(id));
  lines.push_back(header);

  const std::vector<size_t> params = columns_with(table, kParamsPrefix);
  std::vector<size_t> differing;
  std::copy_if(params.begin(), params.end(), std::back_inserter(differing),
               [&](size_t column) { return table.differs(column); });
  add_section(lines, table,
              "params (" + std::to_string(differing.size()) + " differ, " +
                  std::to_string(params.size() - differing.size()) + " equal and not shown)",
              differing, kParamsPrefix, nullptr);
  add_section(lines, table, "scores", columns_with(table, "scores."), "scores.", "%.4f");
  add_section(lines, table, "timings (s)", columns_with(table, "timings."), "timings.", "%.3f");
  add_input_section(lines, table);
  lines.push_back({"run", {}, true});
  for (const char* field : {"experiment", "sweep", "status", "device", "seed"}) {
    lines.push_back(field_line(table, table.column(field), field, nullptr));
  }
  return lines;
}

void print_lines(const std::vector<Line>& lines) {
  size_t label_width = 0;
  size_t value_width = 0;
  for (const Line& line : lines) {
    if (line.is_title) continue;
    label_width = std::max(label_width, line.label.size());
    for (const std::string& value : line.values) value_width = std::max(value_width, value.size());
  }
  for (const Line& line : lines) {
    if (line.is_title) {
      std::printf("\n%s\n", line.label.c_str());
      continue;
    }
    std::string text = "  " + line.label + std::string(label_width - line.label.size(), ' ');
    for (const std::string& value : line.values) {
      text += "  " + value + std::string(value_width - value.size(), ' ');
    }
    text.erase(text.find_last_not_of(' ') + 1);
    std::printf("%s\n", text.c_str());
  }
}

int compare_runs(const std::string& store_path, const std::vector<int64_t>& ids) {
  if (ids.size() < 2) throw Error("runs compare needs at least two run ids");
  RunStore store(store_path);
  store.reap_dead_runs();
  const RunTable table = build_run_table(find_runs_or_throw(store, ids));
  print_lines(comparison_lines(table, ids));
  return 0;
}

}  // namespace

void add_runs_compare_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code) {
  auto ids = std::make_shared<std::vector<int64_t>>();
  auto* compare = runs.add_subcommand("compare",
                                      "Runs side by side: differing params, scores, "
                                      "timings");
  compare->fallthrough();  // --store may follow the subcommand
  compare->add_option("ids", *ids, "Two or more run ids")->required();
  compare->callback([ids, store_path, &exit_code] { exit_code = compare_runs(*store_path, *ids); });
}

}  // namespace wb::cli
