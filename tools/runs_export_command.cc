// `workbench runs export --format csv|json`: one row per run, for pandas,
// spreadsheets or jq.
#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "io/atomic_file.h"
#include "runs_subcommands.h"
#include "store/run_table.h"

namespace wb::cli {
namespace {

struct ExportArgs {
  RunFilter filter;
  std::string format;
  std::string output;  // "" or "-": standard output
};

int export_runs(const std::string& store_path, const ExportArgs& args) {
  RunStore store(store_path);
  store.reap_dead_runs();
  std::vector<int64_t> ids;
  for (const RunSummary& run : store.list_runs(args.filter)) ids.push_back(run.id);
  // Oldest first reads as a history; the filter's limit has already kept the newest.
  std::sort(ids.begin(), ids.end());
  const RunTable table = build_run_table(find_runs_or_throw(store, ids));
  std::ostringstream text;
  if (args.format == "csv") {
    write_csv(table, text);
  } else {
    write_json(table, text);
  }
  if (args.output.empty() || args.output == "-") {
    std::cout << text.str() << std::flush;
  } else {
    write_text_atomically(args.output, text.str());
    std::cerr << "wrote " << table.rows.size() << " runs to " << args.output << "\n";
  }
  return 0;
}

}  // namespace

void add_runs_export_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code) {
  auto args = std::make_shared<ExportArgs>();
  auto* command = runs.add_subcommand("export", "One row per run as CSV or JSON");
  command->fallthrough();  // --store may follow the subcommand
  command->add_option("--format", args->format, "csv or json")
      ->required()
      ->check(CLI::IsMember({"csv", "json"}));
  command->add_option("-o,--output", args->output, "File to write (default: standard output)");
  add_run_filter_options(*command, args->filter);
  command->callback(
      [args, store_path, &exit_code] { exit_code = export_runs(*store_path, *args); });
}

}  // namespace wb::cli
