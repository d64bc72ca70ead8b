// The block compiler. An expression becomes a list of instructions, each applied to a whole chunk
// of samples before the next one runs, so the interpretation overhead (one switch per instruction)
// is paid once per chunk, not once per sample, and each instruction is a tight loop that the compiler
// or Eigen vectorises.
//
// Compilation: (1) value numbering turns the tree into a DAG of distinct values, folding constant
// subtrees and identical subexpressions (by node identity and by structure); (2) emission walks
// the DAG in post-order, fusing left-leaning chains of * and + (a*b*c*d is one pass over memory, not
// three) and reusing a register as soon as its last reader has been emitted. The root writes straight
// into the caller's output. Every kernel reads element i of all its inputs before it writes element i
// of its output, so an instruction may write into the register of one of its own operands.

#include "pdoom/expr/program.hpp"

#include "pdoom/error.hpp"
#include "small_integer_exponent.hpp"
#include "trigonometry.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace pdoom {

// ---------------------------------------------------------------------------------------------
// Scalar semantics, shared by evaluate_scalar, constant folding and the block kernels.
// ---------------------------------------------------------------------------------------------
namespace {

constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

inline double truth(bool value) { return value ? 1.0 : 0.0; }
inline bool is_nan(double x) { return x != x; }

inline double compare_value(double a, double b, bool result) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return truth(result);
}
inline double min_value(double a, double b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return b < a ? b : a;
}
inline double max_value(double a, double b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return b > a ? b : a;
}
inline double and_value(double a, double b) {
  if (is_nan(a)) return a;
  if (a == 0.0) return 0.0;
  return is_nan(b) ? b : truth(b != 0.0);
}
inline double or_value(double a, double b) {
  if (is_nan(a)) return a;
  if (a != 0.0) return 1.0;
  return is_nan(b) ? b : truth(b != 0.0);
}
inline double not_value(double a) { return is_nan(a) ? a : truth(a == 0.0); }
inline double select_value(double condition, double then_value, double else_value) {
  if (is_nan(condition)) return condition;
  return condition != 0.0 ? then_value : else_value;
}
inline double clamp_value(double x, double lo, double hi) { return min_value(max_value(x, lo), hi); }
// x^k for k >= 1 by repeated squaring, in the same order of operations as power_by_squaring<K> below,
// so that the scalar and the block evaluators agree bit for bit.
inline double integer_power(double x, unsigned k) {
  if (k == 1) return x;
  if (k % 2 == 0) {
    const double half = integer_power(x, k / 2);
    return half * half;
  }
  return integer_power(x, k - 1) * x;
}
inline double power_value(double x, double y) {
  return detail::is_small_integer_exponent(y) ? integer_power(x, static_cast<unsigned>(y)) : std::pow(x, y);
}
inline double logistic_value(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double logit_value(double p) { return std::log(p / (1.0 - p)); }

}  // namespace

double apply_operation(Operation operation, std::span<const double> x) noexcept {
  switch (operation) {
    case Operation::constant:
    case Operation::variable: return quiet_nan;
    case Operation::negate: return -x[0];
    case Operation::add: return x[0] + x[1];
    case Operation::subtract: return x[0] - x[1];
    case Operation::multiply: return x[0] * x[1];
    case Operation::divide: return x[0] / x[1];
    case Operation::power: return power_value(x[0], x[1]);
    case Operation::less: return compare_value(x[0], x[1], x[0] < x[1]);
    case Operation::less_equal: return compare_value(x[0], x[1], x[0] <= x[1]);
    case Operation::greater: return compare_value(x[0], x[1], x[0] > x[1]);
    case Operation::greater_equal: return compare_value(x[0], x[1], x[0] >= x[1]);
    case Operation::equal: return compare_value(x[0], x[1], x[0] == x[1]);
    case Operation::not_equal: return compare_value(x[0], x[1], x[0] != x[1]);
    case Operation::logical_and: return and_value(x[0], x[1]);
    case Operation::logical_or: return or_value(x[0], x[1]);
    case Operation::logical_not: return not_value(x[0]);
    case Operation::if_then_else: return select_value(x[0], x[1], x[2]);
    case Operation::exp: return std::exp(x[0]);
    case Operation::log: return std::log(x[0]);
    case Operation::log10: return std::log10(x[0]);
    case Operation::sqrt: return std::sqrt(x[0]);
    case Operation::abs: return std::fabs(x[0]);
    case Operation::min: {
      double result = x[0];
      for (std::size_t i = 1; i < x.size(); ++i) result = min_value(result, x[i]);
      return result;
    }
    case Operation::max: {
      double result = x[0];
      for (std::size_t i = 1; i < x.size(); ++i) result = max_value(result, x[i]);
      return result;
    }
    case Operation::clamp: return clamp_value(x[0], x[1], x[2]);
    case Operation::sin: return detail::fast_sin(x[0]);
    case Operation::cos: return detail::fast_cos(x[0]);
    case Operation::tanh: return std::tanh(x[0]);
    case Operation::floor: return std::floor(x[0]);
    case Operation::ceil: return std::ceil(x[0]);
    case Operation::logistic: return logistic_value(x[0]);
    case Operation::logit: return logit_value(x[0]);
    case Operation::any: {
      double none = 1.0;
      for (const double p : x) none *= 1.0 - p;
      return 1.0 - none;
    }
    case Operation::all: {
      double every = x[0];
      for (std::size_t i = 1; i < x.size(); ++i) every *= x[i];
      return every;
    }
  }
  return quiet_nan;
}

