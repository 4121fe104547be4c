#include "io/ordered_text_writer.h"

#include <algorithm>
#include <deque>
#include <future>

#include "core/parallel.h"

namespace wb {

void write_chunks_in_order(std::FILE* file, int64_t count, int64_t chunk, int threads,
                           const ChunkFormatter& format) {
  chunk = std::max<int64_t>(1, chunk);
  const auto workers = static_cast<size_t>(resolve_thread_count(threads));
  const auto policy = workers > 1 ? std::launch::async : std::launch::deferred;
  // Each task formats one chunk; the oldest is written while the others run.
  // With `workers` tasks in flight the memory held is that many chunks' text.
  std::deque<std::future<std::string>> in_flight;
  int64_t next = 0;
  while (next < count || !in_flight.empty()) {
    while (next < count && in_flight.size() < workers) {
      const int64_t begin = next;
      const int64_t end = std::min(count, begin + chunk);
      in_flight.push_back(std::async(policy, [&format, begin, end] {
        std::string text;
        format(begin, end, text);
        return text;
      }));
      next = end;
    }
    const std::string text = in_flight.front().get();
    in_flight.pop_front();
    std::fwrite(text.data(), 1, text.size(), file);
  }
}

}  // namespace wb
