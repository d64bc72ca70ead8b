#pragma once
// The C++ front end of the expression IR: operators and functions on Expression that build the
// same trees the parser builds for the same text (`a * (1 - b)` here equals parse_expression("a * (1 - b)")).
//
// Comparison operators return an Expression (like Eigen's array comparisons), never a bool: to
// compare two trees use structurally_equal. Expression converts to neither double nor bool, so a
// misuse such as `if (x < y)` with expressions fails to compile instead of doing the wrong thing.
// && || ! are not overloaded (their short-circuit meaning cannot be kept): use and_, or_, not_.
// ^ is not overloaded (its C++ precedence is below ==): use pow.

#include "pdoom/expr/expression.hpp"

#include <concepts>
#include <vector>

namespace pdoom {

// ---- arithmetic ----

/// a + b.
[[nodiscard]] Expression operator+(const Expression& a, const Expression& b);
/// a - b.
[[nodiscard]] Expression operator-(const Expression& a, const Expression& b);
/// a * b.
[[nodiscard]] Expression operator*(const Expression& a, const Expression& b);
/// a / b.
[[nodiscard]] Expression operator/(const Expression& a, const Expression& b);
/// -a (the negative constant when a is a constant, as the parser reads `-2`).
[[nodiscard]] Expression operator-(const Expression& a);
/// x^y, written pow(x, y) because C++'s ^ binds too loosely.
[[nodiscard]] Expression pow(const Expression& x, const Expression& y);

// ---- comparisons: 1 where true, 0 where false (NaN where an operand is NaN) ----

/// a < b.
[[nodiscard]] Expression less(const Expression& a, const Expression& b);
/// a <= b.
[[nodiscard]] Expression less_equal(const Expression& a, const Expression& b);
/// a > b.
[[nodiscard]] Expression greater(const Expression& a, const Expression& b);
/// a >= b.
[[nodiscard]] Expression greater_equal(const Expression& a, const Expression& b);
/// a == b.
[[nodiscard]] Expression equal(const Expression& a, const Expression& b);
/// a != b.
[[nodiscard]] Expression not_equal(const Expression& a, const Expression& b);
/// The expression a < b (not a bool).
[[nodiscard]] Expression operator<(const Expression& a, const Expression& b);
/// The expression a <= b (not a bool).
[[nodiscard]] Expression operator<=(const Expression& a, const Expression& b);
/// The expression a > b (not a bool).
[[nodiscard]] Expression operator>(const Expression& a, const Expression& b);
/// The expression a >= b (not a bool).
[[nodiscard]] Expression operator>=(const Expression& a, const Expression& b);
/// The expression a == b (not a bool; use structurally_equal to compare trees).
[[nodiscard]] Expression operator==(const Expression& a, const Expression& b);
/// The expression a != b (not a bool).
[[nodiscard]] Expression operator!=(const Expression& a, const Expression& b);

// ---- logic: nonzero is true; results are 0 or 1 ----

/// a and b.
[[nodiscard]] Expression and_(const Expression& a, const Expression& b);
/// a or b.
[[nodiscard]] Expression or_(const Expression& a, const Expression& b);
/// not a.
[[nodiscard]] Expression not_(const Expression& a);
/// if(condition, then_value, else_value), chosen sample by sample.
[[nodiscard]] Expression if_(const Expression& condition, const Expression& then_value,
                             const Expression& else_value);

// ---- functions ----

/// e^x.
[[nodiscard]] Expression exp(const Expression& x);
/// Natural logarithm.
[[nodiscard]] Expression log(const Expression& x);
/// Base-10 logarithm.
[[nodiscard]] Expression log10(const Expression& x);
/// Square root.
[[nodiscard]] Expression sqrt(const Expression& x);
/// |x|.
[[nodiscard]] Expression abs(const Expression& x);
/// The smaller of a and b.
[[nodiscard]] Expression min(const Expression& a, const Expression& b);
/// The smallest argument. @throws ExpressionError for fewer than 2 arguments.
[[nodiscard]] Expression min(std::vector<Expression> arguments);
/// The larger of a and b.
[[nodiscard]] Expression max(const Expression& a, const Expression& b);
/// The largest argument. @throws ExpressionError for fewer than 2 arguments.
[[nodiscard]] Expression max(std::vector<Expression> arguments);
/// min(max(x, lo), hi).
[[nodiscard]] Expression clamp(const Expression& x, const Expression& lo, const Expression& hi);
/// Sine (radians).
[[nodiscard]] Expression sin(const Expression& x);
/// Cosine (radians).
[[nodiscard]] Expression cos(const Expression& x);
/// Hyperbolic tangent.
[[nodiscard]] Expression tanh(const Expression& x);
/// Largest integer <= x.
[[nodiscard]] Expression floor(const Expression& x);
/// Smallest integer >= x.
[[nodiscard]] Expression ceil(const Expression& x);
/// 1 / (1 + e^-x).
[[nodiscard]] Expression logistic(const Expression& x);
/// log(p / (1 - p)).
[[nodiscard]] Expression logit(const Expression& p);
/// 1 - prod(1 - p_i): at least one of independent events. @throws ExpressionError when empty.
[[nodiscard]] Expression any(std::vector<Expression> probabilities);
/// prod(p_i): all of independent events. @throws ExpressionError when empty.
[[nodiscard]] Expression all(std::vector<Expression> probabilities);

/// min(a, b, c, ...) with three or more arguments.
template <class... Rest>
  requires(std::convertible_to<const Rest&, Expression> && ...)
[[nodiscard]] Expression min(const Expression& a, const Expression& b, const Expression& c, const Rest&... rest) {
  return min(std::vector<Expression>{a, b, c, Expression(rest)...});
}
/// max(a, b, c, ...) with three or more arguments.
template <class... Rest>
  requires(std::convertible_to<const Rest&, Expression> && ...)
[[nodiscard]] Expression max(const Expression& a, const Expression& b, const Expression& c, const Rest&... rest) {
  return max(std::vector<Expression>{a, b, c, Expression(rest)...});
}

}  // namespace pdoom