double evaluate_scalar(const Expression& expression, const std::function<double(std::string_view)>& value_of) {
  switch (expression.operation()) {
    case Operation::constant: return expression.value();
    case Operation::variable: return value_of(expression.name());
    default: break;
  }
  const auto arguments = expression.arguments();
  // The right operand of and/or and the unchosen branch of if are not needed; skipping them is
  // not observable (no side effects) but saves work.
  switch (expression.operation()) {
    case Operation::if_then_else: {
      const double condition = evaluate_scalar(arguments[0], value_of);
      if (is_nan(condition)) return condition;
      return evaluate_scalar(arguments[condition != 0.0 ? 1 : 2], value_of);
    }
    case Operation::logical_and:
    case Operation::logical_or: {
      const double left = evaluate_scalar(arguments[0], value_of);
      const bool decided = is_nan(left) || ((expression.operation() == Operation::logical_and) == (left == 0.0));
      if (decided) return apply_operation(expression.operation(), std::array{left, 0.0});
      return apply_operation(expression.operation(), std::array{left, evaluate_scalar(arguments[1], value_of)});
    }
    default: break;
  }
  std::vector<double> values;
  values.reserve(arguments.size());
  for (const Expression& argument : arguments) values.push_back(evaluate_scalar(argument, value_of));
  return apply_operation(expression.operation(), values);
}

// ---------------------------------------------------------------------------------------------
// The compiled form.
// ---------------------------------------------------------------------------------------------
namespace {

enum class Opcode : std::uint8_t {
  copy, negate, add, subtract, multiply, divide, power, square,
  less, less_equal, greater, greater_equal, equal, not_equal,
  logical_and, logical_or, logical_not, select,
  exp, log, log10, sqrt, abs, min, max, clamp, sin, cos, tanh, floor, ceil, logistic, logit,
  any, product, sum
};

std::string_view opcode_name(Opcode opcode) {
  constexpr std::array<std::string_view, 36> names{
      "copy", "negate", "add", "subtract", "multiply", "divide", "pow", "square",
      "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
      "and", "or", "not", "if",
      "exp", "log", "log10", "sqrt", "abs", "min", "max", "clamp", "sin", "cos", "tanh", "floor", "ceil",
      "logistic", "logit", "any", "product", "sum"};
  return names[static_cast<std::size_t>(opcode)];
}

enum class OperandKind : std::uint8_t { register_value, slot, constant };

struct Operand {
  OperandKind kind = OperandKind::constant;
  std::uint32_t index = 0;  // register or slot
  double value = 0.0;       // constant
};

constexpr std::uint32_t output_destination = std::numeric_limits<std::uint32_t>::max();

struct Instruction {
  Opcode opcode = Opcode::copy;
  std::uint32_t destination = output_destination;
  std::uint32_t first_operand = 0;
  std::uint32_t operand_count = 0;
};

// Samples per pass of the instruction list: registers of this many doubles stay in L1/L2 cache
// however large the caller's block is.
constexpr std::size_t chunk_size = 1024;
// Operands one fused product/sum/any pass reads; longer chains become several instructions.
constexpr std::size_t fused_width = 8;

}  // namespace

struct Program::Code {
  std::vector<Instruction> instructions;
  std::vector<Operand> operands;
  std::size_t register_count = 0;
  std::size_t widest_instruction = 0;
  bool constant = true;
  double constant_value = 0.0;
  std::map<std::size_t, std::string> slot_names;  // slots read, with the names they were asked for
};

namespace {

// ---- compiler ----

struct Value {
  enum class Kind : std::uint8_t { constant, slot, operation } kind = Kind::constant;
  Operation operation = Operation::constant;
  double constant = 0.0;
  std::size_t slot = 0;
  std::vector<std::uint32_t> children;
};

class Compiler {
 public:
  Compiler(const Program::SlotLookup& slot_of, Program::Code& code) : slot_of_(slot_of), code_(code) {}

