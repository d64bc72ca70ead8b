// Shared helpers of the pdoom subcommands: diagnostics, model loading, whole-number options, output
// destinations checked up front, atomic output files.

#include "cli_common.hpp"

#include "pdoom/io/model_file.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <limits>
#include <ostream>
#include <streambuf>

namespace pdoom::cli {

namespace {

std::string system_error_text() { return std::strerror(errno); }

// "1099511627776 (2^40)" for powers of two above 2^20, so that a range reads at a glance.
std::string count_text(std::uint64_t value) {
  if (value == std::numeric_limits<std::uint64_t>::max()) return "2^64 - 1";
  if (value > (std::uint64_t{1} << 20) && (value & (value - 1)) == 0) {
    int power = 0;
    while ((std::uint64_t{1} << power) != value) ++power;
    return fmt::format("2^{}", power);
  }
  return std::to_string(value);
}

}  // namespace

void print_diagnostic(std::FILE* stream, const Diagnostic& diagnostic) {
  const std::string where = diagnostic.location.to_string();
  std::fprintf(stream, "%s: %s%s%s\n", diagnostic.severity == Diagnostic::Severity::error ? "error" : "warning",
               where.c_str(), where.empty() ? "" : ": ", diagnostic.message.c_str());
}

Model load_model_for_command(const std::string& path, bool quiet) {
  std::vector<Diagnostic> warnings;
  Model model = load_model(path, &warnings);
  if (!quiet) {
    for (const Diagnostic& warning : warnings) print_diagnostic(stderr, warning);
  }
  return model;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::size_t i = 0;
  std::string digits;
  std::size_t fraction_digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) digits += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      digits += text[i++];
      ++fraction_digits;
    }
  }
  if (digits.empty()) return std::nullopt;
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && text[i] == '+') ++i;
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i - start < 6) {
      exponent = exponent * 10 + (text[i++] - '0');
    }
    if (i == start) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  exponent -= static_cast<long>(fraction_digits);
  // Drop the fraction's trailing zeros ("2.50e5"); what remains must be absorbed by the exponent.
  while (exponent < 0 && !digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (exponent < 0) return std::nullopt;
  std::uint64_t value = 0;
  constexpr std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
  for (const char c : digits) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  for (long e = 0; e < exponent && value != 0; ++e) {
    if (value > limit / 10) return std::nullopt;
    value *= 10;
  }
  return value;
}

CLI::Option* require_count(CLI::Option* option, const std::string& what, std::uint64_t minimum,
                           std::uint64_t maximum) {
  const std::string range = "from " + count_text(minimum) + " to " + count_text(maximum);
  option->transform(CLI::Validator(
      [what, range, minimum, maximum](std::string& text) -> std::string {
        const std::optional<std::uint64_t> value = parse_count(text);
        if (!value) return what + " must be a whole number " + range + ", not '" + text + "'";
        if (*value < minimum) return what + " must be at least " + count_text(minimum) + ", not " + text;
        if (*value > maximum) return what + " must be at most " + count_text(maximum) + ", not " + text;
        text = std::to_string(*value);
        return {};
      },
      "in [" + count_text(minimum) + ", " + count_text(maximum) + "]"));
  return option;
}

