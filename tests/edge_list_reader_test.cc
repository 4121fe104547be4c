#include "graph/edge_list_reader.h"

#include <catch2/catch.hpp>

#include "core/errors.h"
#include "core/random.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

EdgeList read(const test::TempDir& dir, const std::string& content, EdgeListFormat format = {}) {
  return read_edge_list(dir.write("edges.txt", content), format);
}

void write_gzip(const std::string& path, const std::string& content, size_t keep_bytes) {
  const std::string bytes = test::read_file(test::write_gzip(path + ".full", content));
  std::ofstream(path, std::ios::binary) << bytes.substr(0, std::min(keep_bytes, bytes.size()));
}

}  // namespace

TEST_CASE("edge lists accept every common separator and comment style", "[graph][parser]") {
  test::TempDir dir;
  const auto spaces = read(dir, "# comment\n% also\na b\n  b\tc  \n\nc   a\n");
  REQUIRE(spaces.node_ids == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(spaces.src == std::vector<NodeId>{0, 1, 2});
  REQUIRE(spaces.dst == std::vector<NodeId>{1, 2, 0});

  const auto commas = read(dir, "source,target\nx, y\ny,z\n", {Separator::kAuto, "#", true});
  REQUIRE(commas.node_ids == std::vector<std::string>{"x", "y", "z"});
  REQUIRE(commas.src.size() == 2);
}

TEST_CASE("edge lists grouped by source or not get the same ids", "[graph][parser]") {
  // The reader reuses the previous line's source id while the source repeats.
  test::TempDir dir;
  const auto edges = read(dir, "a b\na c\nb a\nb c\na d\nd a\nd d\na b\n");
  REQUIRE(edges.node_ids == std::vector<std::string>{"a", "b", "c", "d"});
  REQUIRE(edges.src == std::vector<NodeId>{0, 0, 1, 1, 0, 3, 3, 0});
  REQUIRE(edges.dst == std::vector<NodeId>{1, 2, 0, 2, 3, 0, 3, 1});
}

TEST_CASE("edge lists read weights, CRLF and a byte-order mark", "[graph][parser]") {
  test::TempDir dir;
  EdgeListFormat format;
  format.weighted = true;
  const auto edges = read(dir,
                          "\xEF\xBB\xBF"
                          "1 2 0.5\r\n2 3 2\r\n",
                          format);
  REQUIRE(edges.node_ids == std::vector<std::string>{"1", "2", "3"});
  REQUIRE(edges.weight == std::vector<float>{0.5f, 2.0f});
}

TEST_CASE("edge list errors name the file and line", "[graph][parser]") {
  test::TempDir dir;
  EdgeListFormat weighted;
  weighted.weighted = true;
  REQUIRE_THROWS_WITH(read(dir, "a b\nc\n"),
                      Contains("edges.txt:2") && Contains("expected 2 columns"));
  REQUIRE_THROWS_WITH(read(dir, "a b x\n", weighted),
                      Contains("edges.txt:1") && Contains("not a number"));
  REQUIRE_THROWS_WITH(read(dir, "a b -1\n", weighted), Contains("must be a finite number > 0"));
  REQUIRE_THROWS_WITH(read(dir, "a b nan\n", weighted), Contains("edges.txt:1"));
  REQUIRE_THROWS_WITH(read(dir, "# only comments\n"), Contains("no edges"));
  REQUIRE_THROWS_WITH(read(dir, ""), Contains("no edges"));
  REQUIRE_THROWS_AS(read_edge_list(dir.file("missing.txt"), {}), DataError);
  REQUIRE_THROWS_WITH(read_edge_list(dir.file("missing.txt"), {}), Contains("file not found"));
}

TEST_CASE("gzip edge lists are read, and truncated ones are refused", "[graph][parser]") {
  test::TempDir dir;
  std::string content;
  for (int i = 0; i < 5000; ++i) content += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  write_gzip(dir.file("ok.gz"), content, SIZE_MAX);
  REQUIRE(read_edge_list(dir.file("ok.gz"), {}).src.size() == 5000);
  write_gzip(dir.file("cut.gz"), content, 2000);
  REQUIRE_THROWS_WITH(read_edge_list(dir.file("cut.gz"), {}), Contains("truncated"));
}

TEST_CASE("very long lines are read whole", "[graph][parser]") {
  test::TempDir dir;
  const std::string long_id(100000, 'n');
  const auto edges = read(dir, long_id + " b\n");
  REQUIRE(edges.node_ids[0].size() == 100000);
}

namespace {

// A file with everything a reader must carry across block boundaries: a
// byte-order mark, comments before a header, CRLF, blank lines, sources
// repeated and not, an id longer than a block, and no newline at the end.
std::string awkward_weighted_file() {
  std::string content = "\xEF\xBB\xBF# exported\n\n% by hand\nsource,target,weight\r\n";
  for (int i = 0; i < 300; ++i) {
    const int source = i % 7 == 0 ? i : i / 3;
    content += "n" + std::to_string(source) + ", n" + std::to_string((i * 37) % 101) + "," +
               std::to_string(0.5 + i % 4) + (i % 5 == 0 ? "\r\n" : "\n");
    if (i % 50 == 0) content += "# a comment between edges\n\n";
  }
  content += std::string(300, 'L') + ",n1,1\n";
  content += "last,n2,2.5";
  return content;
}

void require_same_edges(const EdgeList& a, const EdgeList& b) {
  REQUIRE(a.node_ids == b.node_ids);
  REQUIRE(a.src == b.src);
  REQUIRE(a.dst == b.dst);
  REQUIRE(a.weight == b.weight);
}

}  // namespace

TEST_CASE("blocks of any size on any number of threads read the same edges", "[graph][parser]") {
  test::TempDir dir;
  const std::string content = awkward_weighted_file();
  const std::string plain = dir.write("edges.csv", content);
  write_gzip(dir.file("edges.csv.gz"), content, SIZE_MAX);
  EdgeListFormat format;
  format.header = true;
  format.weighted = true;
  const EdgeList whole = read_edge_list(plain, format);
  REQUIRE(whole.src.size() == 302);
  REQUIRE(whole.node_ids[whole.src[0]] == "n0");
  REQUIRE(whole.node_ids[whole.src.back()] == "last");
  REQUIRE(whole.weight.back() == 2.5f);
  for (const size_t block_bytes : {size_t{1}, size_t{7}, size_t{64}, size_t{1000}}) {
    for (const int threads : {1, 3}) {
      INFO("block_bytes " << block_bytes << ", threads " << threads);
      const EdgeListReadOptions options{threads, block_bytes};
      require_same_edges(read_edge_list(plain, format, options), whole);
      require_same_edges(read_edge_list(dir.file("edges.csv.gz"), format, options), whole);
    }
  }
}

TEST_CASE("the first bad line is named however the file is split", "[graph][parser]") {
  test::TempDir dir;
  std::string content;
  for (int i = 1; i <= 400; ++i) {
    content += i == 250 ? "lonely\n" : i == 390 ? "x y z\n" : "a" + std::to_string(i) + " b\n";
  }
  const std::string path = dir.write("edges.txt", content);
  EdgeListFormat weighted;
  weighted.weighted = true;
  for (const int threads : {1, 4}) {
    INFO("threads " << threads);
    const EdgeListReadOptions options{threads, 16};
    REQUIRE_THROWS_WITH(read_edge_list(path, {}, options),
                        Contains("edges.txt:250") && Contains("expected 2 columns"));
    REQUIRE_THROWS_WITH(read_edge_list(path, weighted, options),
                        Contains("edges.txt:1:") && Contains("expected 3 columns"));
  }
  // zlib reports a cut when it decodes its buffer (512 KiB of text) up to
  // it: the file must be long enough that the lines before come out first.
  std::string cut_late;
  Rng rng(3, 0);
  for (int i = 0; i < 200000; ++i) {
    cut_late +=
        std::to_string(rng.below(1000000)) + " " + std::to_string(rng.below(1000000)) + "\n";
  }
  write_gzip(dir.file("cut.gz"), cut_late, 600000);
  // A bad line before the cut is reported, not the cut.
  write_gzip(dir.file("bad-then-cut.gz"), "a b\nc\n" + cut_late, 600000);
  for (const int threads : {1, 4}) {
    const EdgeListReadOptions options{threads, 512};
    REQUIRE_THROWS_WITH(read_edge_list(dir.file("cut.gz"), {}, options),
                        Contains("truncated") && !Contains("cut.gz:0:") && !Contains("cut.gz:1:"));
    REQUIRE_THROWS_WITH(read_edge_list(dir.file("bad-then-cut.gz"), {}, options),
                        Contains("bad-then-cut.gz:2") && Contains("expected 2 columns"));
  }
}

TEST_CASE("a plain file's edges are given room for their count, not twice it", "[graph][parser]") {
  test::TempDir dir;
  std::string content;
  for (int i = 0; i < 5000; ++i)
    content += "user" + std::to_string(i % 97) + "\titem" + std::to_string(i) + "\n";
  const EdgeList edges = read(dir, content);
  REQUIRE(edges.src.size() == 5000);
  // Grown by doubling, the vectors would hold 8192.
  CHECK(edges.src.capacity() <= 5000 * 105 / 100);
  CHECK(edges.dst.capacity() <= 5000 * 105 / 100);
}

TEST_CASE("a control byte anywhere in a line is refused with its line", "[graph][parser]") {
  test::TempDir dir;
  REQUIRE_THROWS_WITH(read(dir, std::string("a b\nc d\0e\n", 10)),
                      Contains("edges.txt:2") && Contains("control byte 0x00"));
}

TEST_CASE("CSR building applies the self-loop and duplicate policies", "[graph]") {
  EdgeList list;
  list.node_ids = {"a", "b", "c"};
  list.src = {0, 1, 0, 2, 1};
  list.dst = {1, 0, 0, 1, 2};
  list.weight = {1, 2, 5, 1, 3};
  GraphBuildStats stats;
  GraphBuildOptions options;
  options.duplicates = DuplicatePolicy::kSum;
  Graph graph = build_graph(list, options, &stats);
  REQUIRE(stats.self_loops_dropped == 1);
  REQUIRE(stats.duplicates_merged == 2);  // a-b twice, b-c twice (c b, b c)
  REQUIRE(graph.num_edges() == 2);
  REQUIRE(graph.degree(1) == 2);
  REQUIRE(graph.has_arc(0, 1));
  REQUIRE(graph.has_arc(1, 0));
  REQUIRE_FALSE(graph.has_arc(0, 2));
  REQUIRE(graph.weights[graph.offsets[0]] == 3.0f);  // 1 + 2

  options.duplicates = DuplicatePolicy::kMax;
  REQUIRE(build_graph(list, options).weights[0] == 2.0f);
  options.duplicates = DuplicatePolicy::kError;
  REQUIRE_THROWS_WITH(build_graph(list, options), Contains("duplicate edge"));
  options.duplicates = DuplicatePolicy::kFirst;
  options.self_loops = SelfLoopPolicy::kKeep;
  options.directed = true;
  Graph directed = build_graph(list, options);
  REQUIRE(directed.has_arc(0, 0));
  REQUIRE(directed.has_arc(2, 1));
  REQUIRE(directed.num_arcs() == 5);
}

TEST_CASE("a user's weighted CSV export reads into the expected CSR", "[graph][parser]") {
  EdgeListFormat format;
  format.header = true;
  format.weighted = true;
  const EdgeList edges =
      read_edge_list(std::string(WB_TEST_DATA_DIR) + "/weighted_graph.csv", format);
  REQUIRE(edges.node_ids == std::vector<std::string>{"alice", "bob", "carol", "dave"});
  REQUIRE(edges.src.size() == 6);
  GraphBuildOptions options;
  options.duplicates = DuplicatePolicy::kSum;
  GraphBuildStats stats;
  const Graph graph = build_graph(edges, options, &stats);
  REQUIRE(stats.self_loops_dropped == 1);
  REQUIRE(stats.duplicates_merged == 1);
  REQUIRE(graph.num_edges() == 4);
  // alice-bob appears as 1.5 and 4 (as bob,alice): summed.
  REQUIRE(graph.weights[graph.offsets[0]] == 5.5f);
  REQUIRE(graph.degree(3) == 1);  // dave: carol only; the self-loop is dropped
}