  void compile(const Expression& expression) {
    const std::uint32_t root = number(expression);
    const Value& value = values_[root];
    if (value.kind == Value::Kind::constant) {
      code_.constant = true;
      code_.constant_value = value.constant;
      return;
    }
    code_.constant = false;
    count_uses(root);
    const Operand result = emit(root);
    if (result.kind == OperandKind::slot) {
      push_instruction(Opcode::copy, output_destination, {result});
    } else {
      // The root's instruction is the last one emitted; it writes the output directly.
      code_.instructions.back().destination = output_destination;
    }
    code_.register_count = 0;
    for (const Instruction& instruction : code_.instructions) {
      if (instruction.destination != output_destination) {
        code_.register_count = std::max<std::size_t>(code_.register_count, instruction.destination + 1);
      }
    }
  }

 private:
  using Key = std::tuple<int, std::uint64_t, std::vector<std::uint32_t>>;

  // ---- value numbering ----

  std::uint32_t number(const Expression& expression) {
    if (const auto it = number_of_node_.find(expression.identity()); it != number_of_node_.end()) return it->second;
    std::uint32_t result = 0;
    switch (expression.operation()) {
      case Operation::constant: result = intern_constant(expression.value()); break;
      case Operation::variable: result = intern_slot(expression); break;
      default: {
        const auto arguments = expression.arguments();
        std::vector<std::uint32_t> children{number(arguments[0])};
        // A constant condition decides which operands matter; the others are not even looked up,
        // so `if(0, unknown_name, a)` compiles.
        if (const auto decided = decided_by_first(expression.operation(), children[0])) {
          if (*decided == Decision::then_branch) {
            result = number(arguments[1]);
          } else if (*decided == Decision::else_branch) {
            result = number(arguments[2]);
          } else {  // NaN for a NaN condition, 0 for `0 and x`, 1 for `1 or x`
            const std::array<double, 3> values{constant_of(children[0]), 0.0, 0.0};
            result = intern_constant(
                apply_operation(expression.operation(), std::span(values).first(arguments.size())));
          }
          break;
        }
        for (std::size_t i = 1; i < arguments.size(); ++i) children.push_back(number(arguments[i]));
        result = intern_operation(expression.operation(), std::move(children));
      }
    }
    number_of_node_.emplace(expression.identity(), result);
    return result;
  }

  std::uint32_t intern(Key key, Value value) {
    const auto [it, inserted] = number_of_key_.try_emplace(std::move(key), static_cast<std::uint32_t>(values_.size()));
    if (inserted) values_.push_back(std::move(value));
    return it->second;
  }

  std::uint32_t intern_constant(double constant) {
    Value value;
    value.constant = constant;
    return intern(Key{-1, std::bit_cast<std::uint64_t>(constant), {}}, std::move(value));
  }

  std::uint32_t intern_slot(const Expression& variable) {
    auto it = slot_of_name_.find(variable.name());
    if (it == slot_of_name_.end()) {
      const std::optional<std::size_t> slot = slot_of_(variable.name());
      if (!slot) throw ExpressionError(variable.column(), "unknown name '" + variable.name() + "'");
      it = slot_of_name_.emplace(variable.name(), *slot).first;
    }
    Value value;
    value.kind = Value::Kind::slot;
    value.slot = it->second;
    names_of_slot_.emplace(it->second, variable.name());
    return intern(Key{-2, it->second, {}}, std::move(value));
  }

  bool is_constant(std::uint32_t value) const { return values_[value].kind == Value::Kind::constant; }
  double constant_of(std::uint32_t value) const { return values_[value].constant; }

  enum class Decision { first_operand, then_branch, else_branch };

  // Whether a constant first operand decides the result without the others: the condition of
  // `if`, a false (or NaN) left side of `and`, a true (or NaN) left side of `or`.
  std::optional<Decision> decided_by_first(Operation operation, std::uint32_t first_value) const {
    if (!is_constant(first_value)) return std::nullopt;
    const double first = constant_of(first_value);
    switch (operation) {
      case Operation::if_then_else:
        if (is_nan(first)) return Decision::first_operand;
        return first != 0.0 ? Decision::then_branch : Decision::else_branch;
      case Operation::logical_and:
        if (is_nan(first) || first == 0.0) return Decision::first_operand;
        return std::nullopt;
      case Operation::logical_or:
        if (is_nan(first) || first != 0.0) return Decision::first_operand;
        return std::nullopt;
      default: return std::nullopt;
    }
  }

  std::uint32_t intern_operation(Operation operation, std::vector<std::uint32_t> children) {
    if (std::all_of(children.begin(), children.end(), [&](std::uint32_t child) { return is_constant(child); })) {
      std::vector<double> arguments;
      for (const std::uint32_t child : children) arguments.push_back(constant_of(child));
      return intern_constant(apply_operation(operation, arguments));
    }
    if (operation == Operation::all && children.size() == 1) return children[0];  // all(p) = p exactly
    Value value;
    value.kind = Value::Kind::operation;
    value.operation = operation;
    value.children = children;
    return intern(Key{static_cast<int>(operation), 0, std::move(children)}, std::move(value));
  }

