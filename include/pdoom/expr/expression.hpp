#pragma once
// The one expression IR shared by the text parser and the C++ builder API: an immutable tree.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// What one expression node does. Functions of the language map one-to-one to operations.
enum class Operation : std::uint8_t {
  constant, variable,
  negate, add, subtract, multiply, divide, power,
  less, less_equal, greater, greater_equal, equal, not_equal,
  logical_and, logical_or, logical_not,
  if_then_else,
  exp, log, log10, sqrt, abs, min, max, clamp, sin, cos, tanh, floor, ceil, logistic, logit,
  any, all
};

/// The function name of an operation as written in expressions ("exp", "clamp"), or its operator ("+").
/// constant and variable give "constant" and "variable"; logical_and gives "and", if_then_else "if".
[[nodiscard]] std::string_view operation_name(Operation operation) noexcept;

/// How many arguments an operation takes: minimum..maximum (maximum = SIZE_MAX for min, max, any, all).
struct Arity {
  std::size_t minimum = 0;
  std::size_t maximum = 0;
};
/// The arity of an operation (0..0 for constant and variable).
[[nodiscard]] Arity operation_arity(Operation operation) noexcept;

/// The operation a function name of the language denotes ("exp", "pow" -> power, "if" -> if_then_else).
[[nodiscard]] std::optional<Operation> function_operation(std::string_view name) noexcept;
/// The function names of the language, in the order of docs/expressions.md (includes "pow" and "if").
[[nodiscard]] std::span<const std::string_view> function_names() noexcept;

/// Trees deeper than this are refused (by the parser with a column, by Expression::apply), so that
/// every recursive walk over an expression stays far from a stack overflow.
inline constexpr std::size_t max_expression_depth = 1000;

/// An immutable expression tree; cheap to copy (shared nodes).
class Expression {
 public:
  /// The constant 0.
  Expression();
  /// A constant; implicit so that builder code can write `t * 0.5`.
  Expression(double constant);  // NOLINT(google-explicit-constructor)

  /// A constant written at `column` (1-based; 0 = built in code).
  [[nodiscard]] static Expression constant(double value, int column);
  /// A reference to the node called `name`; `column` is where it was written (1-based, 0 = built in code).
  [[nodiscard]] static Expression variable(std::string name, int column = 0);
  /// An operation applied to arguments. The parser reports arity errors with their column first;
  /// apply checks again, and folds the negation of a constant into a negative constant (so that
  /// `-2` is one constant whichever front end wrote it).
  /// @throws ExpressionError when the number of arguments does not fit the operation, when the
  /// operation is constant or variable, or when the tree would be deeper than max_expression_depth.
  [[nodiscard]] static Expression apply(Operation operation, std::vector<Expression> arguments,
                                        int column = 0);

  [[nodiscard]] Operation operation() const noexcept;
  [[nodiscard]] double value() const noexcept;              ///< for constants
  [[nodiscard]] const std::string& name() const noexcept;   ///< for variables
  [[nodiscard]] std::span<const Expression> arguments() const noexcept;
  [[nodiscard]] int column() const noexcept;                ///< where it starts in its source text
  [[nodiscard]] bool is_constant() const noexcept { return operation() == Operation::constant; }
  /// Levels of the tree: 1 for a constant or variable, 1 + the deepest argument otherwise.
  [[nodiscard]] std::size_t depth() const noexcept;

  /// The distinct node names referenced, in order of first appearance.
  [[nodiscard]] std::vector<std::string> variables() const;
  /// Canonical text that parses back to an equal expression, with minimal parentheses.
  /// Constants print in the shortest form that reads back to the same double; non-finite constants
  /// (only the builder can make them) print as inf, -inf, nan and do not parse back.
  [[nodiscard]] std::string to_string() const;

  struct Node;
  /// The shared node behind this handle: copies of one Expression have the same identity, which lets
  /// the compiler evaluate a subexpression shared by several parents once.
  [[nodiscard]] const Node* identity() const noexcept { return node_.get(); }

 private:
  explicit Expression(std::shared_ptr<const Node> node) noexcept;
  std::shared_ptr<const Node> node_;
};

/// Same structure and values (columns are ignored; constants compare by value, NaN equals NaN).
[[nodiscard]] bool structurally_equal(const Expression& a, const Expression& b);

/// A distribution constructor call as written in a `dist` string: `beta_ci(lo, hi)`,
/// `mixture(0.3, beta(2, 5), 0.7, point(a))`. Arguments are expressions or nested calls.
struct DistributionCall {
  struct Argument {
    std::optional<Expression> expression;           ///< set for a numeric argument
    std::shared_ptr<const DistributionCall> call;   ///< set for a nested distribution
  };
  std::string constructor;
  std::vector<Argument> arguments;
  int column = 0;  ///< 1-based column of the constructor name in its source text

  /// Node names referenced by any argument, distinct, in order of first appearance.
  [[nodiscard]] std::vector<std::string> variables() const;
  /// Canonical text that parses back to an equal call.
  [[nodiscard]] std::string to_string() const;
  /// Whether every argument is a constant (recursively): the distribution can be built once.
  [[nodiscard]] bool is_constant() const;
};

/// Same constructors, same argument kinds, structurally equal expressions (columns ignored).
[[nodiscard]] bool structurally_equal(const DistributionCall& a, const DistributionCall& b);

}  // namespace pdoom
