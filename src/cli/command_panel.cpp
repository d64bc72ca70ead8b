// `pdoom panel PANEL`: several forecasters' values for one model structure, pooled and taken apart.

#include "cli_common.hpp"
#include "cli_options.hpp"

#include "pdoom/audit/panel.hpp"
#include "pdoom/error.hpp"
#include "pdoom/io/compare_output.hpp"
#include "pdoom/io/panel_file.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace pdoom::cli {

namespace {

struct PanelCommandOptions {
  std::string panel;
  std::string output;
  SamplingOptions sampling{20000};
  std::string json;
};

int run_panel(const PanelCommandOptions& command) {
  check_output_destinations({command.json});
  std::vector<Diagnostic> warnings;
  const Panel panel = load_panel(command.panel, &warnings);
  for (const Diagnostic& warning : warnings) print_diagnostic(stderr, warning);
  PanelOptions options;
  options.output = command.output;
  options.samples = command.sampling.samples;
  options.seed = command.sampling.seed;
  options.threads = command.sampling.threads;
  const PanelResult result = [&] {
    const InterruptExit interrupt("panel");
    return evaluate_panel(panel, options);
  }();
  write_results(
      command.json, result.notes, "note", [&] { return panel_json(result); }, [&] { return panel_text(result); });
  return exit_success;
}

}  // namespace

void add_panel_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<PanelCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "panel", "Several forecasters on one model: each one's answer, the aggregates, and what the disagreement comes from");
  command->add_option("PANEL", options->panel, "panel file (TOML): [panel] model = ..., [[forecasters]]")->required();
  add_output_option(*command, options->output,
                    "the node to compare (default: the panel's, else the model's first output)");
  add_sampling_options(*command, options->sampling, "samples per forecaster");
  add_json_option(*command, options->json, "write the panel as JSON to FILE, or '-' for stdout alone");
  command->callback([options, &result] { result.exit_code = run_panel(*options); });
}

}  // namespace pdoom::cli
