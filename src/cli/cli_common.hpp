#pragma once
// What the subcommands of `pdoom` share: the exit-status contract, how a subcommand is registered,
// loading a model with its warnings shown, and writing output files atomically.
//
// The pattern for a subcommand X (one file src/cli/command_X.cpp):
//   void add_X_command(CLI::App& app, CommandResult& result) {
//     auto options = std::make_shared<XOptions>();          // outlives parsing: owned by the callback
//     CLI::App* command = app.add_subcommand("X", "one line for --help");
//     command->add_option("MODEL", options->model, "model file (TOML)")->required();
//     command->callback([options, &result] { result.exit_code = run_X(*options); });
//   }
// declared below and called from main.cpp's register_commands(). The callback runs inside
// CLI::App::parse; it returns an exit status or throws: pdoom::Error (exit 1, "error: ..." on stderr),
// anything else (exit 1, "error: internal: ..."). Usage errors are CLI11's (exit 2).

#include "pdoom/model/model.hpp"
#include "pdoom/model/validate.hpp"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
}

namespace pdoom::cli {

/// The exit statuses of DESIGN.md.
enum ExitStatus : int {
  exit_success = 0,        ///< done (warnings allowed)
  exit_invalid_input = 1,  ///< an invalid model or data file, or an output that could not be written
  exit_usage = 2,          ///< bad command line
  exit_interrupted = 130,  ///< stopped by Ctrl-C (the shell's 128 + SIGINT) after printing a partial summary
};

/// Where a subcommand's callback leaves its exit status for main().
struct CommandResult {
  int exit_code = exit_success;
};

/// `pdoom check MODEL`: load, validate, print every problem and a one-screen summary.
void add_check_command(CLI::App& app, CommandResult& result);
/// `pdoom graph MODEL`: the scenario graph as Graphviz DOT on stdout.
void add_graph_command(CLI::App& app, CommandResult& result);
// Planned, each in its own command_X.cpp; add the call to register_commands() in main.cpp with it.
void add_run_command(CLI::App& app, CommandResult& result);
void add_sensitivity_command(CLI::App& app, CommandResult& result);
void add_compare_command(CLI::App& app, CommandResult& result);
void add_explain_command(CLI::App& app, CommandResult& result);
void add_report_command(CLI::App& app, CommandResult& result);
void add_panel_command(CLI::App& app, CommandResult& result);

/// "warning: FILE:LINE:COL: message" or "error: ..." as one line on `stream`.
void print_diagnostic(std::FILE* stream, const Diagnostic& diagnostic);

/// Loads and validates a model file, printing its warnings on stderr (unless `quiet`).
/// @throws ModelError for an unreadable or invalid file (main prints it and exits with 1).
[[nodiscard]] Model load_model_for_command(const std::string& path, bool quiet = false);

/// A whole number written in decimal ("100000") or scientific notation with an integral value ("1e6",
/// "2.5e5"); nullopt when malformed, negative, fractional or beyond 2^64 - 1.
[[nodiscard]] std::optional<std::uint64_t> parse_count(std::string_view text);

/// Restricts `option` to whole numbers from `minimum` to `maximum`, accepting scientific notation ("1e6")
/// by rewriting it to digits before CLI11 converts it. A bad value is a usage error (exit 2) whose one
/// line names `what`, the range and the value ("samples must be a whole number from 1 to 2^40, not 'abc'").
/// @returns `option`, for chaining.
CLI::Option* require_count(CLI::Option* option, const std::string& what, std::uint64_t minimum, std::uint64_t maximum);

/// Checks, before any work is done, that each destination ("" and "-" are skipped) could be written:
/// its folder exists and is writable and it is not itself a folder. A long run then fails at once
/// instead of after its work, and no other output of the command is written.
/// @throws pdoom::Error "cannot write 'PATH': ..." (exit 1) naming the problem.
void check_output_destinations(std::initializer_list<std::string_view> destinations);

/// The memory a command may plan to fill with kept samples: half of the physical memory, or of the
/// control group's limit when that is lower, so that a run is refused rather than killed for memory.
[[nodiscard]] std::uint64_t kept_samples_memory_limit();

/// Refuses, before any work, to keep `rows` samples of `columns` nodes in memory (8 bytes each) when
/// that exceeds kept_samples_memory_limit(). `why` says what keeps them ("--csv writes every sample").
/// @throws pdoom::Error (exit 1) with the sizes and what to do instead.
void check_kept_samples_fit(std::uint64_t rows, std::size_t columns, const std::string& why);

/// The number of input nodes of a model (the columns that rank and Sobol analyses keep per sample).
[[nodiscard]] std::size_t input_count(const Model& model);

/// For a command with no partial result to show (sensitivity, compare, panel): while it lives, the
/// first SIGINT ends the program at once with exit status 130 and the one line
/// "interrupted: COMMAND stopped before it finished: no results (no files written)" on stderr. The
/// handler only writes that line and calls _exit, so it works whatever thread the signal lands on and
/// wherever the computation is (sampling, sorting, bootstrap). Scope it to the work before any output
/// is written: _exit flushes nothing, and write_output's own handler removes a temporary file that this
/// one would leave. A SIGINT the program ignores (a background job) stays ignored.
class InterruptExit {
 public:
  /// `command` names what stops ("sensitivity"); at most 100 characters are kept.
  explicit InterruptExit(std::string_view command);
  ~InterruptExit();
  InterruptExit(const InterruptExit&) = delete;
  InterruptExit& operator=(const InterruptExit&) = delete;

 private:
  bool installed_ = false;
  void (*previous_)(int) = nullptr;
};

/// Writes `content` to `destination`: "-" means stdout; a path is written atomically (a temporary file
/// in the same directory, renamed over the destination), so a failure never leaves a partial file, and
/// SIGINT/SIGTERM/SIGHUP during the write remove the temporary before ending the program. A symbolic
/// link is followed (the file it points to is replaced); a device or pipe (/dev/null, a FIFO) is
/// written in place. A replaced file keeps its permissions.
/// @throws pdoom::Error naming the path when it cannot be written (the temporary file is removed).
void write_output(const std::string& destination, std::string_view content);

/// write_output for content produced as a stream (a CSV of every sample need not exist in memory).
/// @throws pdoom::Error as write_output, and whatever `produce` throws (the temporary file is removed).
void write_output_with(const std::string& destination, const std::function<void(std::ostream&)>& produce);

}  // namespace pdoom::cli
