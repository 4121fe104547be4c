// The checkpoint file: tables, epoch and the fp16 loss scale come back as
// written, files of the previous format still load, and damaged or foreign
// files are refused with the file named.
#include "train/checkpoint.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/errors.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

TrainingCheckpoint numbered_checkpoint(int64_t rows, int64_t cols) {
  TrainingCheckpoint checkpoint;
  checkpoint.epochs_done = 3;
  checkpoint.input = Matrix(rows, cols);
  checkpoint.output = Matrix(rows, cols);
  for (size_t i = 0; i < checkpoint.input.values.size(); ++i) {
    checkpoint.input.values[i] = static_cast<float>(i) * 0.5f;
    checkpoint.output.values[i] = -static_cast<float>(i);
  }
  return checkpoint;
}

// A file as version 01 wrote it: the header, then both tables, no loss scale.
void write_version_01(const std::string& path, const CheckpointKey& key,
                      const TrainingCheckpoint& checkpoint) {
  struct {
    char magic[8];
    uint64_t fingerprint;
    int64_t epochs_done, rows, cols;
  } header{};
  std::memcpy(header.magic, "WBCKPT01", 8);
  header.fingerprint = key.fingerprint();
  header.epochs_done = checkpoint.epochs_done;
  header.rows = checkpoint.input.rows;
  header.cols = checkpoint.input.cols;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  std::fwrite(&header, sizeof(header), 1, file);
  std::fwrite(checkpoint.input.values.data(), 4, checkpoint.input.values.size(), file);
  std::fwrite(checkpoint.output.values.data(), 4, checkpoint.output.values.size(), file);
  std::fclose(file);
}

// Loads `path`, requiring the epoch and both tables of `written`.
TrainingCheckpoint load_same_tables(const std::string& path, const CheckpointKey& key,
                                    const TrainingCheckpoint& written) {
  auto read = load_checkpoint(path, key);
  REQUIRE(read.has_value());
  REQUIRE(read->epochs_done == written.epochs_done);
  REQUIRE(read->input.values == written.input.values);
  REQUIRE(read->output.values == written.output.values);
  return std::move(*read);
}

}  // namespace

TEST_CASE("a checkpoint gives back its tables, epoch and loss scale", "[train][resume]") {
  test::TempDir dir;
  const CheckpointKey key{"torch", 6, 4, 11};
  TrainingCheckpoint written = numbered_checkpoint(6, 4);
  written.loss_scale = {8192.0, 517, 4};
  save_checkpoint(dir.file("c.bin"), key, written);

  const TrainingCheckpoint read = load_same_tables(dir.file("c.bin"), key, written);
  REQUIRE(read.loss_scale.scale == 8192.0);
  REQUIRE(read.loss_scale.good_steps == 517);
  REQUIRE(read.loss_scale.skipped_steps == 4);

  REQUIRE_FALSE(load_checkpoint(dir.file("missing.bin"), key).has_value());
  REQUIRE_THROWS_WITH(load_checkpoint(dir.file("c.bin"), CheckpointKey{"fused", 6, 4, 11}),
                      Contains(dir.file("c.bin")) && Contains("another trainer"));
}

TEST_CASE("a checkpoint of the previous format loads, without a loss scale", "[train][resume]") {
  test::TempDir dir;
  const CheckpointKey key{"torch", 5, 2, 7};
  const TrainingCheckpoint written = numbered_checkpoint(5, 2);
  write_version_01(dir.file("old.bin"), key, written);

  REQUIRE_FALSE(load_same_tables(dir.file("old.bin"), key, written).loss_scale.recorded());
}

TEST_CASE("a truncated checkpoint is refused, naming the file", "[train][resume]") {
  test::TempDir dir;
  const CheckpointKey key{"fused", 6, 4, 1};
  save_checkpoint(dir.file("c.bin"), key, numbered_checkpoint(6, 4));
  std::filesystem::resize_file(dir.file("c.bin"), 100);
  REQUIRE_THROWS_WITH(load_checkpoint(dir.file("c.bin"), key),
                      Contains(dir.file("c.bin")) && Contains("truncated"));
}

TEST_CASE("a restored loss scaler goes on from the saved scale", "[train][amp][resume]") {
  LossScaler first(true, 1024.0, 3);
  REQUIRE_FALSE(first.update(false));  // 512
  REQUIRE(first.update(true));
  REQUIRE(first.update(true));
  const LossScaleState saved = first.state();
  REQUIRE(saved.scale == 512.0);
  REQUIRE(saved.good_steps == 2);
  REQUIRE(saved.skipped_steps == 1);

  LossScaler resumed(true, 1024.0, 3);
  resumed.restore(saved);
  REQUIRE(resumed.update(true));  // the third good step since the back-off doubles it
  REQUIRE(resumed.scale() == 1024.0);
  REQUIRE(resumed.skipped_steps() == 1);

  LossScaler fp32(false);
  REQUIRE_FALSE(fp32.state().recorded());
  fp32.restore(saved);
  REQUIRE(fp32.scale() == 1.0);
}
