// The bad-input catalogue: every malformed edge list or experiment file a user
// is likely to hand `workbench run`, driven through the real binary. Each one
// must give a message naming the file and line (or the key) and what was
// expected, exit non-zero, and leave no running run, no artifacts and no
// temporary file behind. Inputs that look odd but are valid must succeed.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "store/run_store.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::CommandResult;
using wb::test::run_workbench;
namespace fs = std::filesystem;

namespace {

const std::string kExperiment = R"([experiment]
name = "bad-input"
device = "cpu"
threads = 1
[graph]
path = "edges.txt"
[walk]
walks_per_node = 2
walk_length = 10
[train]
dimension = 8
window = 2
)";

// A ring of 8 nodes with four chords: small, but enough for a link split.
std::string ring_edges(const std::vector<std::string>& ids, const std::string& line_end = "\n") {
  REQUIRE(ids.size() == 8);
  const std::vector<std::pair<int, int>> pairs = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6},
                                                  {6, 7}, {7, 0}, {0, 2}, {1, 3}, {4, 6}, {5, 7}};
  std::string text;
  for (const auto& [u, v] : pairs) text += ids[u] + " " + ids[v] + line_end;
  return text;
}

const std::vector<std::string> kLetters = {"a", "b", "c", "d", "e", "f", "g", "h"};

// The 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

std::string replaced(std::string text, const std::string& find, const std::string& replacement) {
  const size_t at = text.find(find);
  REQUIRE(at != std::string::npos);
  return text.replace(at, find.size(), replacement);
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void write_truncated_gzip(const std::string& path, const std::string& content, size_t keep_bytes) {
  const std::string full = test::write_gzip(path + ".full", content);
  const std::string bytes = test::read_file(full);
  REQUIRE(bytes.size() > keep_bytes);
  std::ofstream(path, std::ios::binary) << bytes.substr(0, keep_bytes);
  fs::remove(full);
}

// One scratch directory holding an experiment, its edge list and a store.
class Workspace {
 public:
  std::string store() const { return dir_.file("runs/workbench.db"); }
  fs::path artifacts(int64_t run_id) const {
    return dir_.path() / "runs" / "artifacts" / ("run-" + std::to_string(run_id));
  }
  void edges(const std::string& content, const std::string& name = "edges.txt") const {
    std::ofstream(dir_.file(name), std::ios::binary) << content;
  }
  std::string gzip_path(const std::string& name) const { return dir_.file(name); }
  CommandResult run(const std::string& experiment, const std::string& extra = "") const {
    const auto path = dir_.write("exp.toml", experiment);
    return run_workbench("run " + path + " --store " + store() + " -q " + extra);
  }

  // Nothing half-written: no run left running, no artifacts of a run that did
  // not finish, no temporary file anywhere.
  void require_nothing_half_written() const {
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      INFO(entry.path());
      REQUIRE(entry.path().extension() != ".tmp");
    }
    if (!fs::exists(store())) return;
    RunStore store_file(store());
    for (const auto& run : store_file.list_runs()) {
      INFO("run " << run.id << " is " << run.status);
      REQUIRE(run.status != "running");
      if (run.status == "finished") continue;
      REQUIRE(store_file.find_run(run.id)->artifacts.empty());
      REQUIRE_FALSE(fs::exists(artifacts(run.id)));
    }
  }

  // The edge list was refused: exit 1, the message on the terminal and in the
  // store's one failed run.
  void require_data_error(const CommandResult& result,
                          const std::vector<std::string>& expected) const {
    INFO(result.output.substr(0, 2000));
    REQUIRE(result.exit_code == 1);
    REQUIRE(result.output.size() < 4096);  // a short message, never the offending line
    for (const auto& text : expected) REQUIRE_THAT(result.output, Contains(text));
    require_nothing_half_written();
    RunStore store_file(store());
    const auto runs = store_file.list_runs();
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].status == "failed");
    const auto message = store_file.find_run(runs[0].id)->message;
    for (const auto& text : expected) REQUIRE_THAT(message, Contains(text));
  }

  // The experiment was refused before any run was recorded.
  void require_config_error(const CommandResult& result,
                            const std::vector<std::string>& expected) const {
    INFO(result.output);
    REQUIRE(result.exit_code != 0);
    for (const auto& text : expected) REQUIRE_THAT(result.output, Contains(text));
    require_nothing_half_written();
    if (fs::exists(store())) REQUIRE(RunStore(store()).list_runs().empty());
  }

  // The run finished; returns its id.
  int64_t require_finished(const CommandResult& result) const {
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    require_nothing_half_written();
    RunStore store_file(store());
    const auto runs = store_file.list_runs();
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].status == "finished");
    return runs[0].id;
  }

 private:
  test::TempDir dir_;
};

