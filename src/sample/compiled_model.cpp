// CompiledModel: a validated model turned into a list of column steps in topological order.
// Constant inputs use the distribution's fast quantile table over the whole block; conditional
// inputs build their distribution per sample from argument columns; derived nodes run a compiled
// block program. Every node's column is checked after it is computed, so a fault names the first node
// (in evaluation order) and the first sample that shows it. With split_by_inputs, the parts of split
// formulas (formula_split.hpp) are steps too, with columns after the nodes', and are not checked.

#include "pdoom/sample/compiled_model.hpp"

#include "conditional_call.hpp"
#include "formula_split.hpp"
#include "pdoom/expr/program.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/model/validate.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pdoom {

namespace {

using sample_detail::CompiledCall;

enum class StepKind { constant_input, conditional_input, derived };

struct Step {
  StepKind kind = StepKind::derived;
  std::size_t column = 0;
  std::size_t input = 0;                  // index among inputs (input steps only)
  std::optional<Distribution> distribution;  // constant inputs, with a fast quantile table
  std::shared_ptr<const CompiledCall> call;  // conditional inputs
  std::size_t argument_values = 0;        // number of per-sample numeric argument values of `call`
  std::optional<Program> program;         // derived nodes
  bool probability = false;
  bool checked = true;                    // false for parts of split formulas: a NaN or inf inside a formula
                                          // is no fault unless it reaches the node (if(x > 0, log(x), 0))
  std::vector<std::size_t> upstream_inputs;  // columns of the inputs it depends on (not itself)
  std::vector<std::size_t> depends_on;       // positions of the inputs it depends on, itself included
};

}  // namespace

struct CompiledModel::State {
  Model model;
  std::string scenario;
  std::vector<std::string> names;
  std::vector<std::size_t> inputs;
  std::vector<std::size_t> outputs;
  std::vector<std::optional<Distribution>> input_distributions;  // per input; set when constant
  std::vector<Step> steps;                                       // topological order
  std::size_t column_count = 0;                                  // nodes, then parts of split formulas
};

struct EvaluationWorkspace::State {
  std::vector<const double*> slots;                 // column pointers handed to programs
  ProgramWorkspace program_workspace;
  std::vector<std::vector<double>> argument_columns;  // per-sample numeric arguments of a conditional input
  std::vector<double> current_arguments;
  std::vector<double> previous_arguments;
  std::vector<unsigned char> swapped;  // per input: taken from b in evaluate_recombined
};

EvaluationWorkspace::EvaluationWorkspace() : state_(std::make_unique<State>()) {}
EvaluationWorkspace::~EvaluationWorkspace() = default;
EvaluationWorkspace::EvaluationWorkspace(EvaluationWorkspace&&) noexcept = default;
EvaluationWorkspace& EvaluationWorkspace::operator=(EvaluationWorkspace&&) noexcept = default;

namespace {

std::string format_value(double x) { return fmt::format("{:.6g}", x); }

}  // namespace

