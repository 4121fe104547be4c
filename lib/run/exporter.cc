#include "run/exporter.h"

#include <filesystem>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "io/atomic_file.h"
#include "io/node_ids_writer.h"
#include "io/npy_writer.h"
#include "io/torch_writer.h"
#include "io/walks_writer.h"
#include "io/word2vec_writer.h"

namespace wb {
namespace {

// One line per evaluation pair: "set u v label" with the original node ids, so
// the exact split can be reused by other tools.
std::string split_text(const std::vector<std::string>& node_ids, const LinkSplit& split) {
  std::string text = "# set\tu\tv\tlabel\n";
  auto add = [&](const char* set, const std::vector<NodePair>& pairs, int label) {
    for (const auto& pair : pairs) {
      text += std::string(set) + "\t" + node_ids[pair.u] + "\t" + node_ids[pair.v] + "\t" +
              std::to_string(label) + "\n";
    }
  };
  add("test", split.test_edges, 1);
  add("test", split.test_non_edges, 0);
  add("validation", split.validation_edges, 1);
  add("validation", split.validation_non_edges, 0);
  add("train", split.train_edges, 1);
  add("train", split.train_non_edges, 0);
  return text;
}

}  // namespace

void export_run(const ExperimentConfig& config, const std::vector<std::string>& node_ids,
                const Walks& walks, const Matrix& embeddings, const LinkSplit* split,
                const std::string& directory, Recorder& recorder) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    throw Error(located(directory, 0, "cannot create the artifact directory: " + ec.message()));
  const auto path_of = [&](const char* name) {
    return (std::filesystem::path(directory) / name).string();
  };
  // Recorded only once every file is written, so a failed export leaves no
  // artifact rows pointing at files that are not all there.
  std::vector<std::pair<std::string, std::string>> written;
  const auto record = [&](const std::string& kind, const std::string& path) {
    written.emplace_back(kind, path);
  };
  const int threads = static_cast<int>(config.experiment.threads);
  for (const auto& format : config.export_.formats) {
    if (format == "npy") {
      write_npy(path_of(artifact_files::kNpy), embeddings);
      record("embeddings_npy", path_of(artifact_files::kNpy));
    } else if (format == "pt") {
      write_torch_tensor(path_of(artifact_files::kTorch), embeddings);
      record("embeddings_pt", path_of(artifact_files::kTorch));
    } else if (format == "word2vec") {
      write_word2vec_text(path_of(artifact_files::kWord2vec), embeddings, node_ids, threads);
      record("embeddings_word2vec", path_of(artifact_files::kWord2vec));
    } else if (format == "walks") {
      write_walks_text(path_of(artifact_files::kWalks), walks, node_ids, threads);
      record("walks", path_of(artifact_files::kWalks));
    }
  }
  write_node_ids(path_of(artifact_files::kNodeIds), node_ids);
  record("node_ids", path_of(artifact_files::kNodeIds));
  write_text_atomically(path_of(artifact_files::kConfig), to_toml(config));
  record("config", path_of(artifact_files::kConfig));
  if (split != nullptr) {
    write_text_atomically(path_of(artifact_files::kSplit), split_text(node_ids, *split));
    record("split", path_of(artifact_files::kSplit));
  }
  for (const auto& [kind, path] : written) {
    recorder.artifact(kind, path, static_cast<int64_t>(std::filesystem::file_size(path)));
  }
}

void discard_artifacts(const std::string& directory) {
  if (directory.empty()) return;
  std::error_code ec;
  for (const char* name : {artifact_files::kNpy, artifact_files::kTorch, artifact_files::kWord2vec,
                           artifact_files::kNodeIds, artifact_files::kConfig,
                           artifact_files::kSplit, artifact_files::kWalks}) {
    std::filesystem::remove(std::filesystem::path(directory) / name, ec);
  }
  // Only when empty: a checkpoint (or anything a user put there) stays.
  std::filesystem::remove(directory, ec);
}

}  // namespace wb