struct EdgeCase {
  std::string name;
  std::string content;
  std::string extra;  // command-line options
  std::vector<std::string> expected;
};

// Deterministic bytes of every value, as a binary file (or random noise) has.
std::string binary_garbage(size_t size) {
  std::string bytes(size, '\0');
  uint32_t state = 12345;
  for (auto& byte : bytes) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<char>(state >> 24);
  }
  return bytes;
}

}  // namespace

TEST_CASE("malformed edge lists fail the run with the file, line and what was expected",
          "[bad-input]") {
  const std::string weighted = "--set graph.weighted=true";
  const std::vector<EdgeCase> cases = {
      {"a missing column",
       "a b\nb c\nc\n",
       "",
       {"edges.txt:3: expected 2 columns (source target), found 1"}},
      {"a missing weight column",
       "a b 1\nb c\n",
       weighted,
       {"edges.txt:2: expected 3 columns (source target weight), found 2"}},
      {"a non-numeric weight",
       "a b 1\nb c heavy\n",
       weighted,
       {"edges.txt:2: weight 'heavy' is not a number"}},
      {"a negative weight",
       "a b 1\nb c 1\nc a -2\n",
       weighted,
       {"edges.txt:3: weight '-2' must be a finite number > 0"}},
      {"a NaN weight",
       "a b nan\n",
       weighted,
       {"edges.txt:1: weight 'nan' must be a finite number > 0"}},
      {"an infinite weight",
       "a b 1\nb c inf\n",
       weighted,
       {"edges.txt:2: weight 'inf' must be a finite number > 0"}},
      {"an empty node id", "a,b\n,c\n", "", {"edges.txt:2: empty node id"}},
      {"a 10 MB line",
       "a b\n" + std::string(10 << 20, 'x') + "\nb c\n",
       "",
       {"edges.txt:2: expected 2 columns (source target), found 1"}},
      {"binary garbage",
       binary_garbage(64 << 10),
       "",
       {"edges.txt:", "is not text; expected a text edge list"}},
      {"an empty file", "", "", {"edges.txt: no edges found"}},
      {"only comments", "# source target\n% nothing here\n\n", "", {"edges.txt: no edges found"}},
      {"only a header",
       "source target\n",
       "--set graph.header=true",
       {"edges.txt: no edges found"}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Workspace w;
      w.edges(c.content);
      w.require_data_error(w.run(kExperiment, c.extra), c.expected);
    }
  }
  SECTION("a truncated gzip") {
    Workspace w;
    std::string content;
    for (int i = 0; i < 5000; ++i)
      content += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
    write_truncated_gzip(w.gzip_path("edges.gz"), content, 2000);
    w.require_data_error(w.run(replaced(kExperiment, "edges.txt", "edges.gz")),
                         {"edges.gz:", "corrupt or truncated gzip"});
  }
  SECTION("a missing edge list") {
    Workspace w;
    w.require_data_error(w.run(kExperiment), {"edges.txt: file not found"});
  }
}

