// The C++ builder API must produce exactly the trees the parser produces for the same text.

#include "pdoom/error.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/expr/expression.hpp"
#include "pdoom/expr/parser.hpp"

#include <catch2/catch.hpp>

#include <numbers>
#include <string>
#include <utility>
#include <vector>

using namespace pdoom;

TEST_CASE("builder expressions equal parsed expressions", "[expr]") {
  const Expression a = Expression::variable("a");
  const Expression b = Expression::variable("b");
  const Expression c = Expression::variable("c");
  const Expression p = Expression::variable("p");
  const Expression q = Expression::variable("q");

  const std::vector<std::pair<Expression, const char*>> cases{
      {a + b * c, "a + b * c"},
      {(a + b) * c, "(a + b) * c"},
      {a - b - c, "a - b - c"},
      {a - (b - c), "a - (b - c)"},
      {a / b / c, "a / b / c"},
      {a * 0.5, "a * 0.5"},
      {0.5 * a, "0.5 * a"},
      {1 - p, "1 - p"},
      {a * 5e-2, "a * 5%"},
      {-a, "-a"},
      {-(a * b), "-(a * b)"},
      {-a * b, "-a * b"},
      {a * -2.0, "a * -2"},
      {-Expression(2.0), "-2"},
      {-pow(Expression(2.0), 2), "-2^2"},
      {pow(Expression(-2.0), 2), "(-2)^2"},
      {pow(a, pow(b, c)), "a^b^c"},
      {pow(pow(a, b), c), "(a^b)^c"},
      {pow(a, b), "pow(a, b)"},
      {pow(2.0, -a), "2^-a"},
      {less(a, b), "a < b"},
      {a < b, "a < b"},
      {a <= b, "a <= b"},
      {a > 0.5, "a > 0.5"},
      {0.5 >= a, "0.5 >= a"},
      {a == b, "a == b"},
      {a != b, "a != b"},
      {less_equal(a, b), "a <= b"},
      {greater(a, b), "a > b"},
      {greater_equal(a, b), "a >= b"},
      {equal(a, b), "a == b"},
      {not_equal(a, b), "a != b"},
      {and_(a < b, c), "a < b and c"},
      {or_(a, and_(b, c)), "a or b and c"},
      {and_(or_(a, b), c), "(a or b) and c"},
      {not_(a < b), "not a < b"},
      {not_(not_(a)), "not not a"},
      {if_(a > 0.5, b, c), "if(a > 0.5, b, c)"},
      {if_(p > 0, log(p), 0), "if(p > 0, log(p), 0)"},
      {exp(a), "exp(a)"},
      {log(a), "log(a)"},
      {log10(a), "log10(a)"},
      {sqrt(a), "sqrt(a)"},
      {abs(a), "abs(a)"},
      {min(a, b), "min(a, b)"},
      {min(a, b, c), "min(a, b, c)"},
      {min({a, b, c, 1.0}), "min(a, b, c, 1)"},
      {max(a, 0.0), "max(a, 0)"},
      {max(a, b, c, 2.0), "max(a, b, c, 2)"},
      {clamp(a, 0, 1), "clamp(a, 0, 1)"},
      {sin(a) + cos(b) * tanh(c), "sin(a) + cos(b) * tanh(c)"},
      {floor(a) - ceil(b), "floor(a) - ceil(b)"},
      {logistic(logit(p)), "logistic(logit(p))"},
      {any({p, q}), "any(p, q)"},
      {any({p}), "any(p)"},
      {all({p, q, 0.5}), "all(p, q, 50%)"},
      {a * std::numbers::pi, "a * pi"},
      {exp(Expression(1.0)) * a, "exp(1) * a"},
      {std::numbers::e * a, "e * a"},
      {1 - any({p * q, 1 - p}) / 2, "1 - any(p * q, 1 - p) / 2"},
  };
  for (const auto& [built, text] : cases) {
    INFO("text: " << text << ", built: " << built.to_string());
    CHECK(structurally_equal(built, parse_expression(text)));
  }
}

TEST_CASE("builder checks the arity of variadic functions", "[expr]") {
  const Expression a = Expression::variable("a");
  CHECK_THROWS_AS(min(std::vector<Expression>{a}), ExpressionError);
  CHECK_THROWS_AS(max(std::vector<Expression>{}), ExpressionError);
  CHECK_THROWS_AS(any({}), ExpressionError);
  CHECK_THROWS_AS(all({}), ExpressionError);
}

TEST_CASE("doubles keep their C++ meaning next to the builder", "[expr]") {
  // With `using namespace pdoom`, calls on plain doubles still pick the <cmath> functions.
  const double x = 0.25;
  const double y = exp(x) + sqrt(x) + pow(x, 2.0);  // unqualified: ::exp(double) is the exact match
  CHECK(y == std::exp(0.25) + 0.5 + 0.0625);
  const Expression shared = Expression::variable("t") * 2.0;
  const Expression twice = shared + shared;
  CHECK(twice.arguments()[0].identity() == twice.arguments()[1].identity());
}
