#include "io/embeddings_reader.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/errors.h"
#include "io/npy_writer.h"
#include "io/torch_writer.h"
#include "io/word2vec_writer.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using test::TempDir;

namespace {

// Values that are not exact in decimal, so the text round trip is tested.
Matrix sample_table() {
  Matrix m(3, 4);
  m.values = {0.1f,       -2.5f, 1e-7f, 123456.789f, 3.0f,  -0.0f,
              0.3333333f, 7.25f, -1.5f, 2.0f,        1e30f, -1e-30f};
  return m;
}

// The graph names its nodes in another order than the file lists them.
const std::vector<std::string> kFileIds = {"u1", "item-7", "u2"};
const std::vector<std::string> kGraphIds = {"u2", "u1", "item-7", "lonely"};

// Row i of the graph's table for each graph id: the file's row of that id.
void require_rows_match(const Matrix& read, const Matrix& written) {
  REQUIRE(read.rows == 4);
  REQUIRE(read.cols == written.cols);
  const int file_row_of_graph_row[] = {2, 0, 1};
  for (int i = 0; i < 3; ++i) {
    INFO(kGraphIds[i]);
    REQUIRE(std::memcmp(read.row(i), written.row(file_row_of_graph_row[i]),
                        sizeof(float) * written.cols) == 0);
  }
  for (int64_t j = 0; j < read.cols; ++j) REQUIRE(read.row(3)[j] == 0.0f);  // "lonely"
}

// A .npy laid out as numpy writes it, for dtypes and orders write_npy does not make.
std::string npy_bytes(const std::string& descr, bool fortran, const std::string& shape,
                      const std::string& data) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                     ", 'shape': " + shape + ", }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(dict.size() & 0xff);
  bytes += static_cast<char>(dict.size() >> 8);
  return bytes + dict + data;
}

template <class T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string ids_text(const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += id + "\n";
  return text;
}

}  // namespace

TEST_CASE("word2vec text is read onto the graph's node order, bit for bit", "[embeddings]") {
  TempDir dir;
  const Matrix table = sample_table();
  write_word2vec_text(dir.file("e.emb"), table, kFileIds);
  EmbeddingsReadStats stats;
  require_rows_match(read_embeddings({dir.file("e.emb"), ""}, kGraphIds, 4, &stats), table);
  REQUIRE(stats.vectors == 3);
  REQUIRE(stats.missing_nodes == 1);

  SECTION("without the header line, with blank lines, CRLF and trailing spaces") {
    std::string text = test::read_file(dir.file("e.emb"));
    text = text.substr(text.find('\n') + 1);
    std::string loose = "\n";
    for (size_t start = 0; start < text.size();) {
      const size_t end = text.find('\n', start);
      loose += text.substr(start, end - start) + " \r\n\n";
      start = end + 1;
    }
    require_rows_match(read_embeddings({dir.write("loose.txt", loose), ""}, kGraphIds, 4), table);
  }
  SECTION("gzip") {
    test::write_gzip(dir.file("e.emb.gz"), test::read_file(dir.file("e.emb")));
    require_rows_match(read_embeddings({dir.file("e.emb.gz"), ""}, kGraphIds, 4), table);
  }
}

