// `pdoom panel PANEL`: several forecasters' values for one model structure, pooled and taken apart.

#include "cli_common.hpp"

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
  std::uint64_t samples = 20000;
  std::uint64_t seed = default_seed;
  unsigned threads = 0;
  std::string json;
};

int run_panel(const PanelCommandOptions& command) {
  const bool json_only = command.json == "-";
  std::vector<Diagnostic> warnings;
  const Panel panel = load_panel(command.panel, &warnings);
  for (const Diagnostic& warning : warnings) print_diagnostic(stderr, warning);
  PanelOptions options;
  options.output = command.output;
  options.samples = command.samples;
  options.seed = command.seed;
  options.threads = command.threads;
  const PanelResult result = evaluate_panel(panel, options);
  if (json_only) {
    for (const auto& note : result.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    write_output("-", panel_json(result));
    return exit_success;
  }
  if (!command.json.empty()) write_output(command.json, panel_json(result));
  write_output("-", panel_text(result));
  return exit_success;
}

}  // namespace

void add_panel_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<PanelCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "panel", "Several forecasters on one model: each one's answer, the aggregates, and what the disagreement comes from");
  command->add_option("PANEL", options->panel, "panel file (TOML): [panel] model = ..., [[forecasters]]")->required();
  command->add_option("-o,--output", options->output, "the node to compare (default: the panel's, else the model's first output)");
  command->add_option("-n,--samples", options->samples, "samples per forecaster")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  command->add_option("-s,--seed", options->seed, "random seed")->capture_default_str();
  command->add_option("-t,--threads", options->threads, "worker threads (0: every core)")
      ->check(CLI::Range(0U, 4096U))
      ->capture_default_str();
  command->add_option("--json", options->json, "write the panel as JSON to FILE, or '-' for stdout alone");
  command->callback([options, &result] { result.exit_code = run_panel(*options); });
}

}  // namespace pdoom::cli
