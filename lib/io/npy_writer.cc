#include "io/npy_writer.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "core/errors.h"
#include "io/atomic_file.h"

// The payload is written straight from memory; NPY '<f4' is little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "write_npy assumes a little-endian host");

namespace wb {
namespace {

// numpy aligns the data to 64 bytes so the file can be memory-mapped.
constexpr size_t kArrayAlign = 64;
// numpy reserves room for the first axis to grow to this many digits, so an
// appender can rewrite the header in place; we keep it to stay byte-identical.
constexpr size_t kGrowthAxisMaxDigits = 21;
constexpr char kMagic[] = "\x93NUMPY\x01\x00";  // magic string + version 1.0
constexpr size_t kMagicLength = 8;
constexpr size_t kHeaderLengthSize = 2;  // version 1.0 stores it as uint16

std::string npy_header(const Matrix& m) {
  const std::string rows = std::to_string(m.rows);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " +
                     std::to_string(m.cols) + "), }";
  dict.append(kGrowthAxisMaxDigits - rows.size(), ' ');
  // Like numpy: count the final '\n', then pad so magic + length + dict end on
  // the alignment boundary (a full extra block when already aligned).
  const size_t with_newline = dict.size() + 1;
  const size_t padding =
      kArrayAlign - (kMagicLength + kHeaderLengthSize + with_newline) % kArrayAlign;
  dict.append(padding, ' ');
  dict.push_back('\n');

  std::string header(kMagic, kMagicLength);
  header.push_back(static_cast<char>(dict.size() & 0xff));
  header.push_back(static_cast<char>((dict.size() >> 8) & 0xff));
  return header + dict;
}

}  // namespace

void write_npy(const std::string& path, const Matrix& m) {
  const std::string header = npy_header(m);
  write_atomically(path, [&](std::FILE* file) {
    std::fwrite(header.data(), 1, header.size(), file);
    // An empty matrix has no buffer, and fwrite's pointer must not be null.
    if (!m.values.empty()) std::fwrite(m.values.data(), sizeof(float), m.values.size(), file);
  });
}

}  // namespace wb
