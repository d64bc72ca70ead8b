// libFuzzer target: the expression and distribution parsers, the printer and the block compiler.
// Any input must give an Expression or an ExpressionError: never a crash, hang or sanitizer report.
// A formula split by inputs (CompileOptions::split_by_inputs) must give the bits of the unsplit one,
// in a full evaluation and recombined with each input swapped.
#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/expr/program.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/sample/compiled_model.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

bool same_bits(std::span<const double> x, std::span<const double> y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

// The expression as the one derived node of a model whose inputs are its variables.
void check_split(const pdoom::Expression& expression, const std::vector<std::string>& names) {
  constexpr std::string_view output = "fuzz_output_";
  pdoom::Model model("fuzz");
  for (const auto& name : names) {
    if (name == output || !pdoom::is_valid_node_name(name)) return;
    model.input(name, pdoom::uniform(-3.0, 3.0));
  }
  model.derived(std::string(output), expression);
  model.add_output(std::string(output));
  std::optional<pdoom::CompiledModel> plain_model, split_model;
  try {
    plain_model.emplace(model);
  } catch (const pdoom::ModelError&) {
    return;  // not a valid model (e.g. a variable that only the expression language may name)
  }
  split_model.emplace(model, std::string_view{}, pdoom::CompileOptions{.split_by_inputs = true});
  const pdoom::CompiledModel& plain = *plain_model;
  const pdoom::CompiledModel& split = *split_model;
  constexpr double uniforms[] = {0.5, 0.01, 0.99, 0.3, 1e-12, 1 - 1e-12, 0.75, 0.1, 0.6, 0.45, 0.2};
  constexpr std::size_t samples = std::size(uniforms);
  const std::size_t inputs = names.size();
  std::vector<double> a(inputs * samples), b(inputs * samples);
  for (std::size_t v = 0; v < inputs; ++v) {
    for (std::size_t i = 0; i < samples; ++i) {
      a[v * samples + i] = uniforms[(i + v) % samples];
      b[v * samples + i] = uniforms[(i + 3 * v + 5) % samples];
    }
  }
  std::vector<const double*> pa(inputs), pb(inputs);
  for (std::size_t v = 0; v < inputs; ++v) {
    pa[v] = a.data() + v * samples;
    pb[v] = b.data() + v * samples;
  }
  pdoom::Block plain_block, block_a, block_b, mixed;
  pdoom::EvaluationWorkspace workspace;
  const std::size_t column = *plain.column(output);
  plain.evaluate(pa, samples, plain_block, workspace, 0, false);
  split.evaluate(pa, samples, block_a, workspace, 0, false);
  split.evaluate(pb, samples, block_b, workspace, 0, false);
  if (!same_bits(plain_block.column(column), block_a.column(column))) std::abort();
  for (std::size_t v = 0; v < inputs; ++v) {
    std::vector<const double*> recombined = pa;
    recombined[v] = pb[v];
    plain.evaluate(recombined, samples, plain_block, workspace, 0, false);
    const std::size_t swapped[] = {v};
    const auto values = split.evaluate_recombined(recombined, samples, block_a, block_b, swapped, column, mixed,
                                                  workspace, 0, false);
    if (!same_bits(plain_block.column(column), values)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const pdoom::Expression expression = pdoom::parse_expression(text);
    // The printer's output must parse back to the same tree.
    const pdoom::Expression again = pdoom::parse_expression(expression.to_string());
    if (!pdoom::structurally_equal(expression, again)) std::abort();
    const auto names = expression.variables();
    const pdoom::Program program = pdoom::Program::compile(
        expression, [&](std::string_view name) -> std::optional<std::size_t> {
          for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == name) return i;
          return std::nullopt;
        });
    // Ordinary and extreme values, in a different order for each variable.
    constexpr double values[] = {0.25, 0.0, 1.0, -1.0, 1e308, -1e308, 0.5, 3.0, 5e-324, -0.0};
    constexpr std::size_t samples = std::size(values);
    std::vector<std::vector<double>> columns(names.size(), std::vector<double>(samples));
    for (std::size_t v = 0; v < names.size(); ++v)
      for (std::size_t i = 0; i < samples; ++i) columns[v][i] = values[(i + v) % samples];
    std::vector<const double*> slots;
    for (const auto& column : columns) slots.push_back(column.data());
    std::vector<double> out(samples);
    pdoom::ProgramWorkspace workspace;
    program.evaluate(slots, samples, out.data(), workspace);
    check_split(expression, names);
  } catch (const pdoom::ExpressionError&) {
  }
  try {
    const pdoom::DistributionCall call = pdoom::parse_distribution(text);
    (void)call.to_string();
  } catch (const pdoom::ExpressionError&) {
  }
  return 0;
}
