#pragma once
// The files a run reads, named by content (io/file_digest.h): recorded with
// the run, and checked against what a resumed run read before.
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "config/experiment_config.h"
#include "io/file_digest.h"
#include "run/recorder.h"

namespace wb {

struct InputFile {
  std::string role;  // "graph", "labels", "embeddings", "embeddings_ids"
  std::string path;
  FileDigest digest;
};

// The files the config names, in that order, not yet digested. A generated
// graph is none: its params say what it was.
std::vector<InputFile> input_files_of(const ExperimentConfig& config);

// Fills in each file's digest; throws DataError when one cannot be read,
// Interrupted once `cancel` is set (see digest_file).
std::vector<InputFile> digest_inputs(std::vector<InputFile> files,
                                     const std::atomic<bool>* cancel = nullptr);

// Throws DataError, naming the file and both digests, when a file's role is
// in `resumed` (role -> sha256, what the run read before it was resumed)
// with another digest; otherwise records every file.
void check_and_record_inputs(const std::vector<InputFile>& files,
                             const std::map<std::string, std::string>& resumed, Recorder& recorder);

}  // namespace wb
