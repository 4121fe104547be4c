#pragma once
// SHA-256 (FIPS 180-4), so that a run records exactly which data it read in a
// form anyone can check with `sha256sum`. Uses the x86 SHA extensions where
// the CPU has them (about 4x faster), the portable rounds otherwise.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace wb {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t bytes);
  // The digest as 64 lowercase hex digits. Ends the hash: call once.
  std::string hex_digest();
  int64_t bytes_hashed() const { return static_cast<int64_t>(total_bytes_); }

  // Whether update() runs on the SHA extensions; for tests and benchmarks.
  static bool uses_cpu_extensions();
  // The portable rounds even on a CPU with the extensions, so that tests can
  // compare the two.
  void force_portable() { portable_ = true; }

 private:
  void compress(const uint8_t* blocks, size_t count);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> pending_{};  // a partial block
  size_t pending_bytes_ = 0;
  uint64_t total_bytes_ = 0;
  bool portable_;
};

}  // namespace wb
