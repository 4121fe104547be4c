// Walk corpora larger than walk.max_memory_gb live in a mapped file.
#include "walk/walk_storage.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "config/experiment_config.h"
#include "core/errors.h"
#include "core/memory_size.h"
#include "memory_recorder.h"
#include "run/pipeline.h"
#include "test_support.h"
#include "train/sgns_schedule.h"
#include "train/subsampling.h"
#include "train/trainer.h"
#include "walk/walk_sampler.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

// A folder on a disk for the spilled walks: the temp dir, or, where that is a
// tmpfs (which the plan refuses), one under the tests' working directory.
class SpillDir {
 public:
  SpillDir() {
    path_ = is_memory_file_system(temp_.path().string())
                ? std::filesystem::absolute("spill-test-" + std::to_string(getpid()))
                : temp_.path() / "spill";
    std::filesystem::create_directories(path_);
  }
  ~SpillDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  bool empty() const { return std::filesystem::is_empty(path_); }

 private:
  test::TempDir temp_;
  std::filesystem::path path_;
};

Graph ring_with_chords() {
  std::vector<std::pair<int, int>> edges;
  for (int i = 0; i < 200; ++i) {
    edges.push_back({i, (i + 1) % 200});
    edges.push_back({i, (i * 7 + 3) % 200});
  }
  return test::make_graph(200, edges);
}

}  // namespace

TEST_CASE("walks over the memory limit go to a mapped file and are the same walks", "[walk]") {
  const Graph graph = ring_with_chords();
  SpillDir spill;
  auto sampler = make_walk_sampler("node2vec-rejection");
  WalkOptions options;
  options.walks_per_node = 4;
  options.walk_length = 30;
  options.p = 0.5;
  options.q = 2;
  options.threads = 2;
  const Walks in_memory = generate_walks(*sampler, graph, options, {});
  REQUIRE_FALSE(in_memory.in_file());

  options.max_memory_gb = 16.0 / kGiB;  // 16 bytes: 96,000 bytes of walks do not fit
  options.spill_directory = spill.path();
  const WalkStoragePlan plan = plan_walk_storage(options, graph.num_nodes());
  REQUIRE(plan.in_file());
  REQUIRE(plan.bytes == 200 * 4 * 30 * 4);
  REQUIRE(plan.spill_directory == spill.path());

  Walks in_file = generate_walks(*sampler, graph, options, {});
  REQUIRE(in_file.in_file());
  REQUIRE(in_file.nodes == in_memory.nodes);
  // Unlinked at once: a crash leaves no file behind.
  REQUIRE(spill.empty());

  // The sub-sampler's per-epoch copy of the corpus goes to a file too.
  const NodeSubsampler subsampler(in_file, graph.num_nodes(), 1e-2);
  const Walks filtered = subsampler.filtered(in_file, 7, 0);
  REQUIRE(filtered.in_file());
  REQUIRE(filtered.nodes == subsampler.filtered(in_memory, 7, 0).nodes);

  // Copies and moves keep the file storage; freeing it unmaps.
  const Walks copy = in_file;
  REQUIRE(copy.in_file());
  REQUIRE(copy.nodes == in_memory.nodes);
  in_file = Walks{};
  REQUIRE_FALSE(in_file.in_file());
}

TEST_CASE("the walk storage plan keeps walks in memory up to half the RAM by default", "[walk]") {
  WalkOptions options;
  const WalkStoragePlan plan = plan_walk_storage(options, 1000);
  REQUIRE_FALSE(plan.in_file());
  REQUIRE(plan.bytes == 1000.0 * 10 * 80 * 4);
  REQUIRE(plan.limit_bytes == Approx(0.5 * usable_memory_bytes()));
  REQUIRE(plan.storage().get_allocator().policy() == nullptr);
}

