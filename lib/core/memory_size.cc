#include "core/memory_size.h"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/errors.h"

namespace wb {

double physical_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

namespace {

// The lowest limit in `file_name` of `cgroup` and its ancestors under `mount`;
// a path that is not there (a container that sees its own cgroup as the
// root) is skipped, and "max" (v2) or v1's huge number mean no limit.
double lowest_cgroup_limit(const std::filesystem::path& mount, const std::string& cgroup,
                           const std::string& file_name) {
  double lowest = std::numeric_limits<double>::infinity();
  std::filesystem::path relative = std::filesystem::path(cgroup).relative_path();
  while (true) {
    std::ifstream file(mount / relative / file_name);
    std::string value;
    if (file >> value && value != "max") {
      char* end = nullptr;
      const double limit = std::strtod(value.c_str(), &end);
      if (end != value.c_str() && limit > 0) lowest = std::min(lowest, limit);
    }
    if (relative.empty()) break;
    relative = relative.parent_path();
  }
  return lowest;
}

}  // namespace

double usable_memory_bytes(const std::string& process_cgroups, const std::string& cgroup_mount) {
  const std::filesystem::path mount(cgroup_mount);
  double usable = physical_memory_bytes();
  std::ifstream cgroups(process_cgroups);
  std::string line;
  while (std::getline(cgroups, line)) {
    // hierarchy-id:controllers:path; v2's single hierarchy has no controllers.
    const size_t first = line.find(':');
    const size_t second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controllers.empty()) {
      usable = std::min(usable, lowest_cgroup_limit(mount, path, "memory.max"));
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      usable =
          std::min(usable, lowest_cgroup_limit(mount / "memory", path, "memory.limit_in_bytes"));
    }
  }
  return usable;
}

double free_disk_bytes(const std::string& directory) {
  struct statvfs info {};
  if (statvfs(directory.c_str(), &info) != 0) {
    throw ResourceError(directory + ": cannot read its free space: " + std::strerror(errno));
  }
  return static_cast<double>(info.f_bavail) * static_cast<double>(info.f_frsize);
}

bool is_memory_file_system(const std::string& directory) {
  struct statfs info {};
  if (statfs(directory.c_str(), &info) != 0) return false;
  return info.f_type == TMPFS_MAGIC || info.f_type == RAMFS_MAGIC;
}

std::string format_gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f GiB", bytes / kGiB);
  return text;
}

}  // namespace wb
