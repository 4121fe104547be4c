// The digests a run records for its inputs: SHA-256 as FIPS 180-4 defines it,
// on the CPU's SHA extensions and on the portable rounds, and of whole files
// as `sha256sum` prints them.
#include "core/sha256.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/errors.h"
#include "io/file_digest.h"
#include "test_support.h"

using namespace wb;

namespace {

// Feeds `text` in pieces of the given sizes (cycled), so that partial blocks
// and blocks split across updates are exercised.
std::string digest_in_pieces(const std::string& text, const std::vector<size_t>& pieces,
                             bool portable) {
  Sha256 hash;
  if (portable) hash.force_portable();
  size_t at = 0;
  for (size_t i = 0; at < text.size(); ++i) {
    const size_t size = std::min(pieces[i % pieces.size()], text.size() - at);
    hash.update(text.data() + at, size);
    at += size;
  }
  REQUIRE(hash.bytes_hashed() == static_cast<int64_t>(text.size()));
  return hash.hex_digest();
}

}  // namespace

TEST_CASE("SHA-256 gives FIPS 180-4's example digests", "[sha256]") {
  const std::vector<std::pair<std::string, std::string>> examples = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  WARN("SHA extensions used here: " << (Sha256::uses_cpu_extensions() ? "yes" : "no"));
  for (bool portable : {false, true}) {
    for (const auto& [text, expected] : examples) {
      INFO((portable ? "portable, " : "default, ") << text.size() << " bytes");
      CHECK(digest_in_pieces(text, {1 << 20}, portable) == expected);
      CHECK(digest_in_pieces(text, {1, 63, 64, 65, 7, 128}, portable) == expected);
    }
  }
}

TEST_CASE("SHA-256 is the same on the extensions and the portable rounds", "[sha256]") {
  std::mt19937 random(7);
  for (size_t length = 0; length < 300; ++length) {
    std::string text(length, '\0');
    for (char& c : text) c = static_cast<char>(random());
    const std::vector<size_t> pieces = {1 + random() % 70, 1 + random() % 200};
    INFO(length << " bytes");
    REQUIRE(digest_in_pieces(text, pieces, false) == digest_in_pieces(text, {length + 1}, true));
  }
}

TEST_CASE("a file's digest is sha256sum's, of its bytes on disk", "[sha256]") {
  const std::string data = std::string(WB_TEST_DATA_DIR) + "/weighted_graph.csv";
  const FileDigest graph = digest_file(data);
  // `sha256sum tests/data/weighted_graph.csv`
  CHECK(graph.sha256 == "92e07af609d0ffab9736b44866713c914ba07691e467149a8820a6542e5eb63b");
  CHECK(graph.bytes == static_cast<int64_t>(std::filesystem::file_size(data)));

  test::TempDir dir;
  CHECK(digest_file(dir.write("empty.txt", "")).sha256 ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  REQUIRE_THROWS_WITH(digest_file(dir.file("missing.txt")),
                      Catch::Contains("missing.txt") && Catch::Contains("file not found"));
  REQUIRE_THROWS_WITH(digest_file(dir.path().string()),
                      Catch::Contains("is a directory, expected a file"));
  const std::atomic<bool> cancelled{true};
  REQUIRE_THROWS_AS(digest_file(data, &cancelled), Interrupted);
  const std::atomic<bool> going_on{false};
  CHECK(digest_file(data, &going_on).sha256 == graph.sha256);
}