TEST_CASE("the usable memory is the lowest cgroup limit on the process's path", "[walk]") {
  test::TempDir dir;
  const auto write = [](const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text << "\n";
  };
  const std::filesystem::path mount = dir.path() / "cgroup";
  const std::string cgroups = (dir.path() / "cgroups").string();
  const double ram = physical_memory_bytes();

  // v2: a parent's limit binds its children; "max" is none.
  write(cgroups, "0::/slurm/job7/step0");
  write(mount / "slurm/memory.max", "max");
  write(mount / "slurm/job7/memory.max", "3000000000");
  write(mount / "slurm/job7/step0/memory.max", "max");
  REQUIRE(usable_memory_bytes(cgroups, mount.string()) == std::min(ram, 3e9));

  // v1: the memory controller's own hierarchy; other controllers are ignored,
  // and v1's "unlimited" is a number larger than any RAM.
  write(cgroups, "7:cpu,cpuacct:/job\n4:memory:/job\n0::/");
  write(mount / "memory/job/memory.limit_in_bytes", "1258291200");
  write(mount / "memory/memory.limit_in_bytes", "9223372036854771712");
  write(mount / "cpu,cpuacct/job/memory.limit_in_bytes", "1000");
  REQUIRE(usable_memory_bytes(cgroups, mount.string()) == std::min(ram, 1258291200.0));

  // A container that sees the host's path but has its own cgroup mounted as
  // the root: the missing path is skipped, the root's limit counts.
  write(cgroups, "0::/docker/abc123");
  write(mount / "memory.max", "2000000000");
  REQUIRE(usable_memory_bytes(cgroups, mount.string()) == std::min(ram, 2e9));

  // No cgroup file at all (not Linux's layout): the RAM.
  REQUIRE(usable_memory_bytes((dir.path() / "none").string(), mount.string()) == ram);
  REQUIRE(usable_memory_bytes() <= ram);
  REQUIRE(usable_memory_bytes() > 0);
}

TEST_CASE("a CPU run whose tables and walks will not fit is refused before the walks", "[train]") {
  // 1M nodes x 128: two tables of 512 MiB each.
  const double tables = 2.0 * 1e6 * 128 * 4;
  REQUIRE_NOTHROW(check_host_table_memory(1000000, 128, 0, tables));
  REQUIRE_NOTHROW(check_host_table_memory(1000000, 128, 1e9, tables + 1e9));
  REQUIRE_THROWS_AS(check_host_table_memory(1000000, 128, 0, tables - 1), ResourceError);
  REQUIRE_THROWS_WITH(check_host_table_memory(1000000, 128, 0, 0.5 * kGiB),
                      Contains("train.dimension") && Contains("0.95 GiB") && Contains("0.50 GiB") &&
                          !Contains("walk.max_memory_gb"));
  // Walks kept in memory push it over: the message offers the file as well.
  REQUIRE_THROWS_WITH(check_host_table_memory(1000000, 128, 1e9, tables + 1e8),
                      Contains("train.dimension") && Contains("walk.max_memory_gb"));
}

TEST_CASE("the walk storage plan refuses a spill folder that cannot take the walks", "[walk]") {
  WalkOptions options;
  options.max_memory_gb = 1.0 / kGiB;
  SpillDir spill;
  options.spill_directory = spill.path() + "/missing";
  REQUIRE_THROWS_AS(plan_walk_storage(options, 100), ResourceError);
  REQUIRE_THROWS_WITH(plan_walk_storage(options, 100),
                      Contains("walk.spill_directory") && Contains("not a folder"));

  // 2^40 nodes: 3.5e15 bytes of walks, more than any disk here has free.
  options.spill_directory = spill.path();
  REQUIRE_THROWS_WITH(
      plan_walk_storage(options, int64_t{1} << 40),
      Contains("walk.spill_directory") && Contains("free") && Contains("walk.walks_per_node"));

  if (std::filesystem::is_directory("/dev/shm") && is_memory_file_system("/dev/shm")) {
    options.spill_directory = "/dev/shm";
    REQUIRE_THROWS_WITH(plan_walk_storage(options, 100), Contains("tmpfs"));
  }
}

