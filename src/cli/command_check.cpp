// `pdoom check MODEL`: every problem of a model file at once, then a one-screen summary of the graph.

#include "cli_common.hpp"

#include "pdoom/audit/lint.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/model/validate.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <string>

namespace pdoom::cli {

namespace {

struct CheckOptions {
  std::string model;
  bool no_lint = false;
  bool sobol = false;
};

constexpr std::size_t formula_width = 100;

std::string shortened(const std::string& text, std::size_t width) { return abbreviated(text, width - 3); }

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? std::string(separator) : "") + parts[i];
  return out;
}

// "between 45% and 80%, 90% credible", or what a conditional distribution depends on.
std::string distribution_words(const DistributionCall& call) {
  if (const std::optional<Distribution> constant = constant_distribution(call)) {
    return describe_in_words(*constant);
  }
  return "(depends on " + join(call.variables(), ", ") + ")";
}

// One line of text: line breaks of descriptions become spaces.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

void print_summary(const Model& model, const std::string& path, std::size_t warning_count) {
  std::string title = model.name;
  if (!model.title.empty()) title += ": " + model.title;
  fmt::print("model  {}\nfile   {}\n", title, path);

  std::size_t width = 0;
  for (const Node& node : model.nodes()) width = std::max(width, node.name.size());
  width = std::min<std::size_t>(width, 24);

  const auto inputs = std::count_if(model.nodes().begin(), model.nodes().end(),
                                    [](const Node& node) { return node.kind == NodeKind::input; });
  // Calls in a column of their own, the words after them aligned (long calls push theirs along).
  std::size_t call_width = 0;
  for (const Node& node : model.nodes()) {
    if (node.distribution) call_width = std::max(call_width, node.distribution->to_string().size());
  }
  call_width = std::min<std::size_t>(call_width, 28);
  fmt::print("\ninputs ({})\n", inputs);
  for (const Node& node : model.nodes()) {
    if (node.kind != NodeKind::input || !node.distribution) continue;
    fmt::print("  {:<{}}  {:<{}}  {}\n", node.name, width, node.distribution->to_string(), call_width,
               distribution_words(*node.distribution));
  }
  fmt::print("\nderived ({})\n", static_cast<std::ptrdiff_t>(model.nodes().size()) - inputs);
  for (const Node& node : model.nodes()) {
    if (node.kind != NodeKind::derived || !node.expression) continue;
    fmt::print("  {:<{}}  = {}\n", node.name, width, shortened(node.expression->to_string(), formula_width));
  }
  fmt::print("\noutputs  {}\n", join(model.outputs, ", "));
  if (model.claimed) fmt::print("claimed  {}\n", *model.claimed);

  if (!model.scenarios.empty()) {
    fmt::print("\nscenarios ({})\n", model.scenarios.size());
    for (const Scenario& scenario : model.scenarios) {
      std::vector<std::string> changed;
      for (const Node& change : scenario.overrides) changed.push_back(change.name);
      fmt::print("  {}: overrides {}{}\n", scenario.name, changed.empty() ? "nothing" : join(changed, ", "),
                 scenario.description.empty() ? "" : "  (" + shortened(one_line(scenario.description), 60) + ")");
    }
  }
  if (!model.correlations.empty()) {
    fmt::print("\ncorrelations ({})\n", model.correlations.size());
    for (const Correlation& correlation : model.correlations) {
      fmt::print("  {} ~ {}  rank {}\n", correlation.first, correlation.second, correlation.rank_correlation);
    }
  }
  fmt::print("\nok: no errors, {} warning{}\n", warning_count, warning_count == 1 ? "" : "s");
}

int run_check(const CheckOptions& options) {
  // Read without validating, so that validate() can report every problem, not only the first.
  std::vector<Diagnostic> diagnostics;
  const Model model = read_model(options.model, &diagnostics);
  std::vector<Diagnostic> checks = validate(model);
  diagnostics.insert(diagnostics.end(), checks.begin(), checks.end());

  std::size_t errors = 0;
  for (const Diagnostic& diagnostic : diagnostics) {
    print_diagnostic(stderr, diagnostic);
    if (diagnostic.severity == Diagnostic::Severity::error) ++errors;
  }
  if (errors > 0) return exit_invalid_input;
  // Lints only on a valid model: some of them run it.
  if (!options.no_lint) {
    LintOptions lint_options;
    lint_options.sobol = options.sobol;
    for (const Diagnostic& diagnostic : lint(model, lint_options)) {
      print_diagnostic(stderr, diagnostic);
      diagnostics.push_back(diagnostic);
    }
  }
  std::fflush(stderr);
  print_summary(model, options.model, diagnostics.size());
  return exit_success;
}

}  // namespace

void add_check_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand(
      "check", "Validate a model file: report every error and warning, then summarise its graph");
  command->add_option("MODEL", options->model, "model file (TOML)")->required();
  command->add_flag("--no-lint", options->no_lint, "skip the lints (some of them run the model once)");
  command->add_flag("--sobol", options->sobol, "also flag inputs with a negligible total Sobol index");
  command->callback([options, &result] { result.exit_code = run_check(*options); });
}

}  // namespace pdoom::cli
