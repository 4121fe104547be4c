#include "train/checkpoint.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/errors.h"
#include "core/random.h"
#include "io/atomic_file.h"

namespace wb {
namespace {

// Version 02 adds the fp16 loss scale after the header; version 01 files,
// written before it, still load (without a loss scale).
constexpr char kMagic[8] = {'W', 'B', 'C', 'K', 'P', 'T', '0', '2'};
constexpr char kMagicVersion01[8] = {'W', 'B', 'C', 'K', 'P', 'T', '0', '1'};

struct Header {
  char magic[8];
  uint64_t fingerprint;
  int64_t epochs_done;
  int64_t rows;
  int64_t cols;
};

void write_or_throw(std::FILE* file, const void* data, size_t bytes) {
  if (std::fwrite(data, 1, bytes, file) != bytes) throw Error("checkpoint: write failed");
}

}  // namespace

uint64_t CheckpointKey::fingerprint() const {
  uint64_t h = mix64(static_cast<uint64_t>(num_nodes));
  h = mix64(h ^ static_cast<uint64_t>(dimension));
  h = mix64(h ^ seed);
  for (char c : trainer) h = mix64(h ^ static_cast<unsigned char>(c));
  return h;
}

void save_checkpoint(const std::string& path, const CheckpointKey& key,
                     const TrainingCheckpoint& checkpoint) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_atomically(path, [&](std::FILE* file) {
    Header header{};
    std::memcpy(header.magic, kMagic, sizeof(kMagic));
    header.fingerprint = key.fingerprint();
    header.epochs_done = checkpoint.epochs_done;
    header.rows = checkpoint.input.rows;
    header.cols = checkpoint.input.cols;
    write_or_throw(file, &header, sizeof(header));
    write_or_throw(file, &checkpoint.loss_scale, sizeof(checkpoint.loss_scale));
    write_or_throw(file, checkpoint.input.values.data(), checkpoint.input.values.size() * 4);
    write_or_throw(file, checkpoint.output.values.data(), checkpoint.output.values.size() * 4);
  });
}

std::optional<TrainingCheckpoint> load_checkpoint(const std::string& path,
                                                  const CheckpointKey& key) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return std::nullopt;
  Header header{};
  const auto damaged = [&](const std::string& why) {
    return DataError(located(path, 0, "checkpoint cannot be resumed from: " + why));
  };
  if (std::fread(&header, sizeof(header), 1, file.get()) != 1) {
    throw damaged("not a workbench checkpoint");
  }
  const bool current = std::memcmp(header.magic, kMagic, sizeof(kMagic)) == 0;
  if (!current && std::memcmp(header.magic, kMagicVersion01, sizeof(kMagic)) != 0) {
    throw damaged("not a workbench checkpoint");
  }
  if (header.fingerprint != key.fingerprint() || header.rows != key.num_nodes ||
      header.cols != key.dimension) {
    throw damaged("written for another trainer, graph, dimension or seed");
  }
  TrainingCheckpoint checkpoint;
  checkpoint.epochs_done = header.epochs_done;
  if (current &&
      std::fread(&checkpoint.loss_scale, sizeof(checkpoint.loss_scale), 1, file.get()) != 1) {
    throw damaged("truncated");
  }
  checkpoint.input = Matrix(header.rows, header.cols);
  checkpoint.output = Matrix(header.rows, header.cols);
  for (Matrix* table : {&checkpoint.input, &checkpoint.output}) {
    const size_t count = table->values.size();
    if (std::fread(table->values.data(), 4, count, file.get()) != count) {
      throw damaged("truncated");
    }
  }
  return checkpoint;
}

}  // namespace wb
