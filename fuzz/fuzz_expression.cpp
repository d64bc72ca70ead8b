// libFuzzer target: the expression and distribution parsers, the printer and the block compiler.
// Any input must give an Expression or an ExpressionError: never a crash, hang or sanitizer report.
#include "pdoom/error.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/expr/program.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

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
  } catch (const pdoom::ExpressionError&) {
  }
  try {
    const pdoom::DistributionCall call = pdoom::parse_distribution(text);
    (void)call.to_string();
  } catch (const pdoom::ExpressionError&) {
  }
  return 0;
}
