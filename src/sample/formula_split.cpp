#include "formula_split.hpp"

#include "../expr/small_integer_exponent.hpp"

#include <algorithm>
#include <iterator>

namespace pdoom::sample_detail {
namespace {

// Rough work per sample of one operation, in additions. A part costs a store and a load of a column,
// about two additions' worth, in every full evaluation; it pays off when it saves recomputing
// something several times that: a transcendental function, a general power, a division chain.
double operation_cost(const Expression& expression) {
  switch (expression.operation()) {
    case Operation::constant:
    case Operation::variable: return 0;
    case Operation::divide:
    case Operation::sqrt: return 4;
    case Operation::power: {
      const Expression& exponent = expression.arguments()[1];
      return exponent.is_constant() && detail::is_small_integer_exponent(exponent.value()) ? 2 : 20;
    }
    case Operation::exp:
    case Operation::log:
    case Operation::log10:
    case Operation::sin:
    case Operation::cos:
    case Operation::tanh:
    case Operation::logistic:
    case Operation::logit: return 20;
    default: return 1;
  }
}

constexpr double minimum_part_cost = 8;

bool is_leaf(const Expression& expression) {
  return expression.operation() == Operation::constant || expression.operation() == Operation::variable;
}

}  // namespace

FormulaSplitter::FormulaSplitter(InputsOf inputs_of) : node_inputs_(std::move(inputs_of)) {}

const std::vector<std::size_t>& FormulaSplitter::inputs_of(const Expression& expression) {
  const void* key = expression.identity();
  if (const auto found = inputs_memo_.find(key); found != inputs_memo_.end()) return found->second;
  std::vector<std::size_t> inputs;
  if (expression.operation() == Operation::variable) {
    inputs = node_inputs_(expression.name());
  } else {
    for (const Expression& argument : expression.arguments()) {
      const std::vector<std::size_t>& more = inputs_of(argument);
      std::vector<std::size_t> merged;
      std::set_union(inputs.begin(), inputs.end(), more.begin(), more.end(), std::back_inserter(merged));
      inputs = std::move(merged);
    }
  }
  return inputs_memo_.emplace(key, std::move(inputs)).first->second;
}

Expression FormulaSplitter::split(const Expression& formula) {
  if (is_leaf(formula)) return formula;
  return rewrite(formula, inputs_of(formula)).expression;
}

FormulaSplitter::Rewritten FormulaSplitter::rewrite(const Expression& expression,
                                                    const std::vector<std::size_t>& inputs) {
  // Shared subtrees (the builder's `s = sin(x1)` used twice) are rewritten once per input set.
  auto key = std::pair{static_cast<const void*>(expression.identity()), inputs};
  if (const auto found = rewrite_memo_.find(key); found != rewrite_memo_.end()) return found->second;
  Rewritten result{expression, operation_cost(expression)};
  if (!is_leaf(expression)) {
    std::vector<Expression> arguments;
    bool changed = false;
    for (const Expression& argument : expression.arguments()) {
      if (is_leaf(argument)) {
        arguments.push_back(argument);
        continue;
      }
      const std::vector<std::size_t> argument_inputs = inputs_of(argument);
      const bool narrower = !argument_inputs.empty() && argument_inputs != inputs;
      Rewritten inner = rewrite(argument, narrower ? argument_inputs : inputs);
      if (narrower && inner.cost >= minimum_part_cost) {
        arguments.push_back(Expression::variable(part_for(inner.expression, argument_inputs), argument.column()));
        changed = true;
        continue;
      }
      changed = changed || inner.expression.identity() != argument.identity();
      result.cost += inner.cost;
      arguments.push_back(std::move(inner.expression));
    }
    if (changed) result.expression = Expression::apply(expression.operation(), std::move(arguments), expression.column());
  }
  rewrite_memo_.emplace(std::move(key), result);
  return result;
}

std::string FormulaSplitter::part_for(const Expression& expression, const std::vector<std::size_t>& inputs) {
  for (const FormulaPart& part : parts_) {
    if (part.inputs == inputs && structurally_equal(part.expression, expression)) return part.name;
  }
  std::string name("#");  // built with append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string
  name.append(std::to_string(parts_.size()));
  parts_.push_back({std::move(name), expression, inputs});
  return parts_.back().name;
}

}  // namespace pdoom::sample_detail
