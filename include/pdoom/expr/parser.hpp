#pragma once
// The text front end of the expression IR: `expr` strings and `dist` strings of model files.
// The language is documented in docs/expressions.md.

#include "pdoom/expr/expression.hpp"

#include <span>
#include <string_view>

namespace pdoom {

/// Parentheses, call arguments, unary minus, `not` and `^` may nest this deep; deeper input is an
/// error, never a stack overflow.
inline constexpr int max_expression_nesting = 256;

/// Parses an expression such as "timelines * (1 - 5%) ^ 2". Columns in errors and nodes are 1-based
/// byte offsets into `text`.
/// @throws ExpressionError(column, message) saying what was expected where, naming unknown functions
/// (with the closest function name) and wrong arities ("clamp takes 3 arguments, got 2").
[[nodiscard]] Expression parse_expression(std::string_view text);

/// Parses a distribution call such as "beta_ci(0.45, 80%)" or "mixture(0.3, beta(2, 5), 0.7, point(a))":
/// a constructor of distribution_constructors() whose numeric arguments are expressions and whose
/// distribution arguments (argument_is_distribution) are nested calls.
/// @throws ExpressionError(column, message) for syntax errors, unknown constructors (with the closest
/// name) and wrong numbers of arguments.
[[nodiscard]] DistributionCall parse_distribution(std::string_view text);

/// Words that mean something in expressions and so cannot name a node: and, or, not, pi, e, and the
/// function names (if, exp, ..., pow, any, all).
[[nodiscard]] std::span<const std::string_view> reserved_words() noexcept;
/// Whether `word` is one of reserved_words().
[[nodiscard]] bool is_reserved_word(std::string_view word) noexcept;

}  // namespace pdoom
