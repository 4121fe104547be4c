#pragma once
// Sizes of memory and disk, for the checks made before something large is
// built (alias tables, walk corpora) and for the messages that explain them.
#include <string>

namespace wb {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

double physical_memory_bytes();
// The memory this process may use: the RAM, or its cgroup's memory limit
// (v1 or v2, the lowest along the path to the root) when that is lower, as
// under Slurm, Kubernetes or `docker run --memory`. Plans that default to a
// share of the memory take it from here, or they would size themselves by
// the host and be killed by the limit. The two paths are there for tests.
double usable_memory_bytes(const std::string& process_cgroups = "/proc/self/cgroup",
                           const std::string& cgroup_mount = "/sys/fs/cgroup");
// Bytes an unprivileged process may still write in the file system holding
// `directory`; throws ResourceError naming it when it cannot be read.
double free_disk_bytes(const std::string& directory);
// Whether `directory` is in a tmpfs, whose files are memory themselves.
bool is_memory_file_system(const std::string& directory);
// "12.34 GiB".
std::string format_gib(double bytes);

}  // namespace wb
