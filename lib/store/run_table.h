#pragma once
// Runs laid out as a table, one row per run and one column per field:
// id, experiment, sweep, status, device, seed, started_at, ended_at, seconds,
// then params.*, scores.*, timings.* (each phase, then total) and inputs.*
// (the SHA-256 of each file the run read, by role). Both
// `workbench runs compare` (which shows it transposed) and `runs export` use it;
// the writers take any std::ostream, so every format is testable.
#include <ostream>
#include <string>
#include <vector>

#include "store/run_store.h"

namespace wb {

struct TableCell {
  enum class Kind { kMissing, kText, kNumber };
  Kind kind = Kind::kMissing;
  std::string text;   // as shown: the stored text, or the number formatted; "" when missing
  double number = 0;  // for kNumber; may be NaN
};

struct RunTable {
  std::vector<std::string> columns;
  std::vector<std::vector<TableCell>> rows;  // rows[run][column], in the order of the runs

  // Index of a column, or columns.size() when there is none.
  size_t column(const std::string& name) const;
  // Whether the runs disagree on a column; a missing value differs from any value.
  bool differs(size_t column) const;
};

// Params keep the order in which the runs recorded them; scores are sorted by
// key; timings add up the runs' time per phase, in the order phases ran.
RunTable build_run_table(const std::vector<RunDetails>& runs);

// The shortest text that reads back as the same double ("0.1", "128", "nan").
std::string format_number(double value);

// A stored param as a table wants it: the store keeps reals with 17 digits
// ("0.10000000000000001") so they read back exactly; this gives the shortest
// text of the same number ("0.1"). Integers and other text are unchanged.
std::string short_param_text(const std::string& text);

// RFC 4180: a header line, then one line per run; fields holding a comma,
// quote or line break are quoted, quotes doubled. Missing cells are empty.
void write_csv(const RunTable& table, std::ostream& out);

// An array with one object per run, keyed by column; numbers are JSON numbers
// (NaN and infinities, which JSON lacks, become null), missing cells null.
void write_json(const RunTable& table, std::ostream& out);

}  // namespace wb