  // ---- emission ----

  void count_uses(std::uint32_t root) {
    uses_.assign(values_.size(), 0);
    result_.assign(values_.size(), std::nullopt);
    std::vector<bool> seen(values_.size(), false);
    std::vector<std::uint32_t> pending{root};
    seen[root] = true;
    while (!pending.empty()) {
      const std::uint32_t value = pending.back();
      pending.pop_back();
      for (const std::uint32_t child : values_[value].children) {
        ++uses_[child];
        if (!seen[child]) {
          seen[child] = true;
          pending.push_back(child);
        }
      }
    }
  }

  Operand emit(std::uint32_t value_number) {
    if (result_[value_number]) return *result_[value_number];
    const Value& value = values_[value_number];
    Operand result;
    if (value.kind == Value::Kind::constant) {
      result.kind = OperandKind::constant;
      result.value = value.constant;
    } else if (value.kind == Value::Kind::slot) {
      result.kind = OperandKind::slot;
      result.index = static_cast<std::uint32_t>(value.slot);
      code_.slot_names.emplace(value.slot, names_of_slot_.at(value.slot));
    } else if (value.operation == Operation::multiply || value.operation == Operation::all) {
      result = emit_chain(value_number, Opcode::product);
    } else if (value.operation == Operation::add) {
      result = emit_chain(value_number, Opcode::sum);
    } else {
      std::vector<Operand> operands;
      for (const std::uint32_t child : value.children) operands.push_back(emit(child));
      Opcode opcode = opcode_of(value.operation);
      if (opcode == Opcode::power && operands[1].kind == OperandKind::constant && operands[1].value == 2.0) {
        opcode = Opcode::square;
        operands.pop_back();
      }
      for (const std::uint32_t child : value.children) release(child);
      result = to_register(push_instruction(opcode, allocate(), operands));
    }
    result_[value_number] = result;
    return result;
  }

  // a*b*c*d parses as ((a*b)*c)*d; the operands of the left spine (when its inner products are used
  // nowhere else) go into one list and are multiplied in that same order, so results are unchanged.
  void collect_chain(std::uint32_t value_number, Operation family, std::vector<std::uint32_t>& chain,
                     std::vector<std::uint32_t>& flattened) {
    const Value& value = values_[value_number];
    const std::uint32_t first = value.children[0];
    const Value& left = values_[first];
    const bool same_family = left.kind == Value::Kind::operation &&
                             (family == Operation::add ? left.operation == Operation::add
                                                       : left.operation == Operation::multiply ||
                                                             left.operation == Operation::all);
    if (same_family && uses_[first] == 1 && !result_[first]) {
      collect_chain(first, family, chain, flattened);
      flattened.push_back(first);
    } else {
      chain.push_back(first);
    }
    for (std::size_t i = 1; i < value.children.size(); ++i) chain.push_back(value.children[i]);
  }

  Operand emit_chain(std::uint32_t value_number, Opcode opcode) {
    const Operation family = opcode == Opcode::sum ? Operation::add : Operation::multiply;
    std::vector<std::uint32_t> chain;
    std::vector<std::uint32_t> flattened;
    collect_chain(value_number, family, chain, flattened);
    std::vector<Operand> operands;
    for (const std::uint32_t element : chain) operands.push_back(emit(element));
    const Opcode pairwise = opcode == Opcode::sum ? Opcode::add : Opcode::multiply;

    Operand accumulated = operands[0];
    bool accumulated_is_temporary = false;
    std::size_t released = 0;  // chain elements before this index have had their reader emitted
    std::size_t next = 1;
    while (next < operands.size()) {
      std::vector<Operand> group{accumulated};
      Opcode group_opcode = pairwise;
      if (accumulated.kind == OperandKind::constant || operands[next].kind == OperandKind::constant) {
        group.push_back(operands[next++]);
      } else {
        while (next < operands.size() && operands[next].kind != OperandKind::constant && group.size() < fused_width) {
          group.push_back(operands[next++]);
        }
        if (group.size() > 2) group_opcode = opcode;
      }
      // Operands read for the last time free their registers before the result is placed.
      if (accumulated_is_temporary) free_register(accumulated.index);
      for (; released < next; ++released) release(chain[released]);
      accumulated = to_register(push_instruction(group_opcode, allocate(), group));
      accumulated_is_temporary = true;
    }
    return accumulated;
  }