TEST_CASE("edge lists that look odd but are valid give a finished run", "[bad-input]") {
  SECTION("CRLF line ends") {
    Workspace w;
    w.edges(ring_edges(kLetters, "\r\n"));
    const auto id = w.require_finished(w.run(kExperiment));
    REQUIRE(read_lines(w.artifacts(id) / "node_ids.txt") == kLetters);
  }
  SECTION("a UTF-8 byte-order mark") {
    Workspace w;
    w.edges("\xEF\xBB\xBF" + ring_edges(kLetters));
    const auto id = w.require_finished(w.run(kExperiment));
    REQUIRE(read_lines(w.artifacts(id) / "node_ids.txt") == kLetters);
  }
  SECTION("node ids beyond 2^31 and 2^64 are names, kept verbatim") {
    Workspace w;
    const std::vector<std::string> ids = {
        "2147483648", "4294967296", "99999999999", "18446744073709551616",
        "-1",         "007",        "1e3",         "0x10"};
    w.edges(ring_edges(ids));
    const auto id = w.require_finished(w.run(kExperiment));
    REQUIRE(read_lines(w.artifacts(id) / "node_ids.txt") == ids);
  }
  SECTION("a node seen only in a self-loop stays, isolated, with an embedding") {
    // self_loops = "drop" (the default) drops the edge, not the node.
    Workspace w;
    w.edges(ring_edges(kLetters) + "z z\n");
    const auto id = w.require_finished(w.run(kExperiment));
    auto expected = kLetters;
    expected.push_back("z");
    REQUIRE(read_lines(w.artifacts(id) / "node_ids.txt") == expected);
    const auto run = RunStore(w.store()).find_run(id);
    REQUIRE(run->summary.scores.at("graph/nodes") == 9);
    REQUIRE(run->summary.scores.at("graph/edges") == 12);
  }
}

TEST_CASE("a one-edge graph cannot be split for link prediction", "[bad-input]") {
  Workspace w;
  w.edges("a b\n");
  SECTION("link prediction is refused with the reason") {
    w.require_data_error(w.run(kExperiment), {"without disconnecting the graph",
                                              "1 edges, 0 outside a spanning", "eval.task"});
  }
  SECTION("without evaluation it trains") {
    const auto id = w.require_finished(w.run(kExperiment, "--set 'eval.task=\"none\"'"));
    REQUIRE(read_lines(w.artifacts(id) / "node_ids.txt") == std::vector<std::string>{"a", "b"});
  }
}

namespace {

struct ConfigCase {
  std::string name;
  std::string find;  // text of kExperiment to replace
  std::string replacement;
  std::string located_at;  // the text of the line the message must name; "" for none
  std::vector<std::string> expected;
};

}  // namespace

