#include "store/run_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "core/quoted_string.h"

namespace wb {
namespace {

TableCell text_cell(const std::string& text) { return {TableCell::Kind::kText, text, 0}; }

TableCell number_cell(double value) {
  return {TableCell::Kind::kNumber, format_number(value), value};
}

// Exact, where a double would round ids and seeds above 2^53.
TableCell integer_cell(int64_t value) {
  return {TableCell::Kind::kNumber, std::to_string(value), static_cast<double>(value)};
}

// Stored params are text; those that read fully as a number are numbers, shown
// in the shortest text that reads back as the same number.
TableCell param_cell(const std::string& text) {
  if (text.empty()) return text_cell(text);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return text_cell(text);
  TableCell cell = number_cell(value);
  cell.text = short_param_text(text);
  return cell;
}

// Appends name to order unless it is there already.
void remember(std::vector<std::string>& order, const std::string& name) {
  if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
}

std::vector<std::pair<std::string, double>> phase_totals(const RunDetails& run) {
  std::vector<std::pair<std::string, double>> totals;
  for (const auto& [phase, seconds] : run.timings) {
    auto found = std::find_if(totals.begin(), totals.end(),
                              [&](const auto& total) { return total.first == phase; });
    if (found == totals.end()) {
      totals.emplace_back(phase, seconds);
    } else {
      found->second += seconds;
    }
  }
  return totals;
}

// One row's cells by column name; the table fills the gaps as missing.
std::map<std::string, TableCell> row_cells(const RunDetails& run) {
  const RunSummary& summary = run.summary;
  std::map<std::string, TableCell> cells;
  cells["id"] = integer_cell(summary.id);
  cells["experiment"] = text_cell(summary.experiment);
  if (!summary.sweep.empty()) cells["sweep"] = text_cell(summary.sweep);
  cells["status"] = text_cell(summary.status);
  cells["device"] = text_cell(summary.device);
  cells["seed"] = integer_cell(summary.seed);
  cells["started_at"] = text_cell(summary.started_at);
  if (!summary.ended_at.empty()) cells["ended_at"] = text_cell(summary.ended_at);
  if (summary.seconds >= 0) cells["seconds"] = number_cell(summary.seconds);
  for (const auto& [key, value] : run.params) cells["params." + key] = param_cell(value);
  for (const auto& [key, value] : summary.scores) cells["scores." + key] = number_cell(value);
  double total = 0;
  const auto phases = phase_totals(run);
  for (const auto& [phase, seconds] : phases) {
    cells["timings." + phase] = number_cell(seconds);
    total += seconds;
  }
  if (!phases.empty()) cells["timings.total"] = number_cell(total);
  for (const RunInput& input : run.inputs) cells["inputs." + input.role] = text_cell(input.sha256);
  return cells;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(const std::string& text) {
  size_t at = 0;
  auto digits = [&] {
    const size_t first = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    return at - first;
  };
  if (at < text.size() && text[at] == '-') ++at;
  const size_t integer_start = at;
  const size_t integer_digits = digits();
  if (integer_digits == 0 || (integer_digits > 1 && text[integer_start] == '0')) return false;
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (digits() == 0) return false;
  }
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    if (digits() == 0) return false;
  }
  return at == text.size();
}

std::string json_value(const TableCell& cell) {
  switch (cell.kind) {
    case TableCell::Kind::kMissing:
      return "null";
    case TableCell::Kind::kText:
      return double_quoted(cell.text);
    case TableCell::Kind::kNumber:
      // The text keeps a param as recorded and an integer exact.
      if (!std::isfinite(cell.number)) return "null";
      return is_json_number(cell.text) ? cell.text : format_number(cell.number);
  }
  return "null";
}

}  // namespace

size_t RunTable::column(const std::string& name) const {
  return static_cast<size_t>(std::find(columns.begin(), columns.end(), name) - columns.begin());
}

bool RunTable::differs(size_t column) const {
  for (const auto& row : rows) {
    const TableCell& first = rows.front()[column];
    if (row[column].kind != first.kind || row[column].text != first.text) return true;
  }
  return false;
}

RunTable build_run_table(const std::vector<RunDetails>& runs) {
  RunTable table;
  table.columns = {"id",   "experiment", "sweep",    "status", "device",
                   "seed", "started_at", "ended_at", "seconds"};
  std::vector<std::string> params;
  std::vector<std::string> scores;  // sorted below
  std::vector<std::string> phases;
  std::vector<std::string> inputs;
  for (const RunDetails& run : runs) {
    for (const RunInput& input : run.inputs) remember(inputs, "inputs." + input.role);
    for (const auto& [key, value] : run.params) remember(params, "params." + key);
    for (const auto& [key, value] : run.summary.scores) remember(scores, "scores." + key);
    for (const auto& [phase, seconds] : run.timings) remember(phases, "timings." + phase);
  }
  std::sort(scores.begin(), scores.end());
  // A phase named "total" would collide with the sum; the sum wins.
  phases.erase(std::remove(phases.begin(), phases.end(), "timings.total"), phases.end());
  if (!phases.empty()) phases.push_back("timings.total");
  for (const auto* group : {&params, &scores, &phases, &inputs}) {
    table.columns.insert(table.columns.end(), group->begin(), group->end());
  }
  for (const RunDetails& run : runs) {
    std::map<std::string, TableCell> cells = row_cells(run);
    std::vector<TableCell>& row = table.rows.emplace_back();
    for (const std::string& column : table.columns) row.push_back(cells[column]);
  }
  return table;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  return std::string(text, result.ptr);
}

std::string short_param_text(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || text.find_first_of(".eE") == std::string::npos) return text;
  return format_number(value);
}

void write_csv(const RunTable& table, std::ostream& out) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    out << (i == 0 ? "" : ",") << csv_field(table.columns[i]);
  }
  out << "\n";
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i) out << (i == 0 ? "" : ",") << csv_field(row[i].text);
    out << "\n";
  }
}

void write_json(const RunTable& table, std::ostream& out) {
  out << "[";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    out << (r == 0 ? "\n  {" : ",\n  {");
    for (size_t c = 0; c < table.columns.size(); ++c) {
      out << (c == 0 ? "" : ", ") << double_quoted(table.columns[c]) << ": "
          << json_value(table.rows[r][c]);
    }
    out << "}";
  }
  out << (table.rows.empty() ? "]\n" : "\n]\n");
}

}  // namespace wb
