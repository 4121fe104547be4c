#include "core/spill_allocator.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"
#include "core/memory_size.h"

namespace wb {

void* map_spill_file(const std::string& directory, size_t bytes) {
  std::string name = directory + "/workbench-spill-XXXXXX";
  const int fd = mkstemp(name.data());
  if (fd < 0) {
    throw ResourceError(directory + ": cannot create a file to hold " +
                        format_gib(static_cast<double>(bytes)) + ": " + std::strerror(errno));
  }
  // Unlinked now, so the blocks go back to the disk however the process ends.
  unlink(name.c_str());
  const int reserve_error = posix_fallocate(fd, 0, static_cast<off_t>(bytes));
  if (reserve_error != 0) {
    close(fd);
    throw ResourceError(directory + ": cannot reserve " + format_gib(static_cast<double>(bytes)) +
                        " (" + format_gib(free_disk_bytes(directory)) +
                        " free): " + std::strerror(reserve_error));
  }
  void* data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const int map_errno = errno;
  close(fd);  // the mapping keeps the file open
  if (data == MAP_FAILED) {
    throw ResourceError(directory + ": cannot map " + format_gib(static_cast<double>(bytes)) +
                        ": " + std::strerror(map_errno));
  }
  return data;
}

void unmap_spill_file(void* data, size_t bytes) { munmap(data, bytes); }

}  // namespace wb