TEST_CASE("experiment file mistakes are refused with the line, key and what was expected",
          "[bad-input]") {
  const std::string train = "[train]\n";
  const std::vector<ConfigCase> cases = {
      {"a TOML syntax error", "[train]", "[train", "[train", {"TOML syntax error", "expected ']'"}},
      {"an unterminated string", "\"bad-input\"", "\"bad-input", "name =", {"TOML syntax error"}},
      {"a key set twice",
       "window = 2",
       "window = 2\nwindow = 3",
       "window = 3",
       {"TOML syntax error", "window"}},
      {"an unknown section",
       train,
       "[wallk]\nsteps = 3\n" + train,
       "[wallk]",
       {"unknown section [wallk] (expected one of: ", "walk"}},
      {"an unknown key",
       train,
       train + "dimensions = 3\n",
       "dimensions = 3",
       {"unknown key train.dimensions (expected one of: ", "dimension, "}},
      {"a key in the wrong section",
       train,
       train + "walk_length = 3\n",
       "walk_length = 3",
       {"unknown key train.walk_length"}},
      {"a string for an integer",
       "walk_length = 10",
       "walk_length = \"ten\"",
       "walk_length",
       {"walk.walk_length: expected an integer"}},
      {"a float for an integer",
       "walk_length = 10",
       "walk_length = 10.5",
       "walk_length",
       {"walk.walk_length: expected an integer"}},
      {"an integer for a string",
       "name = \"bad-input\"",
       "name = 3",
       "name = 3",
       {"experiment.name: expected a string"}},
      {"a string for a boolean",
       "[walk]",
       "directed = \"yes\"\n[walk]",
       "directed",
       {"graph.directed: expected true or false"}},
      {"an unknown choice",
       "[walk]",
       "separator = \"semicolon\"\n[walk]",
       "separator",
       {"graph.separator: unknown value \"semicolon\" (expected one of \"auto\""}},
      {"p = 0",
       "walk_length = 10",
       "walk_length = 10\np = 0",
       "p = 0",
       {"walk.p: expected a number in (0, 1e+12], got 0"}},
      {"p < 0",
       "walk_length = 10",
       "walk_length = 10\np = -1.5",
       "p = -1.5",
       {"walk.p: expected a number in (0, 1e+12], got -1.5"}},
      {"q = nan",
       "walk_length = 10",
       "walk_length = 10\nq = nan",
       "q = nan",
       {"walk.q: expected a number in (0, 1e+12], got nan"}},
      {"window 0",
       "window = 2",
       "window = 0",
       "window = 0",
       {"train.window: expected an integer in [1, 10000], got 0"}},
      {"dimension 0",
       "dimension = 8",
       "dimension = 0",
       "dimension = 0",
       {"train.dimension: expected an integer in [1, 65536], got 0"}},
      {"dimension 10^7",
       "dimension = 8",
       "dimension = 10000000",
       "dimension = 10000000",
       {"train.dimension: expected an integer in [1, 65536], got 10000000"}},
      {"walks_per_node 0",
       "walks_per_node = 2",
       "walks_per_node = 0",
       "walks_per_node = 0",
       {"walk.walks_per_node: expected an integer in [1, 100000], got 0"}},
      {"test_fraction 0",
       "window = 2",
       "window = 2\n[eval]\ntest_fraction = 0",
       "test_fraction",
       {"eval.test_fraction: expected a number in (0, 1), got 0"}},
      {"test_fraction 1",
       "window = 2",
       "window = 2\n[eval]\ntest_fraction = 1",
       "test_fraction",
       {"eval.test_fraction: expected a number in (0, 1), got 1"}},
      {"test_fraction 1.5",
       "window = 2",
       "window = 2\n[eval]\ntest_fraction = 1.5",
       "test_fraction",
       {"eval.test_fraction: expected a number in (0, 1), got 1.5"}},
      {"final_learning_rate_fraction -0.1",
       "window = 2",
       "window = 2\nfinal_learning_rate_fraction = -0.1",
       "final_learning_rate_fraction",
       {"train.final_learning_rate_fraction: expected a number in [0, 1], got -0.1"}},
      {"an empty operator list",
       "window = 2",
       "window = 2\n[eval]\noperators = []",
       "",
       {"exp.toml: eval.operators: list at least one operator"}},
      {"both an edge list and a generator",
       "path = \"edges.txt\"",
       "path = \"edges.txt\"\ngenerator = \"ecommerce\"",
       "",
       {"exp.toml: graph: set exactly one of graph.path (an edge list) or graph.generator"}},
      {"fp16 on the CPU",
       "window = 2",
       "window = 2\namp = \"fp16\"",
       "",
       {"exp.toml: train.amp = \"fp16\" needs experiment.device = \"cuda\""}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Workspace w;
      w.edges(ring_edges(kLetters));
      const auto experiment = replaced(kExperiment, c.find, c.replacement);
      std::vector<std::string> expected = c.expected;
      if (!c.located_at.empty()) {
        expected.push_back("exp.toml:" + std::to_string(line_of(experiment, c.located_at)) + ": ");
      }
      w.require_config_error(w.run(experiment), expected);
    }
  }
  SECTION("a section given as a value") {
    Workspace w;
    w.edges(ring_edges(kLetters));
    const auto experiment =
        "walk = 3\n" + replaced(kExperiment, "[walk]\nwalks_per_node = 2\nwalk_length = 10\n", "");
    w.require_config_error(w.run(experiment), {"exp.toml:1: walk: expected a table"});
  }
  SECTION("a --set out of range names the override") {
    Workspace w;
    w.edges(ring_edges(kLetters));
    w.require_config_error(w.run(kExperiment, "--set train.dimension=0"),
                           {"--set train.dimension: expected an integer in [1, 65536], got 0"});
  }
  SECTION("a --set of an unknown key names the override") {
    Workspace w;
    w.edges(ring_edges(kLetters));
    w.require_config_error(w.run(kExperiment, "--set train.dimensions=4"),
                           {"--set train.dimensions: unknown key train.dimensions"});
  }
}
