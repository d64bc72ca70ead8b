#pragma once
// The one expression IR shared by the text parser and the C++ builder API: an immutable tree.

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
[[nodiscard]] std::string_view operation_name(Operation operation) noexcept;

/// An immutable expression tree; cheap to copy (shared nodes).
class Expression {
 public:
  /// The constant 0.
  Expression();
  /// A constant; implicit so that builder code can write `t * 0.5`.
  Expression(double constant);  // NOLINT(google-explicit-constructor)

  /// A reference to the node called `name`; `column` is where it was written (1-based, 0 = built in code).
  [[nodiscard]] static Expression variable(std::string name, int column = 0);
  /// An operation applied to arguments; the arity is checked by the parser, not here.
  [[nodiscard]] static Expression apply(Operation operation, std::vector<Expression> arguments,
                                        int column = 0);

  [[nodiscard]] Operation operation() const noexcept;
  [[nodiscard]] double value() const noexcept;              ///< for constants
  [[nodiscard]] const std::string& name() const noexcept;   ///< for variables
  [[nodiscard]] std::span<const Expression> arguments() const noexcept;
  [[nodiscard]] int column() const noexcept;                ///< where it starts in its source text
  [[nodiscard]] bool is_constant() const noexcept { return operation() == Operation::constant; }

  /// The distinct node names referenced, in order of first appearance.
  [[nodiscard]] std::vector<std::string> variables() const;
  /// Canonical text that parses back to an equal expression, with minimal parentheses.
  [[nodiscard]] std::string to_string() const;

  struct Node;

 private:
  explicit Expression(std::shared_ptr<const Node> node) noexcept;
  std::shared_ptr<const Node> node_;
};

/// Same structure and values (columns are ignored).
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
};

}  // namespace pdoom
