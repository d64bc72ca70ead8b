// `pdoom report MODEL --html FILE`: run, sensitivity (tornado and rank; Sobol when the inputs are
// uncorrelated), scenarios, and the self-contained HTML report.

#include "cli_common.hpp"
#include "cli_options.hpp"

#include "pdoom/io/html_report.hpp"
#include "pdoom/sample/run.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#ifndef PDOOM_VERSION
#define PDOOM_VERSION "0.1.0"
#endif

namespace pdoom::cli {

namespace {

struct ReportCommandOptions {
  std::string model;
  std::string html;
  std::string scenario;
  std::uint64_t samples = 100000;
  std::uint64_t sensitivity_samples = std::uint64_t{1} << 13;
  std::uint64_t sobol_samples = std::uint64_t{1} << 12;
  std::uint64_t scenario_samples = 20000;
  std::uint64_t seed = default_seed;
  unsigned threads = 0;
  std::string design = "mc";
  bool quiet = false;
};

int run_report(const ReportCommandOptions& command) {
  check_output_destinations({command.html});
  const Model model = load_model_for_command(command.model, command.quiet);
  check_kept_samples_fit(command.samples, model.nodes().size(), "the report keeps every sample of its main run");
  RunOptions run_options;
  run_options.samples = command.samples;
  run_options.seed = command.seed;
  run_options.threads = command.threads;
  run_options.scenario = command.scenario;
  run_options.design = parse_design(command.design).value_or(Design::mc);
  // The histograms and CDFs need every sample of the main run.
  run_options.keep_samples = true;
  ReportOptions report_options;
  report_options.seed = command.seed;
  report_options.threads = command.threads;
  report_options.sensitivity_samples = command.sensitivity_samples;
  report_options.sobol_samples = command.sobol_samples;
  report_options.scenario_samples = command.scenario_samples;
  const std::string html = [&] {
    const InterruptExit interrupt("report");
    ReportData data = make_report_data(model, run(model, run_options), report_options);
    data.generator = "pdoom " PDOOM_VERSION;
    return html_report(data);
  }();
  write_output(command.html, html);
  if (!command.quiet && command.html != "-") std::fprintf(stderr, "wrote %s\n", command.html.c_str());
  return exit_success;
}

}  // namespace

void add_report_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<ReportCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "report", "Run the model with sensitivity analysis and write a self-contained HTML report (charts inline)");
  command->add_option("MODEL", options->model, "model file (TOML)")->required();
  command->add_option("--html", options->html, "the HTML file to write ('-': stdout)")->required();
  command->add_option("--scenario", options->scenario, "apply this scenario of the model to the main run");
  require_count(command->add_option("-n,--samples", options->samples, "samples of the main run (all kept for the charts)"),
                "samples", 2, std::uint64_t{1} << 27)
      ->capture_default_str();
  require_count(command->add_option("--sensitivity-samples", options->sensitivity_samples,
                                    "samples per tornado / rank evaluation set"),
                "sensitivity samples", 3, std::uint64_t{1} << 30)
      ->capture_default_str();
  require_count(command->add_option("--sobol-samples", options->sobol_samples, "Sobol base samples (0: no Sobol indices)"),
                "Sobol samples", 0, std::uint64_t{1} << 24)
      ->capture_default_str();
  require_count(command->add_option("--scenario-samples", options->scenario_samples,
                                    "samples per scenario run (0: no scenarios)"),
                "scenario samples", 0, std::uint64_t{1} << 30)
      ->capture_default_str();
  add_seed_and_threads(*command, options->seed, options->threads);
  command->add_option("--design", options->design, "how inputs are sampled: mc, lhs or sobol")
      ->check(CLI::IsMember({"mc", "lhs", "sobol"}))
      ->capture_default_str();
  command->add_flag("-q,--quiet", options->quiet, "no warnings or messages on stderr");
  command->callback([options, &result] { result.exit_code = run_report(*options); });
}

}  // namespace pdoom::cli
