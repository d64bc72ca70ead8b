// The pdoom executable: CLI11 front end; each subcommand lives in its own command_X.cpp.
//
// Exit status (DESIGN.md): 0 success; 1 invalid model or data ("error: FILE:LINE:COL: ..." on stderr);
// 2 bad usage; 130 a run stopped by Ctrl-C. Every exception is caught here: pdoom never ends by an uncaught exception.

#include "cli_common.hpp"

#include "pdoom/error.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#ifndef PDOOM_VERSION
#define PDOOM_VERSION "0.1.0"  // keep in step with project(VERSION) in CMakeLists.txt
#endif

namespace {

using pdoom::cli::CommandResult;

// One line per subcommand; each add_X_command is declared in cli_common.hpp.
void register_commands(CLI::App& app, CommandResult& result) {
  pdoom::cli::add_run_command(app, result);
  pdoom::cli::add_sensitivity_command(app, result);
  pdoom::cli::add_compare_command(app, result);
  pdoom::cli::add_check_command(app, result);
  pdoom::cli::add_graph_command(app, result);
  pdoom::cli::add_panel_command(app, result);
  pdoom::cli::add_explain_command(app, result);
  pdoom::cli::add_report_command(app, result);
}

int run(int argc, char** argv) {
  CLI::App app{"pdoom: Monte Carlo estimates of p(doom) from scenario graphs, with sensitivity analysis",
               "pdoom"};
  app.set_version_flag("--version", "pdoom " PDOOM_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough(false);
  CommandResult result;
  register_commands(app, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help and version requests arrive as "errors" with exit code 0; app.exit prints them on stdout.
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      app.exit(error);
      return pdoom::cli::exit_success;
    }
    // A usage error is one line: the problem, then where the usage is ("(see 'pdoom run --help')").
    std::string command = "pdoom";
    for (const CLI::App* subcommand : app.get_subcommands()) command += " " + subcommand->get_name();
    std::fprintf(stderr, "error: %s (see '%s --help')\n", error.what(), command.c_str());
    return pdoom::cli::exit_usage;
  }
  if (app.get_subcommands().empty()) {
    std::cerr << "error: no command given\n\n" << app.help();
    return pdoom::cli::exit_usage;
  }
  return result.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const pdoom::Error& error) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", error.what());
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: out of memory (try fewer samples)\n");
  } catch (const std::exception& error) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: internal: %s\n", error.what());
  } catch (...) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: internal: unknown exception\n");
  }
  return pdoom::cli::exit_invalid_input;
}
