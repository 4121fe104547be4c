// workbench: node2vec embeddings on CPU and GPU, with every run recorded.
#include <cstdio>
#include <string>

#include "commands.h"
#include "core/errors.h"

int main(int argc, char** argv) {
  CLI::App app{"workbench: node2vec embeddings on CPU and GPU, with every run recorded"};
  app.require_subcommand(1);
  int exit_code = 0;
  std::string command_line = "workbench";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  wb::cli::add_run_command(app, exit_code, command_line);
  wb::cli::add_runs_command(app, exit_code);
  wb::cli::add_doctor_command(app, exit_code);
  wb::cli::add_gen_command(app, exit_code);
  wb::cli::add_report_command(app, exit_code, command_line);
  wb::cli::add_sweep_command(app, exit_code, command_line);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const wb::Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return exit_code;
}
