#include "run/run_inputs.h"

#include "core/errors.h"

namespace wb {

std::vector<InputFile> input_files_of(const ExperimentConfig& config) {
  std::vector<InputFile> files;
  if (config.graph.generator.empty()) files.push_back({"graph", config.graph.path, {}});
  if (config.eval.task == "node_classification") {
    files.push_back({"labels", config.eval.labels, {}});
  }
  if (!config.train.embeddings.empty()) {
    files.push_back({"embeddings", config.train.embeddings, {}});
  }
  if (!config.train.embeddings_ids.empty()) {
    files.push_back({"embeddings_ids", config.train.embeddings_ids, {}});
  }
  return files;
}

std::vector<InputFile> digest_inputs(std::vector<InputFile> files,
                                     const std::atomic<bool>* cancel) {
  for (InputFile& file : files) file.digest = digest_file(file.path, cancel);
  return files;
}

void check_and_record_inputs(const std::vector<InputFile>& files,
                             const std::map<std::string, std::string>& resumed,
                             Recorder& recorder) {
  for (const InputFile& file : files) {
    const auto before = resumed.find(file.role);
    if (before != resumed.end() && before->second != file.digest.sha256) {
      throw DataError(located(file.path, 0,
                              "the " + file.role + " file changed since this run started (sha256 " +
                                  before->second.substr(0, 12) + "... then, " +
                                  file.digest.sha256.substr(0, 12) +
                                  "... now); its checkpoint belongs to the old data: start a "
                                  "new run instead of resuming"));
    }
  }
  for (const InputFile& file : files) {
    recorder.input(file.role, file.path, file.digest.bytes, file.digest.sha256);
  }
}

}  // namespace wb