  static Opcode opcode_of(Operation operation) {
    switch (operation) {
      case Operation::negate: return Opcode::negate;
      case Operation::add: return Opcode::add;
      case Operation::subtract: return Opcode::subtract;
      case Operation::multiply: return Opcode::multiply;
      case Operation::divide: return Opcode::divide;
      case Operation::power: return Opcode::power;
      case Operation::less: return Opcode::less;
      case Operation::less_equal: return Opcode::less_equal;
      case Operation::greater: return Opcode::greater;
      case Operation::greater_equal: return Opcode::greater_equal;
      case Operation::equal: return Opcode::equal;
      case Operation::not_equal: return Opcode::not_equal;
      case Operation::logical_and: return Opcode::logical_and;
      case Operation::logical_or: return Opcode::logical_or;
      case Operation::logical_not: return Opcode::logical_not;
      case Operation::if_then_else: return Opcode::select;
      case Operation::exp: return Opcode::exp;
      case Operation::log: return Opcode::log;
      case Operation::log10: return Opcode::log10;
      case Operation::sqrt: return Opcode::sqrt;
      case Operation::abs: return Opcode::abs;
      case Operation::min: return Opcode::min;
      case Operation::max: return Opcode::max;
      case Operation::clamp: return Opcode::clamp;
      case Operation::sin: return Opcode::sin;
      case Operation::cos: return Opcode::cos;
      case Operation::tanh: return Opcode::tanh;
      case Operation::floor: return Opcode::floor;
      case Operation::ceil: return Opcode::ceil;
      case Operation::logistic: return Opcode::logistic;
      case Operation::logit: return Opcode::logit;
      case Operation::any: return Opcode::any;
      case Operation::all: return Opcode::product;
      default: return Opcode::copy;  // constant and variable never reach here
    }
  }

  // One reader of `value_number` has been emitted; the last one frees its register.
  void release(std::uint32_t value_number) {
    if (--uses_[value_number] != 0) return;
    const auto& result = result_[value_number];
    if (result && result->kind == OperandKind::register_value) free_register(result->index);
  }

  void free_register(std::uint32_t index) { free_registers_.push_back(index); }

  std::uint32_t allocate() {
    if (!free_registers_.empty()) {
      // The lowest free register, so that reuse is predictable in listings.
      const auto lowest = std::min_element(free_registers_.begin(), free_registers_.end());
      const std::uint32_t index = *lowest;
      free_registers_.erase(lowest);
      return index;
    }
    return register_total_++;
  }

  static Operand to_register(std::uint32_t index) {
    Operand operand;
    operand.kind = OperandKind::register_value;
    operand.index = index;
    return operand;
  }

  std::uint32_t push_instruction(Opcode opcode, std::uint32_t destination, const std::vector<Operand>& operands) {
    Instruction instruction;
    instruction.opcode = opcode;
    instruction.destination = destination;
    instruction.first_operand = static_cast<std::uint32_t>(code_.operands.size());
    instruction.operand_count = static_cast<std::uint32_t>(operands.size());
    code_.operands.insert(code_.operands.end(), operands.begin(), operands.end());
    code_.instructions.push_back(instruction);
    code_.widest_instruction = std::max(code_.widest_instruction, operands.size());
    return destination;
  }

