#pragma once
// The parsers read files (plain or gzip), so each fuzz input is written to a
// per-process scratch file first.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace wb::fuzz {

inline std::string write_input(const uint8_t* data, size_t size, const char* name) {
  const std::string path = "/tmp/workbench-fuzz-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace wb::fuzz
