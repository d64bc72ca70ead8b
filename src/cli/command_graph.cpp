// `pdoom graph MODEL`: the scenario graph as Graphviz DOT, nodes shaded by their influence on an output.

#include "cli_common.hpp"
#include "cli_options.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/dot.hpp"
#include "pdoom/sample/run.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

namespace pdoom::cli {

namespace {

struct GraphOptions {
  std::string model;
  std::string output = "-";
  std::string shade_by;
  std::uint64_t samples = 20000;
  std::uint64_t seed = default_seed;
  unsigned threads = 0;
  bool plain = false;
};

int run_graph(const GraphOptions& options) {
  check_output_destinations({options.output});
  const Model model = load_model_for_command(options.model);
  if (options.plain || options.samples == 0 || model.outputs.empty()) {
    if (!options.shade_by.empty() && model.find(options.shade_by) == nullptr) {
      throw Error(fmt::format("--shade-by: the model has no node '{}'", options.shade_by));
    }
    write_output(options.output, to_dot(model));
    return exit_success;
  }
  const std::string target = options.shade_by.empty() ? model.outputs.front() : options.shade_by;
  if (model.find(target) == nullptr) throw Error(fmt::format("--shade-by: the model has no node '{}'", target));
  // A modest run: the shading needs ranks, not precise means. Kept samples are the whole run.
  RunOptions run_options;
  run_options.samples = options.samples;
  run_options.seed = options.seed;
  run_options.threads = options.threads;
  run_options.keep_samples = true;
  const RunResult result = run(model, run_options);
  GraphAnnotations annotations = graph_annotations(model, result, target);
  annotations.provenance = fmt::format("pdoom run: {} samples, seed {}", result.samples, result.seed);
  write_output(options.output, to_dot(model, annotations));
  return exit_success;
}

}  // namespace

void add_graph_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<GraphOptions>();
  CLI::App* command = app.add_subcommand(
      "graph", "Print the scenario graph as Graphviz DOT, nodes shaded by their influence on an output "
               "(render with: pdoom graph m.toml | dot -Tsvg > m.svg)");
  command->add_option("MODEL", options->model, "model file (TOML)")->required();
  command->add_option("-o,--output", options->output, "write the DOT to FILE instead of stdout ('-')");
  command->add_option("--shade-by", options->shade_by,
                      "shade nodes by their |Spearman rank correlation| with this node (default: the first output)");
  require_count(command->add_option("-n,--samples", options->samples,
                                    "samples of the run behind the shading and the summaries (0: plain graph)"),
                "samples", 0, std::uint64_t{1} << 24)
      ->capture_default_str();
  add_seed_and_threads(*command, options->seed, options->threads);
  command->add_flag("--no-shading", options->plain, "the plain graph: no run, no shading, no sampled summaries");
  command->callback([options, &result] { result.exit_code = run_graph(*options); });
}

}  // namespace pdoom::cli