  const Program::SlotLookup& slot_of_;
  Program::Code& code_;
  std::vector<Value> values_;
  std::map<Key, std::uint32_t> number_of_key_;
  std::unordered_map<const Expression::Node*, std::uint32_t> number_of_node_;
  std::unordered_map<std::string, std::size_t> slot_of_name_;
  std::map<std::size_t, std::string> names_of_slot_;
  std::vector<std::uint32_t> uses_;
  std::vector<std::optional<Operand>> result_;
  std::vector<std::uint32_t> free_registers_;
  std::uint32_t register_total_ = 0;
};

// ---- kernels ----

using ArrayMap = Eigen::Map<Eigen::ArrayXd>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXd>;

// One resolved operand: a pointer to n values, or to one value that stands for all of them.
struct Input {
  const double* pointer;
  bool scalar;
};

struct ArrayInput {
  const double* pointer;
  double operator[](std::size_t i) const { return pointer[i]; }
};
struct ScalarInput {
  double value;
  double operator[](std::size_t /*i*/) const { return value; }
};

template <class Function>
void visit(const Input& input, Function&& function) {
  if (input.scalar) function(ScalarInput{*input.pointer});
  else function(ArrayInput{input.pointer});
}

template <class Function>
void loop1(const Input& a, double* out, std::size_t n, Function function) {
  visit(a, [&](auto x) {
    for (std::size_t i = 0; i < n; ++i) out[i] = function(x[i]);
  });
}

template <class Function>
void loop2(const Input& a, const Input& b, double* out, std::size_t n, Function function) {
  visit(a, [&](auto x) {
    visit(b, [&](auto y) {
      for (std::size_t i = 0; i < n; ++i) out[i] = function(x[i], y[i]);
    });
  });
}

template <class Function>
void loop3(const Input& a, const Input& b, const Input& c, double* out, std::size_t n, Function function) {
  visit(a, [&](auto x) {
    visit(b, [&](auto y) {
      visit(c, [&](auto z) {
        for (std::size_t i = 0; i < n; ++i) out[i] = function(x[i], y[i], z[i]);
      });
    });
  });
}

// Arithmetic through Eigen, which vectorises it explicitly whatever the optimisation flags.
template <class Function>
void arithmetic(const Input& a, const Input& b, double* out, std::size_t n, Function function) {
  const auto size = static_cast<Eigen::Index>(n);
  ArrayMap result(out, size);
  if (!a.scalar && !b.scalar) result = function(ConstArrayMap(a.pointer, size), ConstArrayMap(b.pointer, size));
  else if (!a.scalar) result = function(ConstArrayMap(a.pointer, size), *b.pointer);
  else if (!b.scalar) result = function(*a.pointer, ConstArrayMap(b.pointer, size));
  else result.setConstant(function(*a.pointer, *b.pointer));
}

template <std::size_t... I>
void product_kernel(std::index_sequence<I...> /*indices*/, const double* const* inputs, double* out, Eigen::Index n) {
  ArrayMap(out, n) = (... * ConstArrayMap(inputs[I], n));
}
template <std::size_t... I>
void sum_kernel(std::index_sequence<I...> /*indices*/, const double* const* inputs, double* out, Eigen::Index n) {
  ArrayMap(out, n) = (... + ConstArrayMap(inputs[I], n));
}
template <std::size_t... I>
void any_kernel(std::index_sequence<I...> /*indices*/, const double* const* inputs, double* out, Eigen::Index n) {
  ArrayMap(out, n) = 1.0 - (... * (1.0 - ConstArrayMap(inputs[I], n)));
}

// Calls kernel(std::index_sequence<0..count-1>) for 1 <= count <= fused_width.
template <class Kernel>
void with_width(std::size_t count, Kernel&& kernel) {
  switch (count) {
    case 1: kernel(std::make_index_sequence<1>{}); break;
    case 2: kernel(std::make_index_sequence<2>{}); break;
    case 3: kernel(std::make_index_sequence<3>{}); break;
    case 4: kernel(std::make_index_sequence<4>{}); break;
    case 5: kernel(std::make_index_sequence<5>{}); break;
    case 6: kernel(std::make_index_sequence<6>{}); break;
    case 7: kernel(std::make_index_sequence<7>{}); break;
    case 8: kernel(std::make_index_sequence<8>{}); break;
    default: break;
  }
}
static_assert(fused_width == 8, "with_width covers widths up to 8");

bool all_arrays(const Operand* operands, std::size_t count) {
  return std::none_of(operands, operands + count,
                      [](const Operand& operand) { return operand.kind == OperandKind::constant; });
}

// x^K by repeated squaring, unrolled at compile time so that the loop over a block vectorises.
template <unsigned K>
double power_by_squaring(double x) {
  if constexpr (K == 1) {
    return x;
  } else if constexpr (K % 2 == 0) {
    const double half = power_by_squaring<K / 2>(x);
    return half * half;
  } else {
    return power_by_squaring<K - 1>(x) * x;
  }
}

template <unsigned K>
void power_loop(const double* x, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = power_by_squaring<K>(x[i]);
}

// power_value(x[i], exponent) over a block when the exponent is a small integer constant, with the
// squarings unrolled; returns false (nothing written) for any other exponent.
bool small_integer_power(const double* x, double exponent, double* out, std::size_t n) {
  if (!detail::is_small_integer_exponent(exponent)) return false;
  switch (static_cast<int>(exponent)) {
    case 2: power_loop<2>(x, out, n); return true;
    case 3: power_loop<3>(x, out, n); return true;
    case 4: power_loop<4>(x, out, n); return true;
    case 5: power_loop<5>(x, out, n); return true;
    case 6: power_loop<6>(x, out, n); return true;
    case 7: power_loop<7>(x, out, n); return true;
    case 8: power_loop<8>(x, out, n); return true;
    default: return false;
  }
}

// pointers[k] points to operand k's values for this chunk (to its one value for a constant).
void execute(Opcode opcode, const Operand* operands, const double* const* pointers, std::size_t count,
             double* out, std::size_t n) {
  const auto size = static_cast<Eigen::Index>(n);
  std::array<Input, 3> in{};
  for (std::size_t k = 0; k < std::min<std::size_t>(count, in.size()); ++k) {
    in[k] = {pointers[k], operands[k].kind == OperandKind::constant};
  }
  const auto element = [&](std::size_t k, std::size_t i) {
    return operands[k].kind == OperandKind::constant ? *pointers[k] : pointers[k][i];
  };
  switch (opcode) {
    case Opcode::copy:
      if (in[0].scalar) std::fill(out, out + n, *in[0].pointer);
      else std::copy(in[0].pointer, in[0].pointer + n, out);
      return;
    case Opcode::negate: loop1(in[0], out, n, [](double x) { return -x; }); return;
    case Opcode::add: arithmetic(in[0], in[1], out, n, [](const auto& x, const auto& y) { return x + y; }); return;
    case Opcode::subtract: arithmetic(in[0], in[1], out, n, [](const auto& x, const auto& y) { return x - y; }); return;
    case Opcode::multiply: arithmetic(in[0], in[1], out, n, [](const auto& x, const auto& y) { return x * y; }); return;
    case Opcode::divide: arithmetic(in[0], in[1], out, n, [](const auto& x, const auto& y) { return x / y; }); return;
    case Opcode::power:
      if (!in[0].scalar && in[1].scalar && small_integer_power(in[0].pointer, *in[1].pointer, out, n)) return;
      loop2(in[0], in[1], out, n, [](double x, double y) { return power_value(x, y); });
      return;
    case Opcode::square: {
      ArrayMap(out, size) = ConstArrayMap(in[0].pointer, size).square();
      return;
    }
    case Opcode::less: loop2(in[0], in[1], out, n, [](double a, double b) { return compare_value(a, b, a < b); }); return;
    case Opcode::less_equal: loop2(in[0], in[1], out, n, [](double a, double b) { return compare_value(a, b, a <= b); }); return;
    case Opcode::greater: loop2(in[0], in[1], out, n, [](double a, double b) { return compare_value(a, b, a > b); }); return;
    case Opcode::greater_equal: loop2(in[0], in[1], out, n, [](double a, double b) { return compare_value(a, b, a >= b); }); return;
    case Opcode::equal: loop2(in[0], in[1], out, n, [](double a, double b) { return compare_value(a, b, a == b); }); return;
    case Opcode::not_equal: loop2(in[0], in[1], out, n, [](double a, double b) { return compare_value(a, b, a != b); }); return;
    case Opcode::logical_and: loop2(in[0], in[1], out, n, [](double a, double b) { return and_value(a, b); }); return;
    case Opcode::logical_or: loop2(in[0], in[1], out, n, [](double a, double b) { return or_value(a, b); }); return;
    case Opcode::logical_not: loop1(in[0], out, n, [](double a) { return not_value(a); }); return;
    case Opcode::select: loop3(in[0], in[1], in[2], out, n, [](double c, double a, double b) { return select_value(c, a, b); }); return;
    case Opcode::exp: loop1(in[0], out, n, [](double x) { return std::exp(x); }); return;
    case Opcode::log: loop1(in[0], out, n, [](double x) { return std::log(x); }); return;
    case Opcode::log10: loop1(in[0], out, n, [](double x) { return std::log10(x); }); return;
    case Opcode::sqrt: ArrayMap(out, size) = ConstArrayMap(in[0].pointer, size).sqrt(); return;
    case Opcode::abs: ArrayMap(out, size) = ConstArrayMap(in[0].pointer, size).abs(); return;
    case Opcode::min:
      if (count == 2) {
        loop2(in[0], in[1], out, n, [](double a, double b) { return min_value(a, b); });
        return;
      }
      for (std::size_t i = 0; i < n; ++i) {
        double result = element(0, i);
        for (std::size_t k = 1; k < count; ++k) result = min_value(result, element(k, i));
        out[i] = result;
      }
      return;
    case Opcode::max:
      if (count == 2) {
        loop2(in[0], in[1], out, n, [](double a, double b) { return max_value(a, b); });
        return;
      }
      for (std::size_t i = 0; i < n; ++i) {
        double result = element(0, i);
        for (std::size_t k = 1; k < count; ++k) result = max_value(result, element(k, i));
        out[i] = result;
      }
      return;
    case Opcode::clamp: loop3(in[0], in[1], in[2], out, n, [](double x, double lo, double hi) { return clamp_value(x, lo, hi); }); return;
    case Opcode::sin:
      if (in[0].scalar) std::fill(out, out + n, detail::fast_sin(*in[0].pointer));
      else detail::sin_block(in[0].pointer, out, n);
      return;
    case Opcode::cos:
      if (in[0].scalar) std::fill(out, out + n, detail::fast_cos(*in[0].pointer));
      else detail::cos_block(in[0].pointer, out, n);
      return;
    case Opcode::tanh: loop1(in[0], out, n, [](double x) { return std::tanh(x); }); return;
    case Opcode::floor: loop1(in[0], out, n, [](double x) { return std::floor(x); }); return;
    case Opcode::ceil: loop1(in[0], out, n, [](double x) { return std::ceil(x); }); return;
    case Opcode::logistic: loop1(in[0], out, n, [](double x) { return logistic_value(x); }); return;
    case Opcode::logit: loop1(in[0], out, n, [](double p) { return logit_value(p); }); return;
    case Opcode::any:
      if (count <= fused_width && all_arrays(operands, count)) {
        with_width(count, [&](auto indices) { any_kernel(indices, pointers, out, size); });
        return;
      }
      for (std::size_t i = 0; i < n; ++i) {
        double none = 1.0;
        for (std::size_t k = 0; k < count; ++k) none *= 1.0 - element(k, i);
        out[i] = 1.0 - none;
      }
      return;
    case Opcode::product:
      with_width(count, [&](auto indices) { product_kernel(indices, pointers, out, size); });
      return;
    case Opcode::sum:
      with_width(count, [&](auto indices) { sum_kernel(indices, pointers, out, size); });
      return;
  }
}

// Built with append: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + std::string.
std::string register_text(std::uint32_t index) {
  std::string text("r");
  text.append(std::to_string(index));
  return text;
}

std::string operand_text(const Operand& operand, const std::map<std::size_t, std::string>& slot_names) {
  switch (operand.kind) {
    case OperandKind::register_value: return register_text(operand.index);
    case OperandKind::slot: {
      const auto it = slot_names.find(operand.index);
      std::string text(it != slot_names.end() ? it->second : std::string("slot"));
      text.append("[").append(std::to_string(operand.index)).append("]");
      return text;
    }
    case OperandKind::constant: {
      std::array<char, 64> buffer{};
      const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), operand.value);
      return std::string(buffer.data(), result.ptr);
    }
  }
  return "?";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Program
