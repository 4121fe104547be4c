#include "git_info.h"

#include <array>
#include <cstdio>

#include "store/run_store.h"

namespace wb::cli {
namespace {

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 256> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  pclose(pipe);
  return output;
}

}  // namespace

GitInfo read_git_info(const std::string& directory) {
  GitInfo info;
  const std::string git = "git -C '" + directory + "' ";
  info.commit = run_command(git + "rev-parse HEAD 2>/dev/null");
  while (!info.commit.empty() && (info.commit.back() == '\n' || info.commit.back() == '\r')) {
    info.commit.pop_back();
  }
  if (!info.commit.empty()) {
    info.dirty = !run_command(git + "status --porcelain --untracked-files=no 2>/dev/null").empty();
  }
  return info;
}

RunOrigin describe_origin(const std::string& command_line, const std::string& store_path) {
  RunOrigin origin;
  origin.command_line = command_line;
  const GitInfo git = read_git_info(WORKBENCH_SOURCE_DIR);
  origin.git_commit = git.commit;
  origin.git_dirty = git.dirty;
  origin.artifact_root = artifact_root_of(store_path);
  return origin;
}

}  // namespace wb::cli
