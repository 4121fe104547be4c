#pragma once
// Writes a file through `path.tmp` and renames it into place, so readers (and
// a crash) never see a half-written file under the final name.
#include <cstdio>
#include <functional>
#include <string>

namespace wb {

// `fill` writes the content; an exception from it, or a failed write, close or
// rename, removes the temporary file. Throws wb::Error naming the path.
void write_atomically(const std::string& path, const std::function<void(std::FILE*)>& fill);

void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace wb
