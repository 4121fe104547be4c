#include <torch/serialize.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/matrix.h"
#include "io/node_ids_writer.h"
#include "io/npy_writer.h"
#include "io/ordered_text_writer.h"
#include "io/torch_writer.h"
#include "io/walks_writer.h"
#include "io/word2vec_writer.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;

using wb::test::TempDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// 0.1 and 123456.789 are not exact floats, so they exercise round-tripping.
wb::Matrix sample_matrix() {
  wb::Matrix m(3, 2);
  m.values = {0.5f, -1.25f, 3.0f, 0.001f, 0.1f, 123456.789f};
  return m;
}

const std::vector<std::string> kSampleIds = {"a", "b", "c"};

bool no_tmp_left(const TempDir& dir) {
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path().extension() == ".tmp") return false;
  }
  return true;
}

}  // namespace

TEST_CASE("npy header is byte-identical to numpy.save", "[export]") {
  TempDir dir;
  const std::string path = dir.file("e.npy");
  wb::write_npy(path, sample_matrix());
  const std::string bytes = read_bytes(path);

  // 10 bytes of preamble + 59 of dict + 20 reserved for the row count to grow
  // + padding, ending in '\n' at byte 127, so the data starts 64-aligned.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
  REQUIRE(dict.size() == 59);
  std::string expected("\x93NUMPY\x01\x00", 8);
  expected += std::string("\x76\x00", 2);  // header length 118, little-endian
  expected += dict + std::string(128 - 10 - 59 - 1, ' ') + "\n";
  REQUIRE(expected.size() == 128);

  REQUIRE(bytes.size() == 128 + 6 * sizeof(float));
  CHECK(bytes.substr(0, 128) == expected);
  std::vector<float> payload(6);
  std::memcpy(payload.data(), bytes.data() + 128, 6 * sizeof(float));
  CHECK(payload == sample_matrix().values);
  CHECK(no_tmp_left(dir));
}