TEST_CASE("word2vec text of many blocks reads the same on any thread count, errors in file order",
          "[embeddings]") {
  // 12,000 vectors of 32 values, about 4 MB: four of the reader's 1 MiB blocks.
  TempDir dir;
  const int64_t rows = 12000, dimension = 32;
  Matrix table(rows, dimension);
  for (size_t i = 0; i < table.values.size(); ++i) {
    table.values[i] = static_cast<float>(i % 977) / 7.0f - 50.0f;
  }
  std::vector<std::string> ids;
  for (int64_t i = 0; i < rows; ++i) ids.push_back("n" + std::to_string(i));
  write_word2vec_text(dir.file("big.emb"), table, ids);
  const std::vector<std::string> graph_ids(ids.rbegin(), ids.rend());  // another order
  for (const int threads : {1, 3}) {
    INFO(threads << " threads");
    EmbeddingsReadStats stats;
    const Matrix read =
        read_embeddings({dir.file("big.emb"), ""}, graph_ids, dimension, &stats, threads);
    REQUIRE(stats.vectors == rows);
    REQUIRE(stats.missing_nodes == 0);
    for (int64_t i = 0; i < rows; ++i) {
      REQUIRE(std::memcmp(read.row(rows - 1 - i), table.row(i), sizeof(float) * dimension) == 0);
    }
  }

  // Line numbers past the first block, and the earlier of two errors in
  // different blocks named, however the blocks are parsed.
  const auto with_line = [](const std::string& source, int64_t line,
                            const std::string& replacement) {
    size_t start = 0;
    for (int64_t i = 1; i < line; ++i) start = source.find('\n', start) + 1;
    return source.substr(0, start) + replacement + source.substr(source.find('\n', start));
  };
  const std::string text = test::read_file(dir.file("big.emb"));
  std::string ones;  // 31 good values before the bad one
  for (int j = 0; j < 31; ++j) ones += "1 ";
  const std::string bad_value = with_line(text, 11001, "n11000 " + ones + "oops");
  const std::string short_line = with_line(text, 9001, "n9000 1 2");
  const std::string both = with_line(bad_value, 9001, "n9000 1 2");
  for (const int threads : {1, 3}) {
    INFO(threads << " threads");
    const auto read = [&](const std::string& name, const std::string& content) {
      return read_embeddings({dir.write(name, content), ""}, graph_ids, dimension, nullptr,
                             threads);
    };
    CHECK_THROWS_WITH(
        read("bad.emb", bad_value),
        Contains("bad.emb:11001") && Contains("value 32: \"oops\" is not a finite number"));
    CHECK_THROWS_WITH(read("short.emb", short_line),
                      Contains("short.emb:9001") && Contains("node \"n9000\" has 2 values"));
    CHECK_THROWS_WITH(read("both.emb", both),
                      Contains("both.emb:9001") && Contains("has 2 values"));
  }
}

TEST_CASE("a .npy is read with its ids file, in every layout numpy writes", "[embeddings]") {
  TempDir dir;
  const Matrix table = sample_table();
  const std::string ids = dir.write("ids.txt", ids_text(kFileIds));
  write_npy(dir.file("e.npy"), table);
  EmbeddingsReadStats stats;
  require_rows_match(read_embeddings({dir.file("e.npy"), ids}, kGraphIds, 4, &stats), table);
  REQUIRE(stats.vectors == 3);
  REQUIRE(stats.missing_nodes == 1);

  std::vector<double> as_double(table.values.begin(), table.values.end());
  const std::string f8 = dir.write("f8.npy", npy_bytes("<f8", false, "(3, 4)", raw(as_double)));
  require_rows_match(read_embeddings({f8, ids}, kGraphIds, 4), table);

  std::vector<float> column_major;
  for (int j = 0; j < 4; ++j) {
    for (int i = 0; i < 3; ++i) column_major.push_back(table.row(i)[j]);
  }
  const std::string fortran =
      dir.write("fortran.npy", npy_bytes("<f4", true, "(3, 4)", raw(column_major)));
  require_rows_match(read_embeddings({fortran, ids}, kGraphIds, 4), table);
}

TEST_CASE("bad vectors files name the file, line and node", "[embeddings]") {
  TempDir dir;
  const auto read = [&](const std::string& text, int64_t dimension = 2) {
    return read_embeddings({dir.write("v.txt", text), ""}, kGraphIds, dimension);
  };
  CHECK_THROWS_WITH(read("2 2\nu1 1 2\nnobody 3 4\n"),
                    Contains("v.txt:3") && Contains("\"nobody\" is not in the graph"));
  CHECK_THROWS_WITH(read("u1 1 2\nu2 1 2\nu1 3 4\n"),
                    Contains("v.txt:3") && Contains("has a vector already, at line 1"));
  CHECK_THROWS_WITH(read("2 3\nu1 1 2 3\n"),
                    Contains("v.txt:1") && Contains("set train.dimension = 3"));
  CHECK_THROWS_WITH(read("u1 1 2 3\n"), Contains("v.txt:1") && Contains("has 3 values") &&
                                            Contains("set train.dimension = 3"));
  CHECK_THROWS_WITH(read("u1 1 2\nu2 1\n"), Contains("v.txt:2") && Contains("has 1 values"));
  CHECK_THROWS_WITH(read("u1 1 2\nu2 1 x\n"),
                    Contains("v.txt:2") && Contains("value 2: \"x\" is not a finite number"));
  CHECK_THROWS_WITH(read("u1 1 nan\n"), Contains("v.txt:1") && Contains("not a finite number"));
  CHECK_THROWS_WITH(read("u1 1 1e40\n"), Contains("not a finite number"));
  CHECK_THROWS_WITH(read("3 2\nu1 1 2\nu2 3 4\n"),
                    Contains("v.txt:1") && Contains("the header says 3 vectors; the file has 2"));
  CHECK_THROWS_WITH(read("\n\n"), Contains("no vector"));
  CHECK_THROWS_WITH(read_embeddings({dir.file("none.txt"), ""}, kGraphIds, 2),
                    Contains("none.txt"));
  CHECK_THROWS_WITH(
      read_embeddings({dir.write("t.txt", "u1 1 2\n"), dir.write("i.txt", "u1\n")}, kGraphIds, 2),
      Contains("train.embeddings_ids is for a .npy or torch.save file"));
}

