// The run store and artifacts when the disk says no: a store directory that
// cannot be created, a read-only one, and a file size limit (what a full disk
// looks like to a process) hit first by the embeddings, then by the store
// itself. Each must fail with the path and the system's reason, exit non-zero,
// leave no half-written run or artifact, and keep the store sound.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "store/run_store.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::run_workbench;
namespace fs = std::filesystem;

namespace {

// 400 users and 100 items: 64-dimensional embeddings of about 128 KB per format.
const std::string kExperiment = R"([experiment]
name = "resources"
device = "cpu"
threads = 1
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 400
items = 100
categories = 5
[walk]
walks_per_node = 2
walk_length = 10
[train]
trainer = "fused"
dimension = 64
window = 2
[eval]
task = "none"
[export]
formats = ["npy", "pt"]
)";

// /bin/sh counts `ulimit -f` in 512-byte blocks; with SIGXFSZ ignored, a write
// past the limit fails with EFBIG ("File too large"), as one fails with ENOSPC
// on a full disk.
std::string file_size_limit(int64_t bytes) {
  return "trap '' XFSZ; ulimit -f " + std::to_string(bytes / 512) + ";";
}

void require_no_temporary_files(const fs::path& root) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    INFO(entry.path());
    REQUIRE(entry.path().extension() != ".tmp");
  }
}

}  // namespace

TEST_CASE("a store directory that cannot be created is named with the reason",
          "[bad-input][resources]") {
  test::TempDir dir;
  const auto experiment = dir.write("exp.toml", kExperiment);
  dir.write("runs", "a file where the runs directory should be\n");
  const auto result = run_workbench("run " + experiment + " --store " + dir.file("runs/wb.db"));
  INFO(result.output);
  REQUIRE(result.exit_code == 1);
  REQUIRE_THAT(result.output, Contains("runs/wb.db: cannot create the run store's directory"));
  REQUIRE_THAT(result.output, Contains("Not a directory"));
}

TEST_CASE("a read-only runs directory is refused with the store's path", "[bad-input][resources]") {
  if (geteuid() == 0) {
    // Permissions do not bind root; the file size limit cases below still run.
    WARN("skipped: running as root");
    return;
  }
  test::TempDir dir;
  const auto experiment = dir.write("exp.toml", kExperiment);
  fs::create_directories(dir.path() / "runs");
  fs::permissions(dir.path() / "runs", fs::perms::owner_read | fs::perms::owner_exec);
  const auto result = run_workbench("run " + experiment + " --store " + dir.file("runs/wb.db"));
  fs::permissions(dir.path() / "runs", fs::perms::owner_all);
  INFO(result.output);
  REQUIRE(result.exit_code == 1);
  REQUIRE_THAT(result.output, Contains("runs/wb.db"));
  REQUIRE_FALSE(fs::exists(dir.path() / "runs" / "wb.db"));
}

TEST_CASE("a full disk fails the run cleanly and keeps the store sound", "[bad-input][resources]") {
  test::TempDir dir;
  const auto experiment = dir.write("exp.toml", kExperiment);
  const std::string store = dir.file("runs/wb.db");
  const std::string run = "run " + experiment + " --store " + store + " -q";
  const auto first = run_workbench(run);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const auto store_bytes = static_cast<int64_t>(fs::file_size(store));

  SECTION("the embeddings do not fit") {
    // Room for the store's pages and log, not for a 128 KB embeddings file.
    const auto result = run_workbench(run, file_size_limit(100 << 10));
    INFO(result.output);
    REQUIRE(result.exit_code == 1);
    REQUIRE_THAT(result.output, Contains("cannot write "));
    REQUIRE_THAT(result.output, Contains("embeddings.npy: File too large"));
    RunStore runs(store);
    const auto listed = runs.list_runs();
    REQUIRE(listed.size() == 2);
    REQUIRE(listed[0].status == "failed");
    const auto failed = runs.find_run(listed[0].id);
    REQUIRE_THAT(failed->message, Contains("File too large"));
    REQUIRE(failed->artifacts.empty());
    REQUIRE_FALSE(fs::exists(dir.path() / "runs" / "artifacts" / "run-2"));
    REQUIRE(runs.find_run(listed[1].id)->artifacts.size() == 4);
  }
  SECTION("the store cannot grow") {
    // Smaller than the store file: its log cannot be written at all.
    const auto result = run_workbench(run, file_size_limit(store_bytes / 4));
    INFO(result.output);
    REQUIRE(result.exit_code != 0);
    REQUIRE_THAT(result.output, Contains("runs/wb.db"));
    REQUIRE_THAT(result.output, Contains("File too large"));
    const auto listed = RunStore(store).list_runs();
    for (const auto& row : listed) REQUIRE(row.status != "running");
    REQUIRE(listed.back().status == "finished");
  }
  require_no_temporary_files(dir.path());
  REQUIRE(test::integrity_check(store) == "ok");
}
