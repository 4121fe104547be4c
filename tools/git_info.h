#pragma once
// The commit of the source tree the binary was built from, and whether it had
// uncommitted changes, so a run can be traced to its code.
#include <string>

namespace wb::cli {

struct GitInfo {
  std::string commit;  // empty when not a git checkout
  bool dirty = false;
};

GitInfo read_git_info(const std::string& directory);

}  // namespace wb::cli
