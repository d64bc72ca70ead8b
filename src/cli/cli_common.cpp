// Shared helpers of the pdoom subcommands: diagnostics, model loading, atomic output files.

#include "cli_common.hpp"

#include "pdoom/io/model_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace pdoom::cli {

namespace {

std::string system_error_text() { return std::strerror(errno); }

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

void write_output(const std::string& destination, std::string_view content) {
  if (destination == "-") {
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() || std::fflush(stdout) != 0) {
      throw Error("cannot write to standard output: " + system_error_text());
    }
    return;
  }
  const std::filesystem::path target(destination);
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  // The temporary file lives beside the destination so that the final rename stays on one file system
  // and is atomic: readers see the old file or the complete new one, never a partial one.
  std::string temporary_name = ".";
  temporary_name += target.filename().string();
  temporary_name += ".tmp-XXXXXX";  // built piecewise: `"." + string` trips GCC 12's false -Wrestrict
  std::string name = (directory / temporary_name).string();
  const int descriptor = ::mkstemp(name.data());
  if (descriptor < 0) throw Error("cannot write '" + destination + "': " + system_error_text());

  auto give_up = [&](const std::string& reason) {
    ::close(descriptor);
    ::unlink(name.c_str());
    throw Error("cannot write '" + destination + "': " + reason);
  };
  const char* data = content.data();
  std::size_t remaining = content.size();
  while (remaining > 0) {
    const ssize_t written = ::write(descriptor, data, remaining);
    if (written < 0) {
      if (errno == EINTR) continue;
      give_up(system_error_text());
    }
    data += written;
    remaining -= static_cast<std::size_t>(written);
  }
  // mkstemp creates the file readable by its owner only; give it the permissions of a new file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(descriptor, 0666 & ~mask) != 0) give_up(system_error_text());
  if (::close(descriptor) != 0) {
    const std::string reason = system_error_text();
    ::unlink(name.c_str());
    throw Error("cannot write '" + destination + "': " + reason);
  }
  if (std::rename(name.c_str(), destination.c_str()) != 0) {
    const std::string reason = system_error_text();
    ::unlink(name.c_str());
    throw Error("cannot write '" + destination + "': " + reason);
  }
}

}  // namespace pdoom::cli