namespace {

// The temporary file being written, for the signal handler to remove. A fixed buffer and a flag: a
// handler may only use async-signal-safe calls (unlink, signal, raise).
char pending_temporary[4096];
volatile std::sig_atomic_t temporary_pending = 0;

extern "C" void remove_temporary_and_reraise(int signal_number) {
  if (temporary_pending != 0) ::unlink(pending_temporary);
  temporary_pending = 0;
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// While it lives, SIGINT, SIGTERM and SIGHUP remove the temporary file before ending the program as they
// would have, so that an interrupted write leaves neither a partial destination nor a stray temporary.
// Signals the program ignores stay ignored.
class TemporaryFile {
 public:
  // Creates "<directory>/.<name>.tmp-XXXXXX" with the signals blocked, so that none can arrive between
  // the file's creation and the handler's knowing its name.
  TemporaryFile(const std::filesystem::path& directory, const std::string& name) {
    std::string temporary_name = ".";
    temporary_name += name;
    temporary_name += ".tmp-XXXXXX";  // built piecewise: `"." + string` trips GCC 12's false -Wrestrict
    path_ = (directory / temporary_name).string();
    if (path_.size() >= sizeof pending_temporary) throw Error("path too long: '" + path_ + "'");
    sigset_t signals;
    sigemptyset(&signals);
    for (const int signal_number : handled) sigaddset(&signals, signal_number);
    sigset_t previous_mask;
    ::pthread_sigmask(SIG_BLOCK, &signals, &previous_mask);
    descriptor_ = ::mkstemp(path_.data());
    const int creation_error = errno;
    if (descriptor_ >= 0) {
      std::memcpy(pending_temporary, path_.c_str(), path_.size() + 1);
      temporary_pending = 1;
      for (std::size_t i = 0; i < std::size(handled); ++i) {
        struct sigaction action {};
        action.sa_handler = remove_temporary_and_reraise;
        sigemptyset(&action.sa_mask);
        ::sigaction(handled[i], nullptr, &previous_[i]);
        if (previous_[i].sa_handler != SIG_IGN) ::sigaction(handled[i], &action, nullptr);
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    if (descriptor_ < 0) {
      errno = creation_error;
      throw Error(system_error_text());
    }
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (descriptor_ >= 0) ::close(descriptor_);
    if (temporary_pending != 0) ::unlink(path_.c_str());
    release();
  }

  [[nodiscard]] int descriptor() const noexcept { return descriptor_; }

  // Closes the file and renames it over `destination`; an error leaves the temporary to the destructor.
  void commit(const std::filesystem::path& destination) {
    const int descriptor = descriptor_;
    descriptor_ = -1;
    if (::close(descriptor) != 0) throw Error(system_error_text());
    if (std::rename(path_.c_str(), destination.c_str()) != 0) throw Error(system_error_text());
    release();
  }

 private:
  static constexpr int handled[] = {SIGINT, SIGTERM, SIGHUP};

  // Forgets the temporary and gives the signals back their previous handlers.
  void release() noexcept {
    if (released_) return;
    released_ = true;
    temporary_pending = 0;
    for (std::size_t i = 0; i < std::size(handled); ++i) {
      if (previous_[i].sa_handler != SIG_IGN) ::sigaction(handled[i], &previous_[i], nullptr);
    }
  }

  std::string path_;
  int descriptor_ = -1;
  bool released_ = false;
  struct sigaction previous_[std::size(handled)] {};
};

// A std::ostream buffer over a file descriptor that remembers the first write error (errno).
class DescriptorBuffer : public std::streambuf {
 public:
  explicit DescriptorBuffer(int descriptor) : descriptor_(descriptor), buffer_(1 << 16) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  [[nodiscard]] int error() const noexcept { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!flush_buffer()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flush_buffer() ? 0 : -1; }

 private:
  bool flush_buffer() {
    const char* data = pbase();
    std::size_t remaining = static_cast<std::size_t>(pptr() - pbase());
    while (remaining > 0 && error_ == 0) {
      const ssize_t written = ::write(descriptor_, data, remaining);
      if (written < 0) {
        if (errno != EINTR) error_ = errno;
        continue;
      }
      data += written;
      remaining -= static_cast<std::size_t>(written);
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return error_ == 0;
  }

  int descriptor_;
  std::vector<char> buffer_;
  int error_ = 0;
};

// Runs `produce` on a stream over `descriptor`; @throws Error with the first write error.
void produce_into(int descriptor, const std::function<void(std::ostream&)>& produce) {
  DescriptorBuffer buffer(descriptor);
  std::ostream stream(&buffer);
  produce(stream);
  stream.flush();
  if (buffer.error() != 0 || !stream) {
    errno = buffer.error() != 0 ? buffer.error() : EIO;
    throw Error(system_error_text());
  }
}

// The file a destination names: symbolic links followed, so that the file they point to is replaced
// and the link kept.
std::filesystem::path resolved_destination(const std::string& destination) {
  std::filesystem::path target(destination);
  std::error_code error;
  if (std::filesystem::is_symlink(target, error)) {
    const std::filesystem::path resolved = std::filesystem::weakly_canonical(target, error);
    if (!error) target = resolved;
  }
  return target;
}

}  // namespace

void check_output_destinations(std::initializer_list<std::string_view> destinations) {
  namespace fs = std::filesystem;
  for (const std::string_view destination : destinations) {
    if (destination.empty() || destination == "-") continue;
    const std::string name(destination);
    const fs::path target = resolved_destination(name);
    std::error_code error;
    const fs::file_status status = fs::status(target, error);
    if (fs::is_directory(status)) throw Error("cannot write '" + name + "': it is a folder");
    if (fs::exists(status) && !fs::is_regular_file(status)) {
      // A device or a pipe is written in place.
      if (::access(target.c_str(), W_OK) != 0) throw Error("cannot write '" + name + "': " + system_error_text());
      continue;
    }
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const fs::file_status folder = fs::status(directory, error);
    if (!fs::exists(folder)) throw Error("cannot write '" + name + "': no such folder '" + directory.string() + "'");
    if (!fs::is_directory(folder)) {
      throw Error("cannot write '" + name + "': '" + directory.string() + "' is not a folder");
    }
    // The temporary file is created in the folder and renamed: both need write and search permission.
    if (::access(directory.c_str(), W_OK | X_OK) != 0) {
      throw Error("cannot write '" + name + "': " + system_error_text() + " (folder '" + directory.string() + "')");
    }
  }
}

std::uint64_t kept_samples_memory_limit() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  std::uint64_t physical = pages > 0 && page_size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
                                                      : std::uint64_t{4} << 30;
  // A container's limit (cgroup v2) is what the kernel's OOM killer enforces.
  std::FILE* file = std::fopen("/sys/fs/cgroup/memory.max", "r");
  if (file != nullptr) {
    unsigned long long limit = 0;
    if (std::fscanf(file, "%llu", &limit) == 1 && limit > 0 && limit < physical) physical = limit;
    std::fclose(file);
  }
  return physical / 2;
}

void check_kept_samples_fit(std::uint64_t rows, std::size_t columns, const std::string& why) {
  const double bytes = static_cast<double>(rows) * static_cast<double>(columns) * sizeof(double);
  const auto limit = static_cast<double>(kept_samples_memory_limit());
  if (bytes <= limit) return;
  constexpr double gib = 1024.0 * 1024.0 * 1024.0;
  throw Error(fmt::format("{}: {} samples x {} values need {:.3g} GiB of memory, more than the {:.3g} GiB "
                          "allowed (half of this machine's memory); use fewer samples",
                          why, rows, columns, bytes / gib, limit / gib));
}

std::size_t input_count(const Model& model) {
  std::size_t count = 0;
  for (const Node& node : model.nodes()) count += node.kind == NodeKind::input ? 1 : 0;
  return count;
}

namespace {

// The line InterruptExit's handler writes: prepared before the handler is installed, since a handler
// may only call async-signal-safe functions (write, _exit).
char interrupt_line[256];
std::size_t interrupt_line_size = 0;
// Set by the first handler: a second SIGINT landing on another thread meanwhile writes no second line.
std::atomic_flag interrupt_handled;  // clear (C++20)

extern "C" void write_line_and_exit(int /*signal*/) {
  if (interrupt_handled.test_and_set()) return;
  const char* at = interrupt_line;
  std::size_t left = interrupt_line_size;
  while (left > 0) {
    const ssize_t written = ::write(STDERR_FILENO, at, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;
    at += written;
    left -= static_cast<std::size_t>(written);
  }
  ::_exit(exit_interrupted);
}

}  // namespace

InterruptExit::InterruptExit(std::string_view command) {
  const std::string line = fmt::format("interrupted: {} stopped before it finished: no results (no files written)\n",
                                       command.substr(0, 100));
  struct sigaction current {};
  ::sigaction(SIGINT, nullptr, &current);
  if (current.sa_handler == SIG_IGN) return;
  std::memcpy(interrupt_line, line.data(), line.size());
  interrupt_line_size = line.size();
  previous_ = std::signal(SIGINT, write_line_and_exit);
  installed_ = previous_ != SIG_ERR;
}

InterruptExit::~InterruptExit() {
  if (installed_) std::signal(SIGINT, previous_);
}

void write_output_with(const std::string& destination, const std::function<void(std::ostream&)>& produce) {
  namespace fs = std::filesystem;
  if (destination == "-") {
    if (std::fflush(stdout) != 0) throw Error("cannot write to standard output: " + system_error_text());
    try {
      produce_into(STDOUT_FILENO, produce);
    } catch (const Error& error) {
      throw Error(std::string("cannot write to standard output: ") + error.what());
    }
    return;
  }
  const fs::path target = resolved_destination(destination);
  std::error_code error;
  const fs::file_status status = fs::status(target, error);
  if (fs::is_directory(status)) throw Error("cannot write '" + destination + "': it is a folder");
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    // A device or a pipe (/dev/null, /dev/stdout, a FIFO): written in place. Renaming a file over it would
    // replace the device node itself.
    const int descriptor = ::open(target.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (descriptor < 0) throw Error("cannot write '" + destination + "': " + system_error_text());
    try {
      produce_into(descriptor, produce);
    } catch (const Error& failure) {
      ::close(descriptor);
      throw Error("cannot write '" + destination + "': " + failure.what());
    }
    ::close(descriptor);
    return;
  }
  // The temporary file lives beside the destination so that the final rename stays on one file system
  // and is atomic: readers see the old file or the complete new one, never a partial one.
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  try {
    TemporaryFile temporary(directory, target.filename().string());
    produce_into(temporary.descriptor(), produce);
    // mkstemp creates the file readable by its owner only: give it the permissions the destination has,
    // or those of a new file.
    mode_t mode = 0;
    struct stat existing {};
    if (::stat(target.c_str(), &existing) == 0) {
      mode = existing.st_mode & 07777;
    } else {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode = 0666 & ~mask;
    }
    if (::fchmod(temporary.descriptor(), mode) != 0) throw Error(system_error_text());
    temporary.commit(target);
  } catch (const Error& failure) {
    throw Error("cannot write '" + destination + "': " + failure.what());
  }
}

void write_output(const std::string& destination, std::string_view content) {
  write_output_with(destination, [content](std::ostream& stream) {
    stream.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

}  // namespace pdoom::cli
