#pragma once
// The `workbench runs` subcommands, one file per group; runs_command.cc adds
// them under `runs`. The store path is the --store option of `runs` (which may
// follow the subcommand), so it is shared and read only when a callback runs.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "store/run_store.h"

namespace wb::cli {

using SharedStorePath = std::shared_ptr<std::string>;

// --experiment, --sweep, --status, --tag, --where (repeatable), --limit.
void add_run_filter_options(CLI::App& command, RunFilter& filter);

// Runs that must exist, in the order given; throws wb::Error naming the
// first id that is not in the store.
std::vector<RunDetails> find_runs_or_throw(const RunStore& store, const std::vector<int64_t>& ids);

void add_runs_compare_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code);
void add_runs_export_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code);
void add_runs_tag_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code);
void add_runs_delete_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code);
void add_runs_import_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code);

}  // namespace wb::cli