CompiledModel::CompiledModel(const Model& model, std::string_view scenario, CompileOptions options) {
  auto state = std::make_shared<State>();
  state->model = scenario.empty() ? model : apply_scenario(model, scenario);
  state->scenario = std::string(scenario);
  require_valid(state->model);
  const Model& m = state->model;
  const Graph graph(m);

  const auto& nodes = m.nodes();
  state->names.reserve(nodes.size());
  for (const auto& node : nodes) state->names.push_back(node.name);
  std::vector<std::size_t> input_of(nodes.size(), 0);
  for (std::size_t column = 0; column < nodes.size(); ++column) {
    if (nodes[column].kind == NodeKind::input) {
      input_of[column] = state->inputs.size();
      state->inputs.push_back(column);
    }
  }
  for (const auto& output : m.outputs) {
    if (const auto index = graph.index(output)) state->outputs.push_back(*index);
  }
  state->input_distributions.resize(state->inputs.size());

  // Parts of split formulas are named "#k" and live in column nodes + k.
  const std::size_t node_count = nodes.size();
  const Program::SlotLookup slot_of = [&graph, node_count](std::string_view name) -> std::optional<std::size_t> {
    if (!name.empty() && name.front() == '#') return node_count + std::stoul(std::string(name.substr(1)));
    return graph.index(name);
  };
  // Per column, the positions of the inputs it depends on (itself, for an input), ascending.
  std::vector<std::vector<std::size_t>> input_positions(node_count);
  for (std::size_t column = 0; column < node_count; ++column) {
    for (const std::size_t upstream : graph.upstream_inputs(column)) {
      input_positions[column].push_back(input_of[upstream]);
    }
    std::sort(input_positions[column].begin(), input_positions[column].end());
  }
  sample_detail::FormulaSplitter splitter(
      [&](std::string_view name) { return input_positions[*graph.index(name)]; });
  for (const std::size_t column : graph.order()) {
    const Node& node = nodes[column];
    Step step;
    step.column = column;
    step.probability = node.is_probability();
    for (const std::size_t upstream : graph.upstream_inputs(column)) {
      if (upstream != column) step.upstream_inputs.push_back(upstream);
    }
    step.depends_on = input_positions[column];
    if (node.kind == NodeKind::input) {
      step.input = input_of[column];
      if (auto constant = constant_distribution(*node.distribution)) {
        step.kind = StepKind::constant_input;
        step.distribution = constant->with_fast_quantile();
        state->input_distributions[step.input] = step.distribution;
      } else {
        step.kind = StepKind::conditional_input;
        step.call = sample_detail::compile_call(*node.distribution, slot_of, step.argument_values);
      }
    } else {
      step.kind = StepKind::derived;
      Expression formula = *node.expression;
      if (options.split_by_inputs) {
        const std::size_t known_parts = splitter.parts().size();
        formula = splitter.split(formula);
        for (std::size_t k = known_parts; k < splitter.parts().size(); ++k) {
          const sample_detail::FormulaPart& part = splitter.parts()[k];
          Step part_step;
          part_step.kind = StepKind::derived;
          part_step.column = node_count + k;
          part_step.program = Program::compile(part.expression, slot_of);
          part_step.checked = false;
          part_step.depends_on = part.inputs;
          state->steps.push_back(std::move(part_step));
        }
      }
      step.program = Program::compile(formula, slot_of);
    }
    state->steps.push_back(std::move(step));
  }
  state->column_count = node_count + splitter.parts().size();
  state_ = std::move(state);
}

const Model& CompiledModel::model() const noexcept { return state_->model; }

const std::string& CompiledModel::scenario() const noexcept { return state_->scenario; }

std::span<const std::string> CompiledModel::node_names() const noexcept { return state_->names; }

std::size_t CompiledModel::column_count() const noexcept { return state_->column_count; }

std::span<const std::size_t> CompiledModel::inputs() const noexcept { return state_->inputs; }

std::span<const std::size_t> CompiledModel::outputs() const noexcept { return state_->outputs; }

std::optional<std::size_t> CompiledModel::column(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < state_->names.size(); ++i) {
    if (state_->names[i] == name) return i;
  }
  return std::nullopt;
}

bool CompiledModel::input_is_constant(std::size_t input) const noexcept {
  return input < state_->input_distributions.size() && state_->input_distributions[input].has_value();
}

const Distribution* CompiledModel::input_distribution(std::size_t input) const noexcept {
  if (!input_is_constant(input)) return nullptr;
  return &*state_->input_distributions[input];
}

