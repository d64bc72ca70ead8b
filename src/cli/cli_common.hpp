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

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace pdoom::cli {

/// The exit statuses of DESIGN.md.
enum ExitStatus : int {
  exit_success = 0,        ///< done (warnings allowed)
  exit_invalid_input = 1,  ///< an invalid model or data file, or an output that could not be written
  exit_usage = 2,          ///< bad command line
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

/// Writes `content` to `destination`: "-" means stdout; a path is written atomically (a temporary file
/// in the same directory, renamed over the destination), so a failure never leaves a partial file.
/// @throws pdoom::Error naming the path when it cannot be written (the temporary file is removed).
void write_output(const std::string& destination, std::string_view content);

}  // namespace pdoom::cli
