#pragma once
// Each subcommand adds itself to the CLI11 app; its callback stores the exit
// code. The commands only parse arguments, call the library and print.
#include <CLI/CLI.hpp>
#include <string>

namespace wb::cli {

void add_run_command(CLI::App& app, int& exit_code, const std::string& command_line);
void add_runs_command(CLI::App& app, int& exit_code);
void add_doctor_command(CLI::App& app, int& exit_code);
void add_gen_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code, const std::string& command_line);
void add_sweep_command(CLI::App& app, int& exit_code, const std::string& command_line);

// The run store used when --store is not given.
inline constexpr const char* kDefaultStorePath = "runs/workbench.db";

}  // namespace wb::cli
