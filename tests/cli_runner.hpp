#pragma once
// Runs the `pdoom` executable (PDOOM_CLI_PATH, set by tests/CMakeLists.txt) for the CLI tests: its exit
// status, stdout, stderr and peak memory, optionally with text on stdin, a signal sent after a delay
// (the Ctrl-C tests), or run as an unprivileged user (so that a chmod 000 file is unreadable even when
// the tests run as root). Header-only; every function is inline.

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace pdoom_test {

/// What a run of `pdoom` did.
struct CliOutcome {
  bool started = false;      ///< the child process was created (false: pipe or fork failed, see err)
  int status = -1;           ///< exit status, or -1 when it ended by a signal or could not start
  int signal = 0;            ///< the signal that ended it, 0 if it exited
  bool timed_out = false;    ///< killed by the runner after CliRunOptions::timeout
  std::string out;           ///< everything written to stdout
  std::string err;           ///< everything written to stderr
  double seconds = 0;        ///< wall time from start to exit
  double seconds_after_signal = -1;  ///< wall time from the requested signal to exit; -1 if none was sent
  long peak_rss_kib = -1;    ///< its peak resident memory in KiB (ru_maxrss of this child alone), -1 if unknown
};

/// How to run it.
struct CliRunOptions {
  std::optional<std::string> stdin_text;  ///< written to its stdin (then closed); default: /dev/null
  std::optional<std::chrono::milliseconds> signal_after;  ///< send `signal_number` this long after start
  int signal_number = SIGINT;
  /// Run as user and group 65534 (nobody) when the tests run as root; ignored otherwise.
  bool as_unprivileged_user = false;
  std::chrono::seconds timeout{300};  ///< SIGKILL after this long: a hung pdoom fails the test, not CI
};

/// `text` in single quotes for /bin/sh (embedded quotes escaped).
inline std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

/// The whole content of a file ("" if it cannot be read).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

/// Replaces a file's content.
inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << text;
}

/// A scratch directory for this test process, `tag` telling the test files apart; created if needed.
/// World-readable, so that an unprivileged pdoom can read the models written there.
inline std::filesystem::path scratch_dir(const std::string& tag) {
  std::string name = "pdoom-";
  name += tag;
  name += "-";
  name += std::to_string(::getpid());
  const std::filesystem::path directory = std::filesystem::temp_directory_path() / name;
  std::filesystem::create_directories(directory);
  std::filesystem::permissions(directory, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                              std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                              std::filesystem::perms::others_exec);
  return directory;
}

/// Writes `text` to the file `name` in scratch_dir(tag); returns the file's path quoted for the shell.
inline std::string scratch_file(const std::string& tag, const std::string& name, const std::string& text) {
  const std::filesystem::path path = scratch_dir(tag) / name;
  write_text(path, text);
  return quoted(path.string());
}

/// The lines of a text, without their line breaks.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

namespace cli_runner_detail {

inline double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

inline void close_if_open(int& descriptor) {
  if (descriptor >= 0) ::close(descriptor);
  descriptor = -1;
}

}  // namespace cli_runner_detail

/// Runs `pdoom ARGUMENTS` through /bin/sh (so ARGUMENTS is shell text: quote paths with quoted()), the
/// shell replaced by pdoom itself (`exec`), so that a signal reaches pdoom and not the shell.
inline CliOutcome run_pdoom(const std::string& arguments, const CliRunOptions& options = {}) {
  using cli_runner_detail::close_if_open;
  using cli_runner_detail::seconds_between;
  using Clock = std::chrono::steady_clock;

  CliOutcome outcome;
  const std::string script = "exec " + quoted(PDOOM_CLI_PATH) + " " + arguments;
  // Everything the child needs is prepared before fork(): between fork and exec only async-signal-safe
  // calls are allowed (the test process may have threads).
  const char* const argv[] = {"sh", "-c", script.c_str(), nullptr};
  const bool drop_root = options.as_unprivileged_user && ::geteuid() == 0;
  const char* const stdin_text = options.stdin_text ? options.stdin_text->c_str() : nullptr;
  const std::size_t stdin_size = options.stdin_text ? options.stdin_text->size() : 0;

  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int in_pipe[2] = {-1, -1};
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0 || (stdin_text != nullptr && ::pipe(in_pipe) != 0)) {
    outcome.err = "cli_runner: pipe failed";
    return outcome;
  }
  const auto start = Clock::now();
  const pid_t child = ::fork();
  if (child < 0) {
    outcome.err = "cli_runner: fork failed";
    return outcome;
  }
  if (child == 0) {
    // A test runner started in the background may ignore SIGINT or block signals; pdoom must see the default.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (stdin_text != nullptr) {
      ::dup2(in_pipe[0], STDIN_FILENO);
    } else {
      const int null_input = ::open("/dev/null", O_RDONLY);
      if (null_input >= 0) ::dup2(null_input, STDIN_FILENO);
    }
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    for (const int descriptor : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], in_pipe[0], in_pipe[1]}) {
      if (descriptor > STDERR_FILENO) ::close(descriptor);
    }
    if (drop_root && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(126);
    ::execv("/bin/sh", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  outcome.started = true;
  close_if_open(out_pipe[1]);
  close_if_open(err_pipe[1]);
  close_if_open(in_pipe[0]);
  if (stdin_text != nullptr) {
    // Small inputs only: a pipe holds 64 KiB, and pdoom reads it whole before writing much.
    std::size_t written = 0;
    while (written < stdin_size) {
      const ssize_t n = ::write(in_pipe[1], stdin_text + written, stdin_size - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    close_if_open(in_pipe[1]);
  }

  std::optional<Clock::time_point> signal_at;
  if (options.signal_after) signal_at = start + *options.signal_after;
  std::optional<Clock::time_point> signalled;
  const Clock::time_point deadline = start + options.timeout;
  int out_fd = out_pipe[0];
  int err_fd = err_pipe[0];
  char buffer[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    const auto now = Clock::now();
    if (signal_at && !signalled && now >= *signal_at) {
      ::kill(child, options.signal_number);
      signalled = now;
    }
    if (now >= deadline) {
      ::kill(child, SIGKILL);
      outcome.timed_out = true;
      break;
    }
    auto wake = deadline;
    if (signal_at && !signalled && *signal_at < wake) wake = *signal_at;
    const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1;
    pollfd descriptors[2];
    nfds_t count = 0;
    if (out_fd >= 0) descriptors[count++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) descriptors[count++] = {err_fd, POLLIN, 0};
    const int ready = ::poll(descriptors, count, static_cast<int>(wait_ms));
    if (ready < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < count && ready > 0; ++i) {
      if (descriptors[i].revents == 0) continue;
      const ssize_t n = ::read(descriptors[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      const bool is_out = descriptors[i].fd == out_fd;
      if (n <= 0) {
        close_if_open(is_out ? out_fd : err_fd);
      } else {
        (is_out ? outcome.out : outcome.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  close_if_open(out_fd);
  close_if_open(err_fd);
  close_if_open(in_pipe[1]);
  int raw = 0;
  rusage usage{};
  pid_t waited = -1;
  while ((waited = ::wait4(child, &raw, 0, &usage)) < 0 && errno == EINTR) {
  }
  const auto end = Clock::now();
  if (waited == child) outcome.peak_rss_kib = usage.ru_maxrss;
  outcome.seconds = seconds_between(start, end);
  if (signalled) outcome.seconds_after_signal = seconds_between(*signalled, end);
  if (WIFEXITED(raw)) {
    outcome.status = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    outcome.signal = WTERMSIG(raw);
  }
  return outcome;
}

}  // namespace pdoom_test
