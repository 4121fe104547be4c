// `workbench runs tag`, `delete` and `import`: the commands that change what
// the store holds about past runs.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "core/errors.h"
#include "runs_subcommands.h"
#include "store/run_store.h"

namespace wb::cli {
namespace {

namespace fs = std::filesystem;

struct TagArgs {
  int64_t run_id = 0;
  std::string tag;
  bool remove = false;
};

struct DeleteArgs {
  std::vector<int64_t> run_ids;
  bool yes = false;
};

struct ImportArgs {
  std::string source;
  std::vector<int64_t> run_ids;
};

int tag_run(const std::string& store_path, const TagArgs& args) {
  RunStore store(store_path);
  if (args.remove) {
    store.remove_tag(args.run_id, args.tag);
  } else {
    store.add_tag(args.run_id, args.tag);
  }
  std::string tags;
  for (const std::string& tag : store.tags(args.run_id)) tags += (tags.empty() ? "" : ", ") + tag;
  std::printf("run %lld tags: %s\n", static_cast<long long>(args.run_id),
              tags.empty() ? "(none)" : tags.c_str());
  return 0;
}

// Where `workbench run` puts a run's files next to this store. Only this
// directory is removed: a run exported elsewhere keeps its files.
fs::path artifact_directory(const RunStore& store, int64_t run_id) {
  return fs::path(artifact_root_of(store.path())) / ("run-" + std::to_string(run_id));
}

int delete_runs(const std::string& store_path, const DeleteArgs& args) {
  RunStore store(store_path);
  store.reap_dead_runs();
  const std::vector<RunDetails> runs = find_runs_or_throw(store, args.run_ids);
  for (const RunDetails& run : runs) {
    // Its job would keep writing to rows that no longer exist.
    if (run.summary.status == "running") {
      throw Error("run " + std::to_string(run.summary.id) +
                  " is still running; stop it before deleting it");
    }
  }
  for (const RunDetails& run : runs) {
    const fs::path directory = artifact_directory(store, run.summary.id);
    const std::string files = fs::exists(directory) ? "  and " + directory.string() : "";
    std::printf("run %lld  %s  %s  %s%s\n", static_cast<long long>(run.summary.id),
                run.summary.experiment.c_str(), run.summary.status.c_str(),
                run.summary.started_at.c_str(), files.c_str());
  }
  if (!args.yes) {
    std::fprintf(stderr, "would delete %zu run(s); pass --yes to delete them\n", runs.size());
    return 1;
  }
  const int deleted = store.delete_runs(args.run_ids);
  for (const RunDetails& run : runs) {
    std::error_code error;
    fs::remove_all(artifact_directory(store, run.summary.id), error);
    if (error) {
      std::fprintf(stderr, "could not remove %s: %s\n",
                   artifact_directory(store, run.summary.id).string().c_str(),
                   error.message().c_str());
    }
  }
  std::printf("deleted %d run(s)\n", deleted);
  return 0;
}

int import_runs(const std::string& store_path, const ImportArgs& args) {
  RunStore store(store_path);
  const ImportResult result = store.import_runs(args.source, args.run_ids);
  for (const auto& [source_id, id] : result.imported) {
    std::printf("run %lld of %s is run %lld here\n", static_cast<long long>(source_id),
                args.source.c_str(), static_cast<long long>(id));
  }
  std::printf("imported %zu run(s) into %s", result.imported.size(), store_path.c_str());
  if (result.already_here > 0) std::printf("; %d imported before", result.already_here);
  if (result.still_running > 0) {
    std::printf("; %d still running, skipped (import again once they end)", result.still_running);
  }
  std::printf("\n");
  return 0;
}

}  // namespace

void add_runs_tag_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code) {
  auto args = std::make_shared<TagArgs>();
  auto* command = runs.add_subcommand("tag", "Add a tag to a run (or --remove it)");
  command->fallthrough();  // --store may follow the subcommand
  command->add_option("id", args->run_id, "Run id")->required();
  command->add_option("tag", args->tag, "Tag")->required();
  command->add_flag("--remove", args->remove, "Remove the tag instead");
  command->callback([args, store_path, &exit_code] { exit_code = tag_run(*store_path, *args); });
}

void add_runs_delete_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code) {
  auto args = std::make_shared<DeleteArgs>();
  auto* command = runs.add_subcommand(
      "delete", "Delete runs with everything recorded about them and their artifacts");
  command->fallthrough();
  command->add_option("ids", args->run_ids, "Run ids")->required();
  command->add_flag("--yes", args->yes, "Delete; without it, only show what would be deleted");
  command->callback(
      [args, store_path, &exit_code] { exit_code = delete_runs(*store_path, *args); });
}

void add_runs_import_command(CLI::App& runs, const SharedStorePath& store_path, int& exit_code) {
  auto args = std::make_shared<ImportArgs>();
  auto* command = runs.add_subcommand(
      "import", "Copy the runs of another store (e.g. from a GPU machine) into this one");
  command->fallthrough();
  command->add_option("source", args->source, "The other store (read only)")->required();
  command->add_option("--run", args->run_ids, "Only these run ids of the source (repeatable)");
  command->callback(
      [args, store_path, &exit_code] { exit_code = import_runs(*store_path, *args); });
}

}  // namespace wb::cli
