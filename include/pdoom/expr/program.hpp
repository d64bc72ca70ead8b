#pragma once
// Evaluation of expressions: a compiler from the IR to a flat program that runs one instruction
// over a whole block of samples at a time (the sampler's path), and a recursive scalar evaluator
// that defines the semantics (the reference for tests and tools).
//
// Semantics (identical in both): IEEE doubles, no exceptions (log(-1) is NaN, 1/0 is inf).
// Comparisons give 1 or 0; `and`, `or`, `not` and `if` treat nonzero as true. NaN propagates through
// every operation, comparisons and logic included, except the branch `if` does not choose and the
// right operand of `and` / `or` when the left one decides (`p > 0 and log(p) > 1` is 0 for p = -1).
// x^y is std::pow(x, y) (y = 2 is computed as x*x, the correctly rounded square).

#include "pdoom/expr/expression.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

class Program;

/// Scratch registers for Program::evaluate. Keep one per thread and reuse it across blocks and
/// programs: it allocates only when a program needs more registers than it has seen.
class ProgramWorkspace {
 public:
  ProgramWorkspace() = default;
  /// The register doubles held now (for tests of the no-allocation promise).
  [[nodiscard]] std::size_t capacity() const noexcept { return registers_.size(); }

 private:
  friend class Program;
  std::vector<double> registers_;
  std::vector<const double*> inputs_;  // resolved operands of one instruction
};

/// A compiled expression: constants folded, shared subexpressions computed once, chains of
/// multiplications and additions fused, registers reused. Immutable and safe to share between threads
/// (each thread with its own ProgramWorkspace).
class Program {
 public:
  /// Where the values of a node live: the index of its column in `slots`, or nothing when unknown.
  using SlotLookup = std::function<std::optional<std::size_t>(std::string_view)>;

  /// The constant 0.
  Program();

  /// Compiles `expression`, asking `slot_of` once per distinct node name.
  /// @throws ExpressionError at the variable's column when slot_of returns no slot for it.
  [[nodiscard]] static Program compile(const Expression& expression, const SlotLookup& slot_of);

  /// out[i] = the expression's value for sample i < n, where slots[k][i] is the value of slot k.
  /// Every slot the program reads (slots_read) must point to n doubles; `out` must not overlap them.
  /// Never throws; bad values come out as NaN or inf.
  void evaluate(std::span<const double* const> slots, std::size_t n, double* out,
                ProgramWorkspace& workspace) const;

  /// Whether the expression folded to a constant (then evaluate fills `out` with it).
  [[nodiscard]] bool is_constant() const noexcept;
  /// The constant, when is_constant().
  [[nodiscard]] double constant_value() const noexcept;
  /// Instructions run per block (0 for a constant).
  [[nodiscard]] std::size_t instruction_count() const noexcept;
  /// Scratch registers needed (each one block of doubles).
  [[nodiscard]] std::size_t register_count() const noexcept;
  /// The distinct slots read, ascending (a folded-away branch reads nothing).
  [[nodiscard]] std::vector<std::size_t> slots_read() const;
  /// One line per instruction, for debugging and `explain`-style tools: "r0 = product(a, b, c)".
  [[nodiscard]] std::string listing() const;

  struct Code;

 private:
  explicit Program(std::shared_ptr<const Code> code) noexcept;
  std::shared_ptr<const Code> code_;
};

/// The value of `expression` with each node name given by `value_of`; the reference semantics that
/// Program follows bit for bit. Recursive (expressions are at most max_expression_depth deep).
[[nodiscard]] double evaluate_scalar(const Expression& expression,
                                     const std::function<double(std::string_view)>& value_of);

/// The value of one operation on given argument values (the semantics above). @pre the arity fits.
[[nodiscard]] double apply_operation(Operation operation, std::span<const double> arguments) noexcept;

}  // namespace pdoom
