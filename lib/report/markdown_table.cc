#include "report/markdown_table.h"

#include <algorithm>

namespace wb {
namespace {

std::string markdown_cell(const std::string& text) {
  std::string cell;
  for (char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n' || c == '\r') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

// Characters as seen on screen: UTF-8 continuation bytes do not count, so
// "±" pads like one character.
size_t display_width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string padded(const std::string& text, size_t width, Align align) {
  const std::string padding(width - std::min(width, display_width(text)), ' ');
  return align == Align::kRight ? padding + text : text + padding;
}

}  // namespace

std::string markdown_table(const ReportTable& table) {
  const size_t columns = table.header.size();
  std::vector<std::vector<std::string>> cells;
  cells.reserve(table.rows.size() + 1);
  cells.push_back(table.header);
  cells.insert(cells.end(), table.rows.begin(), table.rows.end());
  std::vector<size_t> widths(columns, 3);  // "---" is the narrowest separator
  for (auto& row : cells) {
    row.resize(columns);
    for (size_t c = 0; c < columns; ++c) {
      row[c] = markdown_cell(row[c]);
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  const auto line = [&](const std::vector<std::string>& row) {
    std::string text = "|";
    for (size_t c = 0; c < columns; ++c) {
      text += " " + padded(row[c], widths[c], table.alignment(c)) + " |";
    }
    return text + "\n";
  };
  std::string text = line(cells.front());
  text += "|";
  for (size_t c = 0; c < columns; ++c) {
    text += table.alignment(c) == Align::kRight ? " " + std::string(widths[c] - 1, '-') + ": |"
                                                : " " + std::string(widths[c], '-') + " |";
  }
  text += "\n";
  for (size_t r = 1; r < cells.size(); ++r) text += line(cells[r]);
  return text;
}

}  // namespace wb
