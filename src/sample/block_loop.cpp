#include "pdoom/sample/block_loop.hpp"

#include "pdoom/error.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace pdoom {
namespace {

constexpr std::uint64_t no_block = std::numeric_limits<std::uint64_t>::max();

// Everything the workers share. The mutex guards all members except the two atomics.
struct LoopState {
  LoopState(std::uint64_t block_count, std::size_t window_size, const BlockLoopTasks& loop_tasks)
      : blocks(block_count), window(window_size), tasks(loop_tasks), ready(window_size, 0) {}

  const std::uint64_t blocks;
  const std::size_t window;
  const BlockLoopTasks& tasks;

  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> no_new_blocks{false};  // stop requested, or a block failed
  std::mutex mutex;
  std::condition_variable slot_freed;
  std::vector<char> ready;        // ready[slot]: the block of that slot is computed, not yet committed
  std::uint64_t committed = 0;    // blocks [0, committed) are committed
  bool committing = false;        // some thread is running the commit loop
  bool abandoned = false;         // a commit failed: nothing more is committed
  std::uint64_t failed_block = no_block;
  std::exception_ptr process_failure;
  std::exception_ptr commit_failure;

  // Commits every consecutive ready block. Called with the lock held; only one thread at a time gets
  // past the `committing` flag, and the flag is cleared in the same critical section that finds no
  // ready block, so a block made ready meanwhile is always committed by its own thread.
  void commit_ready(std::unique_lock<std::mutex>& lock) {
    if (committing) return;
    committing = true;
    while (!abandoned && committed < blocks && ready[committed % window] != 0) {
      const std::uint64_t block = committed;
      const auto slot = static_cast<std::size_t>(block % window);
      lock.unlock();
      bool stop = false;
      std::exception_ptr failure;
      try {
        tasks.commit(block, slot);
        stop = tasks.should_stop && tasks.should_stop();
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      if (failure) {
        commit_failure = failure;
        abandoned = true;
        no_new_blocks = true;
      } else {
        ready[slot] = 0;
        ++committed;
        if (stop) no_new_blocks = true;
      }
      slot_freed.notify_all();
    }
    committing = false;
  }

  void work(std::size_t worker) {
    for (;;) {
      if (no_new_blocks.load()) return;
      const std::uint64_t block = next.fetch_add(1);
      if (block >= blocks) return;
      {
        std::unique_lock lock(mutex);
        slot_freed.wait(lock, [&] { return block < committed + window || abandoned || block > failed_block; });
        if (abandoned || block > failed_block) return;
      }
      const auto slot = static_cast<std::size_t>(block % window);
      try {
        tasks.process(block, slot, worker);
      } catch (...) {
        std::unique_lock lock(mutex);
        if (block < failed_block) {
          failed_block = block;
          process_failure = std::current_exception();
        }
        no_new_blocks = true;
        slot_freed.notify_all();
        return;  // later blocks are abandoned; earlier ones are being finished by their threads
      }
      std::unique_lock lock(mutex);
      ready[slot] = 1;
      commit_ready(lock);
    }
  }
};

}  // namespace

unsigned resolve_thread_count(unsigned requested) noexcept {
  if (requested > 0) return requested;
  return std::max(1U, std::thread::hardware_concurrency());
}

std::uint64_t for_each_block_ordered(std::uint64_t blocks, unsigned threads, std::size_t window,
                                     const BlockLoopTasks& tasks) {
  if (threads == 0) throw Error("for_each_block_ordered: threads must be at least 1");
  if (window == 0) throw Error("for_each_block_ordered: window must be at least 1");
  if (!tasks.process || !tasks.commit) throw Error("for_each_block_ordered: process and commit are required");
  if (blocks == 0) return 0;
  if (tasks.should_stop && tasks.should_stop()) return 0;

  LoopState state(blocks, window, tasks);
  const auto thread_count = static_cast<std::size_t>(std::min<std::uint64_t>(threads, blocks));
  {
    std::vector<std::jthread> helpers;
    helpers.reserve(thread_count - 1);
    for (std::size_t worker = 1; worker < thread_count; ++worker) {
      helpers.emplace_back([&state, worker] { state.work(worker); });
    }
    state.work(0);
  }  // joins the helpers
  if (state.commit_failure) std::rethrow_exception(state.commit_failure);
  if (state.process_failure) std::rethrow_exception(state.process_failure);
  return state.committed;
}

}  // namespace pdoom