namespace {

// "timelines = 0.3, incentives = 0.8" for one row of a block; "no uncertain inputs" when empty.
std::string describe_row(const CompiledModel::State& model, const std::vector<std::size_t>& columns,
                         std::span<const double* const> slots, std::size_t row) {
  std::string text;
  for (const std::size_t column : columns) {
    if (!text.empty()) text += ", ";
    text += model.names[column] + " = " + format_value(slots[column][row]);
  }
  return text.empty() ? std::string("no uncertain inputs") : text;
}

// The first row whose value is not acceptable, if any. The loop without early exit vectorises; the
// slow search for the row only runs when something is wrong.
std::optional<std::size_t> first_bad_row(const double* values, std::size_t n, bool probability) {
  // x * 0 is +-0 for finite x and NaN for NaN or infinity, so the sum is non-zero exactly when some value
  // is not finite. Four independent lanes (and min/max lanes for probabilities) keep the loop free of
  // branches and dependency chains: about 0.3 ns per value instead of 1.
  double zero[4] = {0, 0, 0, 0};
  double low[4] = {0, 0, 0, 0};
  double high[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  if (probability) {
    for (; i + 4 <= n; i += 4) {
      for (std::size_t k = 0; k < 4; ++k) {
        const double x = values[i + k];
        zero[k] += x * 0.0;
        low[k] = x < low[k] ? x : low[k];
        high[k] = x > high[k] ? x : high[k];
      }
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      for (std::size_t k = 0; k < 4; ++k) zero[k] += values[i + k] * 0.0;
    }
  }
  for (; i < n; ++i) {
    zero[0] += values[i] * 0.0;
    low[0] = values[i] < low[0] ? values[i] : low[0];
    high[0] = values[i] > high[0] ? values[i] : high[0];
  }
  bool bad = (zero[0] + zero[1]) + (zero[2] + zero[3]) != 0.0;
  if (probability) {
    for (std::size_t k = 0; k < 4; ++k) bad = bad || low[k] < 0.0 || high[k] > 1.0;
  }
  if (!bad) return std::nullopt;
  for (i = 0; i < n; ++i) {
    const double x = values[i];
    if (!std::isfinite(x) || (probability && (x < 0.0 || x > 1.0))) return i;
  }
  return std::nullopt;
}

// Computes one step's column into `values` from the columns in `slots` (earlier steps), then checks it.
void run_step(const CompiledModel::State& model, const Step& step, std::span<const double* const> uniforms,
              std::size_t n, double* values, std::span<const double* const> slots,
              EvaluationWorkspace::State& ws, std::uint64_t first_sample, bool check) {
  switch (step.kind) {
    case StepKind::constant_input:
      quantile(*step.distribution, std::span<const double>(uniforms[step.input], n), std::span<double>(values, n));
      break;
    case StepKind::conditional_input: {
      if (ws.argument_columns.size() < step.argument_values) ws.argument_columns.resize(step.argument_values);
      sample_detail::evaluate_arguments(*step.call, slots, n, ws.argument_columns, ws.program_workspace);
      ws.current_arguments.assign(step.argument_values, 0.0);
      ws.previous_arguments.assign(step.argument_values, 0.0);
      std::optional<Distribution> distribution;
      const double* u = uniforms[step.input];
      for (std::size_t row = 0; row < n; ++row) {
        for (std::size_t a = 0; a < step.argument_values; ++a) {
          ws.current_arguments[a] = ws.argument_columns[a][row];
        }
        // Consecutive samples often share their parameters (a parent that is discrete, or constant
        // in a scenario): reuse the distribution then, comparing bits so that NaN never matches.
        const bool same = distribution.has_value() &&
                          std::memcmp(ws.current_arguments.data(), ws.previous_arguments.data(),
                                      step.argument_values * sizeof(double)) == 0;
        if (!same) {
          try {
            distribution = sample_detail::build_distribution(*step.call, ws.current_arguments);
          } catch (const ParameterError& error) {
            throw NumericalError(fmt::format("node '{}': {} at sample {} with {}", model.names[step.column],
                                             error.what(), first_sample + row,
                                             describe_row(model, step.upstream_inputs, slots, row)));
          }
          std::swap(ws.current_arguments, ws.previous_arguments);
        }
        values[row] = quantile(*distribution, u[row]);
      }
      break;
    }
    case StepKind::derived:
      step.program->evaluate(slots, n, values, ws.program_workspace);
      break;
  }
  if (!check || !step.checked) return;
  if (const auto row = first_bad_row(values, n, step.probability)) {
    const double x = values[*row];
    std::string what;
    if (std::isnan(x)) {
      what = "is NaN";
    } else if (std::isinf(x)) {
      what = x > 0 ? "is +infinity" : "is -infinity";
    } else {
      // Shortest round-trip text: 1.0000000000000002 must not print as "1".
      what = fmt::format("is {}, outside [0, 1] for a probability,", x);
    }
    std::string inputs = describe_row(model, step.upstream_inputs, slots, *row);
    if (step.kind != StepKind::derived) {
      inputs = fmt::format("uniform {} and {}", uniforms[step.input][*row], inputs);  // all digits: 0.9999999 is not 1
    }
    throw NumericalError(fmt::format("node '{}' {} at sample {} with {}", model.names[step.column], what,
                                     first_sample + *row, inputs));
  }
}

}  // namespace

void CompiledModel::evaluate(std::span<const double* const> uniforms, std::size_t n, Block& out,
                             EvaluationWorkspace& workspace) const {
  evaluate(uniforms, n, out, workspace, 0);
}

void CompiledModel::evaluate(std::span<const double* const> uniforms, std::size_t n, Block& out,
                             EvaluationWorkspace& workspace, std::uint64_t first_sample,
                             bool check) const {
  const State& model = *state_;
  if (uniforms.size() != model.inputs.size()) {
    throw Error(fmt::format("CompiledModel::evaluate: {} uniform columns given for {} inputs",
                            uniforms.size(), model.inputs.size()));
  }
  out.resize(n, model.column_count);
  auto& ws = workspace.state();
  ws.slots.resize(model.column_count);
  for (std::size_t column = 0; column < model.column_count; ++column) {
    ws.slots[column] = out.values.data() + column * n;
  }
  for (const Step& step : model.steps) {
    run_step(model, step, uniforms, n, out.values.data() + step.column * n, ws.slots, ws, first_sample, check);
  }
}

std::span<const double> CompiledModel::evaluate_recombined(std::span<const double* const> uniforms, std::size_t n,
                                                           const Block& a, const Block& b,
                                                           std::span<const std::size_t> swapped, std::size_t node,
                                                           Block& out, EvaluationWorkspace& workspace,
                                                           std::uint64_t first_sample, bool check) const {
  const State& model = *state_;
  if (uniforms.size() != model.inputs.size()) {
    throw Error(fmt::format("CompiledModel::evaluate_recombined: {} uniform columns given for {} inputs",
                            uniforms.size(), model.inputs.size()));
  }
  for (const Block* block : {&a, &b}) {
    if (block->samples != n || block->nodes != model.column_count || block->values.size() != n * model.column_count) {
      throw Error(fmt::format("CompiledModel::evaluate_recombined: a block of {} samples x {} columns given "
                              "where {} x {} were expected",
                              block->samples, block->nodes, n, model.column_count));
    }
  }
  if (node >= model.column_count) {
    throw Error(fmt::format("CompiledModel::evaluate_recombined: no column {}", node));
  }
  auto& ws = workspace.state();
  ws.swapped.assign(model.inputs.size(), 0);
  for (const std::size_t input : swapped) {
    if (input >= model.inputs.size()) {
      throw Error(fmt::format("CompiledModel::evaluate_recombined: input position {} of {} inputs", input,
                              model.inputs.size()));
    }
    ws.swapped[input] = 1;
  }
  out.resize(n, model.column_count);
  ws.slots.resize(model.column_count);
  for (const Step& step : model.steps) {
    std::size_t from_b = 0;
    for (const std::size_t input : step.depends_on) from_b += ws.swapped[input];
    const std::size_t offset = step.column * n;
    if (from_b == 0) {
      ws.slots[step.column] = a.values.data() + offset;
    } else if (from_b == step.depends_on.size()) {
      ws.slots[step.column] = b.values.data() + offset;
    } else {
      ws.slots[step.column] = out.values.data() + offset;
      run_step(model, step, uniforms, n, out.values.data() + offset, ws.slots, ws, first_sample, check);
    }
  }
  return {ws.slots[node], n};
}

std::vector<double> CompiledModel::values_at_medians() const {
  const std::vector<double> half(state_->inputs.size(), 0.5);
  std::vector<const double*> uniforms(half.size());
  for (std::size_t i = 0; i < half.size(); ++i) uniforms[i] = &half[i];
  Block block;
  EvaluationWorkspace workspace;
  evaluate(uniforms, 1, block, workspace, 0, false);
  block.values.resize(state_->names.size());  // one sample: the nodes' columns come first, then parts
  return block.values;
}

std::vector<double> CompiledModel::at_medians() const {
  const std::vector<double> values = values_at_medians();
  std::vector<double> result;
  result.reserve(state_->outputs.size());
  for (const std::size_t column : state_->outputs) result.push_back(values[column]);
  return result;
}

}  // namespace pdoom