TEST_CASE("npy header stays 64-aligned for large and empty shapes", "[export]") {
  TempDir dir;
  for (const auto& [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{{0, 4}, {12345, 128}}) {
    const std::string path = dir.file("e.npy");
    wb::write_npy(path, wb::Matrix(rows, cols));
    const std::string bytes = read_bytes(path);
    const size_t header_length =
        static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    CHECK((10 + header_length) % 64 == 0);
    CHECK(bytes[10 + header_length - 1] == '\n');
    CHECK(bytes.find("'shape': (" + std::to_string(rows) + ", " + std::to_string(cols) + "), }") !=
          std::string::npos);
    CHECK(bytes.size() == 10 + header_length + static_cast<size_t>(rows * cols) * sizeof(float));
  }
}

TEST_CASE("word2vec text holds a count line and shortest round-trip floats", "[export]") {
  TempDir dir;
  const std::string path = dir.file("e.txt");
  wb::write_word2vec_text(path, sample_matrix(), kSampleIds);
  CHECK(read_bytes(path) == "3 2\na 0.5 -1.25\nb 3 0.001\nc 0.1 123456.79\n");
  CHECK(no_tmp_left(dir));
}

TEST_CASE("word2vec text and walks are the same files on any number of threads", "[export]") {
  // More rows and walks than one chunk (1024) holds, and not a multiple of it.
  TempDir dir;
  const int64_t rows = 2500;
  wb::Matrix m(rows, 3);
  for (size_t i = 0; i < m.values.size(); ++i) m.values[i] = 0.001f * static_cast<float>(i) - 1.0f;
  std::vector<std::string> ids;
  for (int64_t i = 0; i < rows; ++i) ids.push_back("node-" + std::to_string(i));
  wb::Walks walks;
  walks.num_walks = 3000;
  walks.walk_length = 4;
  walks.nodes.assign(static_cast<size_t>(walks.num_walks * walks.walk_length), 0);
  for (size_t i = 0; i < walks.nodes.size(); ++i) walks.nodes[i] = static_cast<int32_t>(i % rows);
  walks.nodes[7] = wb::Walks::kNoNode;  // walk 1 stops after three nodes

  wb::write_word2vec_text(dir.file("one.emb"), m, ids, 1);
  wb::write_word2vec_text(dir.file("three.emb"), m, ids, 3);
  const std::string vectors = read_bytes(dir.file("one.emb"));
  CHECK(read_bytes(dir.file("three.emb")) == vectors);
  CHECK(vectors.rfind("2500 3\nnode-0 -1 -0.999 -0.998\nnode-1 ", 0) == 0);
  CHECK(vectors.find("\nnode-2499 ") != std::string::npos);
  CHECK(std::count(vectors.begin(), vectors.end(), '\n') == rows + 1);

  wb::write_walks_text(dir.file("one.txt"), walks, ids, 1);
  wb::write_walks_text(dir.file("three.txt"), walks, ids, 3);
  const std::string corpus = read_bytes(dir.file("one.txt"));
  CHECK(read_bytes(dir.file("three.txt")) == corpus);
  CHECK(corpus.rfind("node-0 node-1 node-2 node-3\nnode-4 node-5 node-6\nnode-8 ", 0) == 0);
  CHECK(std::count(corpus.begin(), corpus.end(), '\n') == walks.num_walks);
  CHECK(no_tmp_left(dir));
}

TEST_CASE("chunks are written in order, up to a chunk that fails", "[export]") {
  TempDir dir;
  const std::string path = dir.file("chunks.txt");
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  const auto format = [](int64_t begin, int64_t end, std::string& text) {
    if (begin >= 30) throw wb::DataError("item " + std::to_string(begin) + " cannot be written");
    for (int64_t i = begin; i < end; ++i) text += std::to_string(i) + ",";
  };
  CHECK_THROWS_WITH(wb::write_chunks_in_order(file, 100, 10, 4, format),
                    "item 30 cannot be written");
  std::fclose(file);
  std::string expected;
  for (int i = 0; i < 30; ++i) expected += std::to_string(i) + ",";
  CHECK(read_bytes(path) == expected);
}

TEST_CASE("word2vec rejects ids it cannot represent", "[export]") {
  TempDir dir;
  const std::string path = dir.file("e.txt");
  wb::Matrix m(1, 1);
  try {
    wb::write_word2vec_text(path, m, {"new york"});
    FAIL("expected DataError");
  } catch (const wb::DataError& e) {
    CHECK(std::string(e.what()).find("'new york'") != std::string::npos);
  }
  CHECK_THROWS_AS(wb::write_word2vec_text(path, m, {"tab\there"}), wb::DataError);
  CHECK_THROWS_AS(wb::write_word2vec_text(path, m, {""}), wb::DataError);
  CHECK_THROWS_AS(wb::write_word2vec_text(path, m, {"a", "b"}), wb::Error);
  CHECK_FALSE(fs::exists(path));
  CHECK(no_tmp_left(dir));
}

TEST_CASE("node ids are written one per line in dense order", "[export]") {
  TempDir dir;
  const std::string path = dir.file("ids.txt");
  wb::write_node_ids(path, {"u0", "item 7", "ü"});
  CHECK(read_bytes(path) == "u0\nitem 7\nü\n");
  CHECK_THROWS_AS(wb::write_node_ids(path, {"two\nlines"}), wb::DataError);
  wb::write_node_ids(path, {});
  CHECK(read_bytes(path).empty());
}

TEST_CASE("torch tensor file round-trips through pickle_load", "[export]") {
  TempDir dir;
  const std::string path = dir.file("e.pt");
  const wb::Matrix m = sample_matrix();
  wb::write_torch_tensor(path, m);
  const std::string bytes = read_bytes(path);
  const torch::IValue loaded = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  REQUIRE(loaded.isTensor());
  const at::Tensor tensor = loaded.toTensor();
  CHECK(tensor.scalar_type() == at::kFloat);
  REQUIRE(tensor.dim() == 2);
  CHECK(tensor.size(0) == 3);
  CHECK(tensor.size(1) == 2);
  const at::Tensor contiguous = tensor.contiguous();
  CHECK(std::vector<float>(contiguous.data_ptr<float>(), contiguous.data_ptr<float>() + 6) ==
        m.values);
  CHECK(no_tmp_left(dir));

  wb::write_torch_tensor(path, wb::Matrix(0, 3));
  const std::string empty_bytes = read_bytes(path);
  const at::Tensor empty =
      torch::pickle_load(std::vector<char>(empty_bytes.begin(), empty_bytes.end())).toTensor();
  CHECK(empty.size(0) == 0);
  CHECK(empty.size(1) == 3);
}

TEST_CASE("writers name the path they cannot write", "[export]") {
  const std::string missing = "/nonexistent-wb-dir/sub/e";
  const wb::Matrix m = sample_matrix();
  const auto names_path = [](const std::string& path) { return Catch::Matchers::Contains(path); };
  CHECK_THROWS_WITH(wb::write_npy(missing + ".npy", m), names_path(missing + ".npy"));
  CHECK_THROWS_WITH(wb::write_word2vec_text(missing + ".txt", m, kSampleIds),
                    names_path(missing + ".txt"));
  CHECK_THROWS_WITH(wb::write_torch_tensor(missing + ".pt", m), names_path(missing + ".pt"));
  CHECK_THROWS_WITH(wb::write_node_ids(missing + ".ids", kSampleIds), names_path(missing + ".ids"));
  CHECK_THROWS_AS(wb::write_npy(missing + ".npy", m), wb::Error);

  // A directory in the way fails only at the rename: the temporary file must go too.
  TempDir dir;
  const std::string blocked = dir.file("blocked");
  fs::create_directory(blocked);
  fs::create_directory(blocked + "/keep");  // non-empty, so rename cannot replace it
  CHECK_THROWS_WITH(wb::write_npy(blocked, m), names_path(blocked));
  CHECK(no_tmp_left(dir));
}

namespace {

std::string python_path() {
  std::string torch_dir;
  if (const char* configured = std::getenv("WORKBENCH_TORCH_PYTHONPATH")) {
    torch_dir = configured;
  } else if (const char* home = std::getenv("HOME")) {
    torch_dir = std::string(home) + "/.cache/workbench/torch-2.11.0";
  }
  std::string path;
  if (!torch_dir.empty() && fs::is_directory(torch_dir)) path = torch_dir;
  if (const char* existing = std::getenv("PYTHONPATH")) {
    if (*existing != '\0') path += (path.empty() ? "" : ":") + std::string(existing);
  }
  return path;
}

// Whether python3, with the LibTorch Python package on its path, can run
// `statement`. Runs in `dir` so that a folder in the test's working directory
// cannot pass for the module (an empty one imports as a namespace package).
bool python_can_run(const TempDir& dir, const std::string& statement) {
  const std::string command = "cd '" + dir.path().string() + "' && PYTHONPATH='" + python_path() +
                              "' python3 -c '" + statement + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// Checks `file` as a user would load it in Python, running `body` with `path`
// and `expected` defined; Python's error goes to the test log on failure.
bool python_check(const TempDir& dir, const std::string& file, const std::string& body) {
  const std::string script = dir.file(file + ".py");
  std::ofstream(script) << "import sys\n"
                        << "import numpy as np\n"
                        << "path = sys.argv[1]\n"
                        << "expected = np.array([[0.5, -1.25], [3, 0.001], [0.1, 123456.789]],"
                        << " dtype=np.float32)\n"
                        << body;
  const std::string command =
      "PYTHONPATH='" + python_path() + "' python3 '" + script + "' '" + dir.file(file) + "' 2>&1";
  return std::system(command.c_str()) == 0;
}

}  // namespace

TEST_CASE("Python libraries load the exported files", "[export]") {
  if (std::system("python3 --version >/dev/null 2>&1") != 0) {
    WARN("python3 not found: skipping the Python loading checks");
    return;
  }
  TempDir dir;
  const wb::Matrix m = sample_matrix();

  if (python_can_run(dir, "import numpy")) {
    wb::write_npy(dir.file("e.npy"), m);
    CHECK(python_check(
        dir, "e.npy",
        "a = np.load(path)\n"
        "assert a.dtype == np.float32 and a.shape == (3, 2), (a.dtype, a.shape)\n"
        "assert np.array_equal(a, expected), a\n"
        "import io\n"
        "saved = io.BytesIO()\n"
        "np.save(saved, expected)\n"
        "assert saved.getvalue() == open(path, 'rb').read(), 'differs from np.save'\n"));
  } else {
    WARN("numpy not importable: skipping the numpy.load check");
    return;  // the other checks compare against numpy arrays
  }

  if (python_can_run(dir, "import torch")) {
    wb::write_torch_tensor(dir.file("e.pt"), m);
    CHECK(python_check(dir, "e.pt",
                       "import torch\n"
                       "t = torch.load(path)\n"
                       "assert t.dtype == torch.float32 and tuple(t.shape) == (3, 2), t\n"
                       "assert np.array_equal(t.numpy(), expected), t\n"));
  } else {
    WARN("torch not importable: skipping the torch.load check");
  }

  if (python_can_run(dir, "from gensim.models import KeyedVectors")) {
    wb::write_word2vec_text(dir.file("e.txt"), m, kSampleIds);
    CHECK(python_check(dir, "e.txt",
                       "from gensim.models import KeyedVectors\n"
                       "kv = KeyedVectors.load_word2vec_format(path)\n"
                       "assert list(kv.index_to_key) == ['a', 'b', 'c'], kv.index_to_key\n"
                       "assert np.array_equal(kv.vectors, expected), kv.vectors\n"));
  } else {
    WARN("gensim not importable: skipping the KeyedVectors.load_word2vec_format check");
  }
}