TEST_CASE("a corpus in a file is visited in blocks, each walk once", "[walk][train]") {
  // block_walks = 1 is the in-memory order.
  const WalkPermutation plain = make_walk_permutation(1000, 42, 3);
  const BlockedWalkOrder unblocked(1000, 1, 42, 3);
  for (int64_t slot = 0; slot < 1000; ++slot) REQUIRE(unblocked(slot) == plain(slot));

  for (const auto& [walks, block] : std::vector<std::pair<int64_t, int64_t>>{
           {1000, 64}, {1024, 64}, {50, 64}, {64, 64}, {1, 8}, {997, 10}}) {
    INFO(walks << " walks in blocks of " << block);
    const BlockedWalkOrder order(walks, block, 42, 3);
    std::vector<int> seen(static_cast<size_t>(walks), 0);
    for (int64_t slot = 0; slot < walks; ++slot) {
      const int64_t walk = order(slot);
      REQUIRE(walk >= 0);
      REQUIRE(walk < walks);
      ++seen[static_cast<size_t>(walk)];
      // A block's slots stay in one block of walks: the file is read in runs.
      const int64_t full = walks / block * block;
      if (slot < full) {
        REQUIRE(walk / block == order(slot / block * block) / block);
      } else {
        REQUIRE(walk >= full);
      }
    }
    REQUIRE(std::count(seen.begin(), seen.end(), 1) == walks);
  }
  // Blocks come in a shuffled order, not in file order.
  const BlockedWalkOrder order(1024, 64, 42, 3);
  int in_file_order = 0;
  for (int64_t block = 1; block < 16; ++block) {
    in_file_order += order(block * 64) / 64 == order((block - 1) * 64) / 64 + 1;
  }
  REQUIRE(in_file_order == 0);
}

TEST_CASE("an epoch's walk order is neither the file order nor its reverse", "[train]") {
  for (const int64_t walks : {7, 8, 16, 30, 1000, 4096}) {
    for (uint64_t seed = 0; seed < 50; ++seed) {
      const WalkPermutation order = make_walk_permutation(walks, seed, 0);
      INFO(walks << " walks, seed " << seed);
      REQUIRE(order.multiplier != 1);
      REQUIRE(order.multiplier != static_cast<uint64_t>(walks - 1));
    }
  }
}

TEST_CASE("a run whose walks go to a file scores as one that keeps them in memory",
          "[pipeline][walk]") {
  SpillDir spill;
  const std::string text = R"(
[experiment]
device = "cpu"
threads = 2
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 300
items = 80
categories = 4
[walk]
walks_per_node = 4
walk_length = 10
[train]
dimension = 16
[eval]
operators = ["hadamard"]
heuristics = []
)";
  // "auto" would regenerate the fused trainer's walks rather than write them.
  const std::vector<std::string> in_file_settings = {
      "walk.storage=\"file\"", "walk.spill_directory=\"" + spill.path() + "\""};
  auto run = [&](const std::string& trainer, bool in_file) {
    std::vector<std::string> settings = {"train.trainer=\"" + trainer + "\""};
    if (in_file) settings.insert(settings.end(), in_file_settings.begin(), in_file_settings.end());
    RunContext context;
    context.threads = 2;
    test::MemoryRecorder recorder;
    run_pipeline(parse_experiment_config(text, "walks.toml", settings), context, recorder, {});
    REQUIRE(recorder.scores.at("walk/corpus_in_file") == (in_file ? 1 : 0));
    REQUIRE(recorder.scores.at("walk/corpus_mib") == Approx(380.0 * 4 * 10 * 4 / (1 << 20)));
    return recorder.scores;
  };
  // The reference trainer reads the walks in order: the same numbers.
  const auto torch_memory = run("torch", false);
  const auto torch_file = run("torch", true);
  REQUIRE(torch_file.at("train/final_loss") == torch_memory.at("train/final_loss"));
  REQUIRE(torch_file.at("link/hadamard/roc_auc") == torch_memory.at("link/hadamard/roc_auc"));
  // The fused trainer visits a file in blocks, another order: the same model
  // up to SGD's noise (over 5 seeds the AUCs here differ by at most 0.03).
  const auto fused_memory = run("fused", false);
  const auto fused_file = run("fused", true);
  REQUIRE(fused_file.at("link/hadamard/roc_auc") ==
          Approx(fused_memory.at("link/hadamard/roc_auc")).margin(0.05));
  REQUIRE(fused_file.at("link/hadamard/roc_auc") > 0.65);
  REQUIRE(spill.empty());
}
