#pragma once
// Errors a user can cause. Each carries where it happened (file, line, field)
// so the CLI can print one clear message; programmer errors use assertions.
#include <stdexcept>
#include <string>

namespace wb {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An experiment or sweep file, or a --set override, that does not validate.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// Input data that cannot be read: missing files, malformed lines, empty graphs.
class DataError : public Error {
 public:
  using Error::Error;
};

// Training diverged (NaN/Inf loss) or a numeric limit was hit.
class NumericError : public Error {
 public:
  using Error::Error;
};

// A resource limit (memory, disk) that the job would exceed.
class ResourceError : public Error {
 public:
  using Error::Error;
};

// The user asked the job to stop (Ctrl-C, SIGTERM).
class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted") {}
};

// "file:line: message", or "file: message" when the line is unknown (0).
std::string located(const std::string& file, long line, const std::string& message);

}  // namespace wb