TEST_CASE("bad .npy files and ids files are refused with the reason", "[embeddings]") {
  TempDir dir;
  const std::vector<float> four = {1, 2, 3, 4};
  const std::string good = dir.write("good.npy", npy_bytes("<f4", false, "(2, 2)", raw(four)));
  const auto read = [&](const std::string& npy, const std::string& ids) {
    return read_embeddings({npy, ids}, kGraphIds, 2);
  };
  CHECK_THROWS_WITH(read(good, ""), Contains("set train.embeddings_ids"));
  CHECK_THROWS_WITH(read(good, dir.write("short.txt", "u1\n")),
                    Contains("short.txt:1") && Contains("names 1 rows; ") && Contains("has 2"));
  CHECK_THROWS_WITH(read(good, dir.write("long.txt", "u1\nu2\nitem-7\n")),
                    Contains("long.txt:3") && Contains("names more rows than the 2"));
  CHECK_THROWS_WITH(read(good, dir.write("twice.txt", "u1\nu1\n")),
                    Contains("twice.txt:2") && Contains("at line 1"));
  CHECK_THROWS_WITH(read(good, dir.write("stranger.txt", "u1\nzed\n")),
                    Contains("stranger.txt:2") && Contains("\"zed\" is not in the graph"));
  const std::string ids = dir.write("ids.txt", "u1\nu2\n");
  CHECK_THROWS_WITH(
      read(dir.write("cut.npy", npy_bytes("<f4", false, "(2, 2)", raw(four)).substr(0, 128 + 12)),
           ids),
      Contains("truncated") && Contains("needs 2 rows of 8 bytes, the file has 12 bytes of data"));
  CHECK_THROWS_WITH(
      read(dir.write("i8.npy", npy_bytes("<i8", false, "(2, 2)", std::string(32, '\0'))), ids),
      Contains("'<i8'") && Contains("astype('float32')"));
  CHECK_THROWS_WITH(read(dir.write("flat.npy", npy_bytes("<f4", false, "(4,)", raw(four))), ids),
                    Contains("shape (4,)"));
  CHECK_THROWS_WITH(read(dir.write("wide.npy", npy_bytes("<f4", false, "(1, 4)", raw(four))), ids),
                    Contains("set train.dimension = 4"));
  const std::vector<float> with_inf = {1, 2, 3, std::numeric_limits<float>::infinity()};
  CHECK_THROWS_WITH(
      read(dir.write("inf.npy", npy_bytes("<f4", false, "(2, 2)", raw(with_inf))), ids),
      Contains("row 2 (node \"u2\"), value 2 is not a finite"));
  CHECK_THROWS_WITH(read(dir.write("v9.npy", std::string("\x93NUMPY\x09\x00\x02\x00", 10)), ids),
                    Contains("not a .npy file of version 1, 2 or 3"));
}

