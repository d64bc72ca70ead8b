// `pdoom explain MODEL`: the model as a readable argument, assumption by assumption.

#include "cli_common.hpp"
#include "cli_options.hpp"

#include "pdoom/io/explain.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace pdoom::cli {

namespace {

struct ExplainCommandOptions {
  std::string model;
  std::string scenario;
  std::uint64_t samples = 20000;
  std::uint64_t seed = default_seed;
  unsigned threads = 0;
  std::size_t width = 88;
  std::string output = "-";
};

int run_explain(const ExplainCommandOptions& command) {
  check_output_destinations({command.output});
  const Model model = load_model_for_command(command.model);
  check_kept_samples_fit(command.samples, input_count(model) + 1, "explain's rank correlations keep every sample");
  ExplainOptions options;
  options.samples = command.samples;
  options.seed = command.seed;
  options.threads = command.threads;
  options.scenario = command.scenario;
  options.width = command.width;
  const std::string text = [&] {
    const InterruptExit interrupt("explain");
    return explain(model, options);
  }();
  write_output(command.output, text);
  return exit_success;
}

}  // namespace

void add_explain_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<ExplainCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "explain", "Print the model as a readable argument: each node's label, distribution in words, rationale, "
                 "source and how much the outputs depend on it");
  command->add_option("MODEL", options->model, "model file (TOML)")->required();
  command->add_option("--scenario", options->scenario, "apply this scenario of the model first");
  require_count(command->add_option("-n,--samples", options->samples,
                                    "samples for the rank correlations of the outputs with each input (0: leave them out)"),
                "samples", 0, std::uint64_t{1} << 32)
      ->capture_default_str();
  add_seed_and_threads(*command, options->seed, options->threads);
  command->add_option("--width", options->width, "wrap the text at this many columns")
      ->check(CLI::Range(std::size_t{20}, std::size_t{1000}))
      ->capture_default_str();
  command->add_option("-o,--output", options->output, "write to FILE instead of stdout ('-')");
  command->callback([options, &result] { result.exit_code = run_explain(*options); });
}

}  // namespace pdoom::cli
