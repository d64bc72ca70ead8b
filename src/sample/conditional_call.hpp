#pragma once
// Private to the library (the sampler and audit/compare): a conditional distribution call, such as
// beta_mean(0.3 + 0.5 * x1, 10), compiled once; per block its numeric arguments are evaluated into
// columns, per sample the distribution is built from one row of them.

#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/expression.hpp"
#include "pdoom/expr/program.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pdoom::sample_detail {

struct CompiledCall;

/// One argument of a compiled call.
struct CompiledArgument {
  std::shared_ptr<const CompiledCall> call;  ///< a nested distribution, or
  std::optional<Program> program;            ///< a numeric expression that varies per sample, or
  double constant = 0;                       ///< a constant number
  std::size_t value_slot = 0;                ///< its per-sample value's column (numeric, non-constant only)
};

/// A distribution call with its arguments compiled.
struct CompiledCall {
  std::string constructor;
  std::vector<CompiledArgument> arguments;
};

/// Compiles `call`, numbering its per-sample numeric arguments from `value_slots` on (which ends one past
/// the last). @throws ExpressionError for a name slot_of does not know.
[[nodiscard]] std::shared_ptr<const CompiledCall> compile_call(const DistributionCall& call,
                                                               const Program::SlotLookup& slot_of,
                                                               std::size_t& value_slots);

/// Evaluates the per-sample numeric arguments of `call` (recursively) for n samples:
/// columns[value_slot] gets n values. `columns` must have a column for every value slot.
void evaluate_arguments(const CompiledCall& call, std::span<const double* const> slots, std::size_t n,
                        std::vector<std::vector<double>>& columns, ProgramWorkspace& workspace);

/// The distribution of one sample, whose argument values are `values` (indexed by value slot).
/// @throws ParameterError for parameters the distribution does not accept.
[[nodiscard]] Distribution build_distribution(const CompiledCall& call, std::span<const double> values);

}  // namespace pdoom::sample_detail
