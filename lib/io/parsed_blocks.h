#pragma once
// The pipeline of the large-text readers (edge lists, word2vec text): blocks
// of whole lines are read in order on the calling thread and parsed on up to
// `threads` tasks a few blocks ahead; each parsed block is handed on in file
// order, so state that depends on earlier lines (ids, headers, the first
// error) is kept on one thread and the first bad line is the one named.
#include <deque>
#include <exception>
#include <future>

#include "core/parallel.h"
#include "io/text_blocks.h"

namespace wb {

// task_for(TextBlock&&) runs on this thread as each block is read and returns
// the task that parses it (so whatever a parse needs from earlier blocks, a
// header found in the first, is settled before the task starts); the task
// runs on a worker and returns the parsed block; consume(parsed) runs on this
// thread in file order. A read error (a corrupt gzip stream) is rethrown
// after the blocks read before it are consumed.
template <class TaskFor, class Consume>
void parse_blocks_in_order(TextBlockReader& reader, int threads, TaskFor task_for,
                           Consume consume) {
  const auto workers = static_cast<size_t>(resolve_thread_count(threads));
  const auto policy = workers > 1 ? std::launch::async : std::launch::deferred;
  using Parsed = decltype(task_for(TextBlock{})());
  std::deque<std::future<Parsed>> in_flight;
  std::exception_ptr read_failure;
  bool more = true;
  while (more || !in_flight.empty()) {
    while (more && in_flight.size() < workers) {
      TextBlock block;
      try {
        more = reader.next(block);
      } catch (...) {
        read_failure = std::current_exception();
        more = false;
      }
      if (!more) break;
      in_flight.push_back(std::async(policy, task_for(std::move(block))));
    }
    if (in_flight.empty()) break;
    const Parsed parsed = in_flight.front().get();
    in_flight.pop_front();
    consume(parsed);
  }
  if (read_failure) std::rethrow_exception(read_failure);
}

}  // namespace wb
