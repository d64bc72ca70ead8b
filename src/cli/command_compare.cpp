// `pdoom compare A B`: which assumptions explain the difference between two models' outputs.

#include "cli_common.hpp"
#include "cli_options.hpp"

#include "pdoom/audit/compare.hpp"
#include "pdoom/error.hpp"
#include "pdoom/io/compare_output.hpp"
#include "pdoom/io/compare_report.hpp"

#include <CLI/CLI.hpp>

#ifndef PDOOM_VERSION
#define PDOOM_VERSION "0.1.0"
#endif

#include <cstdio>
#include <memory>
#include <string>

namespace pdoom::cli {

namespace {

struct CompareCommandOptions {
  std::string model_a;
  std::string model_b;
  std::string output;
  std::string scenario_a;
  std::string scenario_b;
  SamplingOptions sampling{100000};
  std::size_t exact_limit = 12;
  std::size_t permutations = 256;
  std::string json;
  std::string html;
};

int run_compare(const CompareCommandOptions& command) {
  check_output_destinations({command.json, command.html});
  const Model a = load_model_for_command(command.model_a, false);
  const Model b = load_model_for_command(command.model_b, false);
  CompareOptions options;
  options.output = command.output;
  options.scenario_a = command.scenario_a;
  options.scenario_b = command.scenario_b;
  options.samples = command.sampling.samples;
  options.seed = command.sampling.seed;
  options.threads = command.sampling.threads;
  options.exact_limit = command.exact_limit;
  options.permutations = command.permutations;
  const Comparison comparison = [&] {
    const InterruptExit interrupt("compare");
    return compare(a, b, options);
  }();
  if (!command.html.empty()) {
    const std::string html = compare_html(CompareReportData{comparison, a, b, "pdoom " PDOOM_VERSION});
    if (command.html == "-") {
      // The page alone on stdout, as `--json -` does for JSON (both at once is a usage error).
      for (const auto& note : comparison.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
      if (!command.json.empty()) write_output(command.json, compare_json(comparison));
      write_output("-", html);
      return exit_success;
    }
    write_output(command.html, html);
  }
  write_results(
      command.json, comparison.notes, "note", [&] { return compare_json(comparison); },
      [&] { return compare_text(comparison); });
  return exit_success;
}

}  // namespace

void add_compare_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<CompareCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "compare",
      "Compare two models on common random numbers: node table, B - A, and its exact Shapley attribution");
  command->add_option("MODEL_A", options->model_a, "the first model file (TOML)")->required();
  command->add_option("MODEL_B", options->model_b, "the second model file (TOML)")->required();
  add_output_option(*command, options->output,
                    "the node to compare (default: the first output of A that B also has)");
  command->add_option("--scenario-a", options->scenario_a, "apply this scenario of A first");
  command->add_option("--scenario-b", options->scenario_b, "apply this scenario of B first");
  add_sampling_options(*command, options->sampling, "samples per model (and per hybrid model)");
  command
      ->add_option("--exact-limit", options->exact_limit,
                   "exact Shapley values for up to this many changes (2^n hybrid models), at most 16")
      ->check(CLI::Range(std::size_t{0}, std::size_t{16}))
      ->capture_default_str();
  command->add_option("--permutations", options->permutations, "sampled permutations beyond the exact limit")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 20))
      ->capture_default_str();
  add_json_option(*command, options->json, "write the comparison as JSON to FILE, or '-' for stdout alone");
  command->add_option("--html", options->html,
                      "write a self-contained HTML page (waterfall chart of the attribution, node table) to FILE, "
                      "or '-' for stdout alone");
  command->callback([options, &result] {
    if (options->html == "-" && options->json == "-") {
      throw CLI::ValidationError("--html", "'-' (stdout) can be given to --json or to --html, not both");
    }
    result.exit_code = run_compare(*options);
  });
}

}  // namespace pdoom::cli