TEST_CASE("word2vec binary as gensim writes it holds the same vectors as its text",
          "[embeddings]") {
  // gensim 4.4.0: KeyedVectors.save_word2vec_format(..., binary=True) and
  // binary=False of the same five random vectors, one id in UTF-8.
  const std::string data = std::string(WB_TEST_DATA_DIR) + "/gensim_vectors";
  const std::vector<std::string> ids = {"42", "u2", "lonely", "u1", "item-7", "ü-ñode"};
  EmbeddingsReadStats stats;
  const Matrix binary = read_embeddings({data + ".bin", ""}, ids, 8, &stats);
  CHECK(stats.vectors == 5);
  CHECK(stats.missing_nodes == 1);
  const Matrix text = read_embeddings({data + ".txt", ""}, ids, 8);
  REQUIRE(binary.values.size() == text.values.size());
  CHECK(std::memcmp(binary.values.data(), text.values.data(),
                    binary.values.size() * sizeof(float)) == 0);
  CHECK(binary.row(3)[0] == -0.80193144f);  // "u1", as the text prints it
  for (int64_t j = 0; j < 8; ++j) CHECK(binary.row(2)[j] == 0.0f);
  REQUIRE_THROWS_WITH(read_embeddings({data + ".bin", ""}, ids, 16),
                      Contains("gensim_vectors.bin:1") && Contains("set train.dimension = 8"));
}

TEST_CASE("word2vec binary as the word2vec tool writes it, plain or gzip", "[embeddings]") {
  // The C tool ends each record with a line break; gensim does not.
  TempDir dir;
  const Matrix table = sample_table();
  std::string bytes = "3 4\n";
  for (int i = 0; i < 3; ++i) {
    bytes += kFileIds[static_cast<size_t>(i)] + " " +
             std::string(reinterpret_cast<const char*>(table.row(i)), 4 * sizeof(float)) + "\n";
  }
  require_rows_match(read_embeddings({dir.write("c.bin", bytes), ""}, kGraphIds, 4), table);
  test::write_gzip(dir.file("c.bin.gz"), bytes);
  require_rows_match(read_embeddings({dir.file("c.bin.gz"), ""}, kGraphIds, 4), table);
}

