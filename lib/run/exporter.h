#pragma once
// Writes what a run leaves behind in its artifact directory: the embeddings in
// each requested format, the node id mapping, the resolved config and the
// link-prediction split, each recorded as an artifact with its size.
#include <string>

#include "config/experiment_config.h"
#include "core/matrix.h"
#include "eval/link_split.h"
#include "graph/graph.h"
#include "run/recorder.h"
#include "walk/walk_sampler.h"

namespace wb {

// File names inside a run's artifact directory, defined once.
namespace artifact_files {
inline constexpr const char* kNpy = "embeddings.npy";
inline constexpr const char* kTorch = "embeddings.pt";
inline constexpr const char* kWord2vec = "embeddings.emb";
inline constexpr const char* kNodeIds = "node_ids.txt";
inline constexpr const char* kConfig = "config.toml";
inline constexpr const char* kSplit = "split.tsv";
inline constexpr const char* kWalks = "walks.txt";
}  // namespace artifact_files

// `node_ids` names the embeddings' rows; `split` may be null (no link prediction).
void export_run(const ExperimentConfig& config, const std::vector<std::string>& node_ids,
                const Walks& walks, const Matrix& embeddings, const LinkSplit* split,
                const std::string& directory, Recorder& recorder);

// Removes the files export_run writes from a run that did not finish, and the
// directory when that leaves it empty; a checkpoint for --resume stays.
void discard_artifacts(const std::string& directory);

}  // namespace wb
