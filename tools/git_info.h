#pragma once
// The commit of the source tree the binary was built from, and whether it had
// uncommitted changes, so a run can be traced to its code.
#include <string>

#include "exec/experiment_runner.h"

namespace wb::cli {

struct GitInfo {
  std::string commit;  // empty when not a git checkout
  bool dirty = false;
};

GitInfo read_git_info(const std::string& directory);

// The origin every command records with its runs: its command line, the
// commit of the source tree the binary was built from, and the artifact
// directory beside the store.
RunOrigin describe_origin(const std::string& command_line, const std::string& store_path);

}  // namespace wb::cli