TEST_CASE("bad word2vec binary files name the file, vector and node", "[embeddings]") {
  TempDir dir;
  const auto record = [](const std::string& id, std::vector<float> values) {
    return id + " " + raw(values);
  };
  const std::string u1 = record("u1", {1.5f, -2.0f, 0.25f, -8.0f});
  const std::string u2 = record("u2", {-1.0f, 3.0f, 0.5f, -0.125f});
  const auto refused = [&](const std::string& bytes) {
    try {
      read_embeddings({dir.write("bad.bin", bytes), ""}, kGraphIds, 4);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("read without an error");
  };
  CHECK(read_embeddings({dir.write("good.bin", "2 4\n" + u1 + u2), ""}, kGraphIds, 4).row(0)[3] ==
        -0.125f);
  CHECK(read_embeddings({dir.write("crlf.bin", "2 4\r\n" + u1 + "\r\n" + u2 + "\r\n"), ""},
                        kGraphIds, 4)
            .row(1)[0] == 1.5f);
  CHECK_THAT(refused("3 4\n" + u1 + u2),
             Contains("bad.bin") && Contains("vector 3 of 3, in its node id: the file ends there"));
  CHECK_THAT(refused("2 4\n" + u1 + u2.substr(0, u2.size() - 3)),
             Contains("vector 2 of 2 (node \"u2\"), in its values: the file ends there"));
  CHECK_THAT(refused("1 4\n" + u1 + u2), Contains("bad.bin:1: the header says 1 vectors; the "
                                                  "file has more after them"));
  CHECK_THAT(refused("2 4\n" + u1 + record("stranger", {-1, -1, -1, -1})),
             Contains("vector 2: node \"stranger\" is not in the graph"));
  CHECK_THAT(refused("2 4\n" + u1 + u1),
             Contains("vector 2: node \"u1\" has a vector already, at vector 1"));
  CHECK_THAT(
      refused("2 4\n" + u1 + record("u2", {-1.0f, std::numeric_limits<float>::quiet_NaN(), 0, 0})),
      Contains("vector 2 of 2 (node \"u2\"), value 2 is not a finite float32"));
  CHECK_THAT(refused("2 4\n" + u1 + std::string(70000, 'x')),
             Contains("vector 2 of 2: no space after 64 KiB of node id"));
  REQUIRE_THROWS_WITH(
      read_embeddings({dir.file("good.bin"), dir.write("ids.txt", "u1\nu2\n")}, kGraphIds, 4),
      Contains("ids.txt") && Contains("is word2vec binary"));
}

TEST_CASE("torch.save files are read: a tensor or a state_dict, any float type and strides",
          "[embeddings]") {
  // PyTorch 2.11: torch.save of one 3 x 4 float32 tensor t, of t in bfloat16,
  // of t in float64 with transposed strides, of dict(state_dict()) of a
  // module holding it as "embedding.weight", of the state_dict itself (an
  // OrderedDict), and of {"a": t, "b": 2 * t}.
  const std::string data = std::string(WB_TEST_DATA_DIR) + "/torch_";
  TempDir dir;
  const std::string ids = dir.write("ids.txt", "a\nb\nc\n");
  const std::vector<std::string> graph_ids = {"c", "a", "b", "lonely"};
  EmbeddingsReadStats stats;
  const Matrix tensor = read_embeddings({data + "tensor.pt", ids}, graph_ids, 4, &stats);
  CHECK(stats.vectors == 3);
  CHECK(stats.missing_nodes == 1);
  // "a", the first row, and "c", the last, as Python prints them.
  CHECK(tensor.row(1)[0] == Approx(0.8033).margin(1e-4));
  CHECK(tensor.row(0)[3] == Approx(1.2379).margin(1e-4));
  for (int64_t j = 0; j < 4; ++j) CHECK(tensor.row(3)[j] == 0.0f);
  for (const char* exact : {"dict.pt", "tensor_f64_strided.pt"}) {
    INFO(exact);
    const Matrix same = read_embeddings({data + exact, ids}, graph_ids, 4);
    CHECK(std::memcmp(same.values.data(), tensor.values.data(),
                      tensor.values.size() * sizeof(float)) == 0);
  }
  const Matrix bf16 = read_embeddings({data + "tensor_bf16.pt", ids}, graph_ids, 4);
  for (size_t i = 0; i < tensor.values.size(); ++i) {
    CHECK(bf16.values[i] == Approx(tensor.values[i]).margin(0.01));
  }

  // The workbench's own .pt export reads back bit for bit.
  const Matrix table = sample_table();
  write_torch_tensor(dir.file("own.pt"), table);
  require_rows_match(
      read_embeddings({dir.file("own.pt"), dir.write("own.ids", ids_text(kFileIds))}, kGraphIds, 4),
      table);
}

TEST_CASE("torch.save files that hold no single table are refused with the reason",
          "[embeddings]") {
  const std::string data = std::string(WB_TEST_DATA_DIR) + "/torch_";
  TempDir dir;
  const std::string ids = dir.write("ids.txt", "a\nb\nc\n");
  const std::vector<std::string> graph_ids = {"a", "b", "c"};
  REQUIRE_THROWS_WITH(read_embeddings({data + "two_tensors.pt", ids}, graph_ids, 4),
                      Contains("torch_two_tensors.pt") && Contains("holds 2 2-D tensors (a, b)") &&
                          Contains("torch.save(model.embedding.weight.detach().cpu(), path)"));
  REQUIRE_THROWS_WITH(read_embeddings({data + "state_dict.pt", ids}, graph_ids, 4),
                      Contains("torch_state_dict.pt") && Contains("cannot read as a torch.save") &&
                          Contains("save dict(model.state_dict())"));
  REQUIRE_THROWS_WITH(read_embeddings({data + "tensor.pt", ""}, graph_ids, 4),
                      Contains("set train.embeddings_ids"));
  REQUIRE_THROWS_WITH(read_embeddings({data + "tensor.pt", ids}, graph_ids, 8),
                      Contains("set train.dimension = 4"));
  REQUIRE_THROWS_WITH(
      read_embeddings({data + "tensor.pt", dir.write("two.txt", "a\nb\n")}, graph_ids, 4),
      Contains("two.txt:2") && Contains("names 2 rows"));
  REQUIRE_THROWS_WITH(
      read_embeddings({data + "tensor.pt", dir.write("four.txt", "a\nb\nc\nd\n")}, graph_ids, 4),
      Contains("four.txt:4") && Contains("names more rows than the 3"));
  REQUIRE_THROWS_WITH(
      read_embeddings({dir.write("zip.pt", std::string("PK\x03\x04", 4) + "not an archive"), ids},
                      graph_ids, 4),
      Contains("zip.pt") && Contains("cannot read as a torch.save file"));
}
