// `pdoom compare A B`: which assumptions explain the difference between two models' outputs.

#include "cli_common.hpp"

#include "pdoom/audit/compare.hpp"
#include "pdoom/error.hpp"
#include "pdoom/io/compare_output.hpp"

#include <CLI/CLI.hpp>

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
  std::uint64_t samples = 100000;
  std::uint64_t seed = default_seed;
  unsigned threads = 0;
  std::size_t exact_limit = 12;
  std::size_t permutations = 256;
  std::string json;
};

int run_compare(const CompareCommandOptions& command) {
  const bool json_only = command.json == "-";
  const Model a = load_model_for_command(command.model_a, false);
  const Model b = load_model_for_command(command.model_b, false);
  CompareOptions options;
  options.output = command.output;
  options.scenario_a = command.scenario_a;
  options.scenario_b = command.scenario_b;
  options.samples = command.samples;
  options.seed = command.seed;
  options.threads = command.threads;
  options.exact_limit = command.exact_limit;
  options.permutations = command.permutations;
  const Comparison comparison = compare(a, b, options);
  if (json_only) {
    for (const auto& note : comparison.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    write_output("-", compare_json(comparison));
    return exit_success;
  }
  if (!command.json.empty()) write_output(command.json, compare_json(comparison));
  write_output("-", compare_text(comparison));
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
  command->add_option("-o,--output", options->output,
                      "the node to compare (default: the first output of A that B also has)");
  command->add_option("--scenario-a", options->scenario_a, "apply this scenario of A first");
  command->add_option("--scenario-b", options->scenario_b, "apply this scenario of B first");
  command->add_option("-n,--samples", options->samples, "samples per model (and per hybrid model)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  command->add_option("-s,--seed", options->seed, "random seed")->capture_default_str();
  command->add_option("-t,--threads", options->threads, "worker threads (0: every core)")
      ->check(CLI::Range(0U, 4096U))
      ->capture_default_str();
  command
      ->add_option("--exact-limit", options->exact_limit,
                   "exact Shapley values for up to this many changes (2^n hybrid models), at most 16")
      ->check(CLI::Range(std::size_t{0}, std::size_t{16}))
      ->capture_default_str();
  command->add_option("--permutations", options->permutations, "sampled permutations beyond the exact limit")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 20))
      ->capture_default_str();
  command->add_option("--json", options->json, "write the comparison as JSON to FILE, or '-' for stdout alone");
  command->callback([options, &result] { result.exit_code = run_compare(*options); });
}

}  // namespace pdoom::cli
