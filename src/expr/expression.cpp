#include "pdoom/expr/expression.hpp"

#include "pdoom/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <utility>

namespace pdoom {

struct Expression::Node {
  Operation operation = Operation::constant;
  double value = 0.0;
  std::string name;
  std::vector<Expression> arguments;
  int column = 0;
  std::size_t depth = 1;

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  ~Node();
};

// Destroying a long chain recursively could exhaust the stack even within max_expression_depth
// on a small thread stack, so deep trees are taken apart with an explicit work list.
Expression::Node::~Node() {
  constexpr std::size_t recursion_is_fine_below = 256;
  if (depth < recursion_is_fine_below) return;
  std::vector<std::shared_ptr<const Node>> pending;
  for (Expression& argument : arguments) pending.push_back(std::move(argument.node_));
  while (!pending.empty()) {
    std::shared_ptr<const Node> node = std::move(pending.back());
    pending.pop_back();
    // The last owner may take the children: nobody else can reach this node any more.
    if (node && node.use_count() == 1) {
      for (Expression& argument : const_cast<Node&>(*node).arguments) {
        if (argument.node_) pending.push_back(std::move(argument.node_));
      }
    }
  }
}

namespace {

constexpr std::size_t variadic = std::numeric_limits<std::size_t>::max();

struct FunctionEntry {
  std::string_view name;
  Operation operation;
};

// Documentation order (docs/expressions.md).
constexpr std::array<FunctionEntry, 19> function_table{{
    {"if", Operation::if_then_else}, {"exp", Operation::exp},        {"log", Operation::log},
    {"log10", Operation::log10},     {"sqrt", Operation::sqrt},      {"abs", Operation::abs},
    {"min", Operation::min},         {"max", Operation::max},        {"clamp", Operation::clamp},
    {"pow", Operation::power},       {"sin", Operation::sin},        {"cos", Operation::cos},
    {"tanh", Operation::tanh},       {"floor", Operation::floor},    {"ceil", Operation::ceil},
    {"logistic", Operation::logistic}, {"logit", Operation::logit},  {"any", Operation::any},
    {"all", Operation::all},
}};

constexpr std::array<std::string_view, function_table.size()> function_name_list = [] {
  std::array<std::string_view, function_table.size()> names{};
  for (std::size_t i = 0; i < function_table.size(); ++i) names[i] = function_table[i].name;
  return names;
}();

// Printing precedence, lowest binding first; atoms (numbers, names, calls) are 9.
enum Precedence : int {
  precedence_or = 1, precedence_and = 2, precedence_not = 3, precedence_comparison = 4,
  precedence_additive = 5, precedence_multiplicative = 6, precedence_unary = 7, precedence_power = 8,
  precedence_atom = 9
};

bool is_comparison(Operation operation) {
  return operation >= Operation::less && operation <= Operation::not_equal;
}

bool is_infix(Operation operation) {
  return (operation >= Operation::add && operation <= Operation::not_equal) ||
         operation == Operation::logical_and || operation == Operation::logical_or;
}

int precedence_of(const Expression& expression) {
  switch (expression.operation()) {
    case Operation::constant:
      return std::signbit(expression.value()) && !std::isnan(expression.value()) ? precedence_unary
                                                                                   : precedence_atom;
    case Operation::logical_or: return precedence_or;
    case Operation::logical_and: return precedence_and;
    case Operation::logical_not: return precedence_not;
    case Operation::add:
    case Operation::subtract: return precedence_additive;
    case Operation::multiply:
    case Operation::divide: return precedence_multiplicative;
    case Operation::negate: return precedence_unary;
    case Operation::power: return precedence_power;
    default: return is_comparison(expression.operation()) ? precedence_comparison : precedence_atom;
  }
}

// The least precedence each operand of an infix operator needs to print without parentheses:
// left-associative operators accept their own level on the left, one above on the right;
// comparisons do not associate; `^` is right-associative and its exponent may be a unary minus.
std::pair<int, int> operand_precedence(Operation operation) {
  switch (operation) {
    case Operation::logical_or: return {precedence_or, precedence_and};
    case Operation::logical_and: return {precedence_and, precedence_not};
    case Operation::add:
    case Operation::subtract: return {precedence_additive, precedence_multiplicative};
    case Operation::multiply:
    case Operation::divide: return {precedence_multiplicative, precedence_unary};
    case Operation::power: return {precedence_atom, precedence_unary};
    default: return {precedence_additive, precedence_additive};  // comparisons
  }
}

std::string_view infix_text(Operation operation) {
  switch (operation) {
    case Operation::add: return " + ";
    case Operation::subtract: return " - ";
    case Operation::multiply: return " * ";
    case Operation::divide: return " / ";
    case Operation::power: return "^";
    case Operation::less: return " < ";
    case Operation::less_equal: return " <= ";
    case Operation::greater: return " > ";
    case Operation::greater_equal: return " >= ";
    case Operation::equal: return " == ";
    case Operation::not_equal: return " != ";
    case Operation::logical_and: return " and ";
    case Operation::logical_or: return " or ";
    default: return " ? ";
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  std::array<char, 64> buffer{};
  // Shortest text that reads back to the same double.
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void append_expression(std::string& out, const Expression& expression, int needed) {
  const bool parenthesise = precedence_of(expression) < needed;
  if (parenthesise) out += '(';
  const Operation operation = expression.operation();
  const auto arguments = expression.arguments();
  if (operation == Operation::constant) {
    append_number(out, expression.value());
  } else if (operation == Operation::variable) {
    out += expression.name();
  } else if (operation == Operation::negate) {
    out += '-';
    append_expression(out, arguments[0], precedence_unary);
  } else if (operation == Operation::logical_not) {
    out += "not ";
    append_expression(out, arguments[0], precedence_not);
  } else if (is_infix(operation) && arguments.size() == 2) {
    const auto [left, right] = operand_precedence(operation);
    append_expression(out, arguments[0], left);
    out += infix_text(operation);
    append_expression(out, arguments[1], right);
  } else {
    out += operation == Operation::power ? std::string_view("pow") : operation_name(operation);
    out += '(';
    for (std::size_t i = 0; i < arguments.size(); ++i) {
      if (i > 0) out += ", ";
      append_expression(out, arguments[i], precedence_or);
    }
    out += ')';
  }
  if (parenthesise) out += ')';
}

bool same_constant(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

std::string_view operation_name(Operation operation) noexcept {
  switch (operation) {
    case Operation::constant: return "constant";
    case Operation::variable: return "variable";
    case Operation::negate: return "-";
    case Operation::add: return "+";
    case Operation::subtract: return "-";
    case Operation::multiply: return "*";
    case Operation::divide: return "/";
    case Operation::power: return "^";
    case Operation::less: return "<";
    case Operation::less_equal: return "<=";
    case Operation::greater: return ">";
    case Operation::greater_equal: return ">=";
    case Operation::equal: return "==";
    case Operation::not_equal: return "!=";
    case Operation::logical_and: return "and";
    case Operation::logical_or: return "or";
    case Operation::logical_not: return "not";
    default: break;
  }
  for (const FunctionEntry& entry : function_table) {
    if (entry.operation == operation && entry.name != "pow") return entry.name;
  }
  return "?";
}

Arity operation_arity(Operation operation) noexcept {
  switch (operation) {
    case Operation::constant:
    case Operation::variable: return {0, 0};
    case Operation::negate:
    case Operation::logical_not: return {1, 1};
    case Operation::if_then_else:
    case Operation::clamp: return {3, 3};
    case Operation::min:
    case Operation::max: return {2, variadic};
    case Operation::any:
    case Operation::all: return {1, variadic};
    default: break;
  }
  if (operation >= Operation::add && operation <= Operation::logical_or) return {2, 2};
  return {1, 1};  // the one-argument functions exp ... logit
}

std::optional<Operation> function_operation(std::string_view name) noexcept {
  for (const FunctionEntry& entry : function_table) {
    if (entry.name == name) return entry.operation;
  }
  return std::nullopt;
}

std::span<const std::string_view> function_names() noexcept { return function_name_list; }

Expression::Expression() : Expression(0.0) {}

Expression::Expression(double constant) {
  auto node = std::make_shared<Node>();
  node->value = constant;
  node_ = std::move(node);
}

Expression::Expression(std::shared_ptr<const Node> node) noexcept : node_(std::move(node)) {}

Expression Expression::constant(double value, int column) {
  auto node = std::make_shared<Node>();
  node->value = value;
  node->column = column;
  return Expression(std::move(node));
}

Expression Expression::variable(std::string name, int column) {
  auto node = std::make_shared<Node>();
  node->operation = Operation::variable;
  node->name = std::move(name);
  node->column = column;
  return Expression(std::move(node));
}

Expression Expression::apply(Operation operation, std::vector<Expression> arguments, int column) {
  if (operation == Operation::constant || operation == Operation::variable) {
    throw ExpressionError(column, "a " + std::string(operation_name(operation)) +
                                      " is made with its own constructor, not with apply");
  }
  const Arity arity = operation_arity(operation);
  if (arguments.size() < arity.minimum || arguments.size() > arity.maximum) {
    std::string expected = std::to_string(arity.minimum);
    if (arity.maximum == variadic) expected = "at least " + expected;
    throw ExpressionError(column, std::string(operation_name(operation)) + " takes " + expected +
                                      (arity.minimum == 1 && arity.maximum == 1 ? " argument" : " arguments") +
                                      ", got " + std::to_string(arguments.size()));
  }
  // -c is the constant -c: the parser and the builder then agree on `-2`, and to_string can print it.
  if (operation == Operation::negate && arguments[0].is_constant()) {
    return constant(-arguments[0].value(), column);
  }
  std::size_t deepest = 0;
  for (const Expression& argument : arguments) deepest = std::max(deepest, argument.depth());
  if (deepest + 1 > max_expression_depth) {
    throw ExpressionError(column, "expression nested too deeply (more than " +
                                      std::to_string(max_expression_depth) + " levels of operations)");
  }
  auto node = std::make_shared<Node>();
  node->operation = operation;
  node->arguments = std::move(arguments);
  node->column = column;
  node->depth = deepest + 1;
  return Expression(std::move(node));
}

Operation Expression::operation() const noexcept { return node_->operation; }
double Expression::value() const noexcept { return node_->value; }
const std::string& Expression::name() const noexcept { return node_->name; }
std::span<const Expression> Expression::arguments() const noexcept { return node_->arguments; }
int Expression::column() const noexcept { return node_->column; }
std::size_t Expression::depth() const noexcept { return node_->depth; }

std::vector<std::string> Expression::variables() const {
  std::vector<std::string> names;
  std::unordered_set<std::string_view> seen_names;
  std::unordered_set<const Node*> seen_nodes;  // shared subtrees are walked once
  std::vector<const Node*> pending{node_.get()};
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    if (!seen_nodes.insert(node).second) continue;
    if (node->operation == Operation::variable) {
      if (seen_names.insert(node->name).second) names.push_back(node->name);
      continue;
    }
    // Reverse order on the stack gives left-to-right order of first appearance.
    for (auto it = node->arguments.rbegin(); it != node->arguments.rend(); ++it) {
      pending.push_back(it->node_.get());
    }
  }
  return names;
}

std::string Expression::to_string() const {
  std::string out;
  append_expression(out, *this, precedence_or);
  return out;
}

bool structurally_equal(const Expression& a, const Expression& b) {
  using Pair = std::pair<const Expression::Node*, const Expression::Node*>;
  struct PairHash {
    std::size_t operator()(const Pair& pair) const noexcept {
      return std::hash<const void*>()(pair.first) * 31 + std::hash<const void*>()(pair.second);
    }
  };
  std::unordered_set<Pair, PairHash> visited;  // shared subtrees are compared once
  std::vector<std::pair<const Expression*, const Expression*>> pending{{&a, &b}};
  while (!pending.empty()) {
    const auto [x, y] = pending.back();
    pending.pop_back();
    if (x->identity() == y->identity()) continue;
    if (!visited.insert({x->identity(), y->identity()}).second) continue;
    if (x->operation() != y->operation()) return false;
    switch (x->operation()) {
      case Operation::constant:
        if (!same_constant(x->value(), y->value())) return false;
        break;
      case Operation::variable:
        if (x->name() != y->name()) return false;
        break;
      default: {
        const auto xs = x->arguments();
        const auto ys = y->arguments();
        if (xs.size() != ys.size()) return false;
        for (std::size_t i = 0; i < xs.size(); ++i) pending.emplace_back(&xs[i], &ys[i]);
      }
    }
  }
  return true;
}

std::vector<std::string> DistributionCall::variables() const {
  std::vector<std::string> names;
  for (const Argument& argument : arguments) {
    std::vector<std::string> more;
    if (argument.expression) more = argument.expression->variables();
    else if (argument.call) more = argument.call->variables();
    for (std::string& name : more) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
    }
  }
  return names;
}

std::string DistributionCall::to_string() const {
  std::string out = constructor + "(";
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (i > 0) out += ", ";
    if (arguments[i].expression) out += arguments[i].expression->to_string();
    else if (arguments[i].call) out += arguments[i].call->to_string();
  }
  out += ')';
  return out;
}

bool DistributionCall::is_constant() const {
  return std::all_of(arguments.begin(), arguments.end(), [](const Argument& argument) {
    if (argument.expression) return argument.expression->is_constant();
    return !argument.call || argument.call->is_constant();
  });
}

bool structurally_equal(const DistributionCall& a, const DistributionCall& b) {
  if (a.constructor != b.constructor || a.arguments.size() != b.arguments.size()) return false;
  for (std::size_t i = 0; i < a.arguments.size(); ++i) {
    const auto& x = a.arguments[i];
    const auto& y = b.arguments[i];
    if (x.expression.has_value() != y.expression.has_value()) return false;
    if (static_cast<bool>(x.call) != static_cast<bool>(y.call)) return false;
    if (x.expression && !structurally_equal(*x.expression, *y.expression)) return false;
    if (x.call && !structurally_equal(*x.call, *y.call)) return false;
  }
  return true;
}

}  // namespace pdoom
