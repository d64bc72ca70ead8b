// The options shared by several subcommands.

#include "cli_options.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>

namespace pdoom::cli {

void add_sampling_options(CLI::App& command, SamplingOptions& options, const std::string& samples_help) {
  require_count(command.add_option("-n,--samples", options.samples, samples_help), "samples", 1,
                std::uint64_t{1} << 40)
      ->capture_default_str();
  add_seed_and_threads(command, options.seed, options.threads);
}

void add_seed_and_threads(CLI::App& command, std::uint64_t& seed, unsigned& threads) {
  require_count(command.add_option("-s,--seed", seed, "random seed"), "seed", 0, UINT64_MAX)->capture_default_str();
  require_count(command.add_option("-t,--threads", threads, "worker threads (0: every core)"), "threads", 0, 4096)
      ->capture_default_str();
}

void add_output_option(CLI::App& command, std::string& output, const std::string& help) {
  command.add_option("-o,--output", output, help);
}

void add_json_option(CLI::App& command, std::string& json, const std::string& help) {
  command.add_option("--json", json, help);
}

}  // namespace pdoom::cli
