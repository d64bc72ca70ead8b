// `pdoom sensitivity MODEL`: which inputs drive an output (tornado, rank correlations, Sobol indices).

#include "cli_common.hpp"
#include "cli_options.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/sensitivity_output.hpp"
#include "pdoom/sensitivity/analysis.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace pdoom::cli {

namespace {

struct SensitivityCommandOptions {
  std::string model;
  std::vector<std::string> methods{"all"};
  std::string output;
  std::string scenario;
  SamplingOptions sampling{std::uint64_t{1} << 14};
  std::string design = "sobol";
  std::vector<double> quantiles{0.05, 0.95};
  std::vector<std::string> groups;
  std::size_t resamples = 100;
  bool no_model_groups = false;
  std::string json;
  bool ascii = false;
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

// "NAME=a,b,c" as a group; nullopt when malformed.
std::optional<InputGroup> parse_group(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) return std::nullopt;
  InputGroup group{text.substr(0, equals), split(text.substr(equals + 1), ',')};
  if (group.inputs.empty()) return std::nullopt;
  for (const auto& input : group.inputs) {
    if (input.empty()) return std::nullopt;
  }
  return group;
}

std::vector<SensitivityMethod> resolve_methods(const std::vector<std::string>& names, bool& all) {
  std::vector<SensitivityMethod> methods;
  all = false;
  for (const auto& list : names) {
    for (const auto& name : split(list, ',')) {
      if (name == "all") {
        all = true;
        methods = {SensitivityMethod::tornado, SensitivityMethod::rank, SensitivityMethod::sobol};
      } else if (const auto method = parse_sensitivity_method(name)) {
        if (std::find(methods.begin(), methods.end(), *method) == methods.end()) methods.push_back(*method);
      }
    }
  }
  return methods;
}

int run_sensitivity(const SensitivityCommandOptions& command) {
  check_output_destinations({command.json});
  const Model model = load_model_for_command(command.model, false);

  SensitivityOptions options;
  options.output = command.output;
  options.scenario = command.scenario;
  options.samples = command.sampling.samples;
  options.seed = command.sampling.seed;
  options.threads = command.sampling.threads;
  options.design = *parse_design(command.design);
  options.low_quantile = command.quantiles[0];
  options.high_quantile = command.quantiles[1];
  for (const auto& text : command.groups) options.groups.push_back(*parse_group(text));
  options.model_groups = !command.no_model_groups;
  options.bootstrap_resamples = command.resamples;

  bool all = false;
  const std::vector<SensitivityMethod> methods = resolve_methods(command.methods, all);
  if (std::any_of(methods.begin(), methods.end(), [](SensitivityMethod m) { return m != SensitivityMethod::tornado; })) {
    // Rank and Sobol analyses keep every evaluation (inputs + 2 columns per sample at most): refuse
    // what memory cannot hold instead of being killed for it.
    check_kept_samples_fit(options.samples, input_count(model) + 2, "rank and Sobol analyses keep every evaluation");
  }
  const SensitivityReport report = [&] {
    const InterruptExit interrupt("sensitivity");
    return sensitivity_analysis(model, methods, options, all);
  }();

  SensitivityTextStyle style;
  style.unicode = !command.ascii;
  write_results(
      command.json, report.notes, "warning", [&] { return sensitivity_json(report); },
      [&] { return sensitivity_text(report, style); });
  return exit_success;
}

}  // namespace

void add_sensitivity_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<SensitivityCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "sensitivity",
      "Which inputs drive an output: tornado swings, rank correlations, Sobol indices with intervals");
  command->add_option("MODEL", options->model, "model file (TOML)")->required();
  command
      ->add_option("-m,--method", options->methods,
                   "tornado, rank, sobol or all (default); several may be given, comma-separated or repeated")
      ->check([](const std::string& value) -> std::string {
        if (value.empty()) return "no method given (expected tornado, rank, sobol or all)";
        for (const auto& name : split(value, ',')) {
          if (name != "all" && !parse_sensitivity_method(name)) {
            return "unknown method '" + name + "' (expected tornado, rank, sobol or all)";
          }
        }
        return {};
      });
  add_output_option(*command, options->output, "the node to analyse (default: the model's first output)");
  command->add_option("--scenario", options->scenario, "apply this scenario of the model first");
  add_sampling_options(*command, options->sampling,
                       "samples per tornado bar and for the rank method; base samples N for Sobol "
                       "(N * (inputs + 2) evaluations; a power of two is best)");
  command->add_option("--design", options->design, "how inputs are sampled: sobol (randomised QMC), lhs or mc")
      ->check(CLI::IsMember({"mc", "lhs", "sobol"}))
      ->capture_default_str();
  command
      ->add_option("--quantiles", options->quantiles,
                   "tornado: the low and high quantile at which each input is held (default 0.05,0.95)")
      ->delimiter(',')
      ->expected(2)
      ->check(CLI::Range(0.0, 1.0));
  command
      ->add_option("-g,--group", options->groups,
                   "Sobol group index for several inputs, NAME=a,b,c (repeatable; adds to the model's groups)")
      ->allow_extra_args(false)
      ->check([](const std::string& value) -> std::string {
        return parse_group(value) ? std::string() : "expected NAME=input,input,... but got '" + value + "'";
      });
  command->add_flag("--no-model-groups", options->no_model_groups, "ignore the groups declared in the model");
  command->add_option("--resamples", options->resamples, "Sobol bootstrap resamples (0: no intervals)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{100000}))
      ->capture_default_str();
  add_json_option(*command, options->json, "also write the results as JSON to FILE; '-' prints JSON only");
  command->add_flag("--ascii", options->ascii, "draw bars with ASCII characters");
  command->callback([options, &result] {
    const auto& quantiles = options->quantiles;
    if (!(quantiles[0] > 0.0 && quantiles[0] < quantiles[1] && quantiles[1] < 1.0)) {
      throw CLI::ValidationError("--quantiles", "needs 0 < LOW < HIGH < 1");
    }
    result.exit_code = run_sensitivity(*options);
  });
}

}  // namespace pdoom::cli
