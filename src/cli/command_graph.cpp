// `pdoom graph MODEL`: the scenario graph as Graphviz DOT.

#include "cli_common.hpp"

#include "pdoom/io/dot.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace pdoom::cli {

namespace {

struct GraphOptions {
  std::string model;
  std::string output = "-";
};

int run_graph(const GraphOptions& options) {
  const Model model = load_model_for_command(options.model);
  write_output(options.output, to_dot(model));
  return exit_success;
}

}  // namespace

void add_graph_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<GraphOptions>();
  CLI::App* command = app.add_subcommand(
      "graph", "Print the scenario graph as Graphviz DOT (render with: pdoom graph m.toml | dot -Tsvg > m.svg)");
  command->add_option("MODEL", options->model, "model file (TOML)")->required();
  command->add_option("-o,--output", options->output, "write the DOT to FILE instead of stdout ('-')");
  command->callback([options, &result] { result.exit_code = run_graph(*options); });
}

}  // namespace pdoom::cli
