#include "pdoom/expr/builder.hpp"

#include <utility>

namespace pdoom {
namespace {
Expression unary(Operation operation, const Expression& x) { return Expression::apply(operation, {x}); }
Expression binary(Operation operation, const Expression& a, const Expression& b) {
  return Expression::apply(operation, {a, b});
}
}  // namespace

Expression operator+(const Expression& a, const Expression& b) { return binary(Operation::add, a, b); }
Expression operator-(const Expression& a, const Expression& b) { return binary(Operation::subtract, a, b); }
Expression operator*(const Expression& a, const Expression& b) { return binary(Operation::multiply, a, b); }
Expression operator/(const Expression& a, const Expression& b) { return binary(Operation::divide, a, b); }
Expression operator-(const Expression& a) { return unary(Operation::negate, a); }
Expression pow(const Expression& x, const Expression& y) { return binary(Operation::power, x, y); }

Expression less(const Expression& a, const Expression& b) { return binary(Operation::less, a, b); }
Expression less_equal(const Expression& a, const Expression& b) { return binary(Operation::less_equal, a, b); }
Expression greater(const Expression& a, const Expression& b) { return binary(Operation::greater, a, b); }
Expression greater_equal(const Expression& a, const Expression& b) {
  return binary(Operation::greater_equal, a, b);
}
Expression equal(const Expression& a, const Expression& b) { return binary(Operation::equal, a, b); }
Expression not_equal(const Expression& a, const Expression& b) { return binary(Operation::not_equal, a, b); }
Expression operator<(const Expression& a, const Expression& b) { return less(a, b); }
Expression operator<=(const Expression& a, const Expression& b) { return less_equal(a, b); }
Expression operator>(const Expression& a, const Expression& b) { return greater(a, b); }
Expression operator>=(const Expression& a, const Expression& b) { return greater_equal(a, b); }
Expression operator==(const Expression& a, const Expression& b) { return equal(a, b); }
Expression operator!=(const Expression& a, const Expression& b) { return not_equal(a, b); }

Expression and_(const Expression& a, const Expression& b) { return binary(Operation::logical_and, a, b); }
Expression or_(const Expression& a, const Expression& b) { return binary(Operation::logical_or, a, b); }
Expression not_(const Expression& a) { return unary(Operation::logical_not, a); }
Expression if_(const Expression& condition, const Expression& then_value, const Expression& else_value) {
  return Expression::apply(Operation::if_then_else, {condition, then_value, else_value});
}

Expression exp(const Expression& x) { return unary(Operation::exp, x); }
Expression log(const Expression& x) { return unary(Operation::log, x); }
Expression log10(const Expression& x) { return unary(Operation::log10, x); }
Expression sqrt(const Expression& x) { return unary(Operation::sqrt, x); }
Expression abs(const Expression& x) { return unary(Operation::abs, x); }
Expression min(const Expression& a, const Expression& b) { return binary(Operation::min, a, b); }
Expression min(std::vector<Expression> arguments) { return Expression::apply(Operation::min, std::move(arguments)); }
Expression max(const Expression& a, const Expression& b) { return binary(Operation::max, a, b); }
Expression max(std::vector<Expression> arguments) { return Expression::apply(Operation::max, std::move(arguments)); }
Expression clamp(const Expression& x, const Expression& lo, const Expression& hi) {
  return Expression::apply(Operation::clamp, {x, lo, hi});
}
Expression sin(const Expression& x) { return unary(Operation::sin, x); }
Expression cos(const Expression& x) { return unary(Operation::cos, x); }
Expression tanh(const Expression& x) { return unary(Operation::tanh, x); }
Expression floor(const Expression& x) { return unary(Operation::floor, x); }
Expression ceil(const Expression& x) { return unary(Operation::ceil, x); }
Expression logistic(const Expression& x) { return unary(Operation::logistic, x); }
Expression logit(const Expression& p) { return unary(Operation::logit, p); }
Expression any(std::vector<Expression> probabilities) {
  return Expression::apply(Operation::any, std::move(probabilities));
}
Expression all(std::vector<Expression> probabilities) {
  return Expression::apply(Operation::all, std::move(probabilities));
}

}  // namespace pdoom