// ---------------------------------------------------------------------------------------------

Program::Program() : code_(std::make_shared<const Code>()) {}

Program::Program(std::shared_ptr<const Code> code) noexcept : code_(std::move(code)) {}

Program Program::compile(const Expression& expression, const SlotLookup& slot_of) {
  auto code = std::make_shared<Code>();
  Compiler(slot_of, *code).compile(expression);
  return Program(std::move(code));
}

void Program::evaluate(std::span<const double* const> slots, std::size_t n, double* out,
                       ProgramWorkspace& workspace) const {
  const Code& code = *code_;
  if (code.constant) {
    std::fill(out, out + n, code.constant_value);
    return;
  }
  assert(code.slot_names.empty() || code.slot_names.rbegin()->first < slots.size());
  // Allocation only on growth: the workspace keeps the largest size any program asked for.
  const std::size_t register_doubles = code.register_count * chunk_size;
  if (workspace.registers_.size() < register_doubles) workspace.registers_.resize(register_doubles);
  if (workspace.inputs_.size() < code.widest_instruction) workspace.inputs_.resize(code.widest_instruction);
  double* const registers = workspace.registers_.data();
  const double** const inputs = workspace.inputs_.data();

  for (std::size_t start = 0; start < n; start += chunk_size) {
    const std::size_t length = std::min(chunk_size, n - start);
    for (const Instruction& instruction : code.instructions) {
      const Operand* operands = code.operands.data() + instruction.first_operand;
      for (std::size_t k = 0; k < instruction.operand_count; ++k) {
        const Operand& operand = operands[k];
        switch (operand.kind) {
          case OperandKind::register_value: inputs[k] = registers + operand.index * chunk_size; break;
          case OperandKind::slot: inputs[k] = slots[operand.index] + start; break;
          case OperandKind::constant: inputs[k] = &operand.value; break;
        }
      }
      double* destination = instruction.destination == output_destination
                                ? out + start
                                : registers + instruction.destination * chunk_size;
      execute(instruction.opcode, operands, inputs, instruction.operand_count, destination, length);
    }
  }
}

bool Program::is_constant() const noexcept { return code_->constant; }
double Program::constant_value() const noexcept { return code_->constant_value; }
std::size_t Program::instruction_count() const noexcept { return code_->instructions.size(); }
std::size_t Program::register_count() const noexcept { return code_->register_count; }

std::vector<std::size_t> Program::slots_read() const {
  std::vector<std::size_t> slots;
  for (const auto& [slot, name] : code_->slot_names) slots.push_back(slot);
  return slots;
}

std::string Program::listing() const {
  const Code& code = *code_;
  if (code.constant) {
    return "out = " + operand_text(Operand{OperandKind::constant, 0, code.constant_value}, {}) + "\n";
  }
  std::string text;
  for (const Instruction& instruction : code.instructions) {
    text += instruction.destination == output_destination ? std::string("out") : register_text(instruction.destination);
    text += " = " + std::string(opcode_name(instruction.opcode)) + "(";
    for (std::size_t k = 0; k < instruction.operand_count; ++k) {
      if (k > 0) text += ", ";
      text += operand_text(code.operands[instruction.first_operand + k], code.slot_names);
    }
    text += ")\n";
  }
  return text;
}

}  // namespace pdoom
