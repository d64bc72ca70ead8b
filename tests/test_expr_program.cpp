// The block compiler against the scalar reference evaluator and against closed forms: every
// function, the NaN rules, constant folding, shared subexpressions, fused chains, registers.

#include "pdoom/error.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/expr/expression.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/expr/program.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using pdoom::Expression;
using pdoom::ExpressionError;
using pdoom::parse_expression;
using pdoom::Program;
using pdoom::ProgramWorkspace;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// Columns of named values, as the sampler holds node values.
class Table {
 public:
  void add(std::string name, std::vector<double> values) {
    slot_of_[name] = columns_.size();
    columns_.push_back(std::move(values));
  }
  [[nodiscard]] Program compile(const Expression& e) const {
    return Program::compile(e, [this](std::string_view name) -> std::optional<std::size_t> {
      const auto it = slot_of_.find(std::string(name));
      if (it == slot_of_.end()) return std::nullopt;
      return it->second;
    });
  }
  [[nodiscard]] std::vector<double> run(const Program& program, ProgramWorkspace& workspace, std::size_t n) const {
    std::vector<const double*> slots;
    for (const auto& column : columns_) slots.push_back(column.data());
    std::vector<double> out(n, -12345.0);
    program.evaluate(slots, n, out.data(), workspace);
    return out;
  }
  [[nodiscard]] double scalar(const Expression& e, std::size_t row) const {
    return pdoom::evaluate_scalar(e, [&](std::string_view name) { return columns_.at(slot_of_.at(std::string(name)))[row]; });
  }
  [[nodiscard]] std::size_t slot(const std::string& name) const { return slot_of_.at(name); }

 private:
  std::map<std::string, std::size_t> slot_of_;
  std::vector<std::vector<double>> columns_;
};

// Equal as doubles bit for bit, or both NaN (payloads may differ).
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// One value of `text` with x bound to `x`, through both evaluators; they must agree exactly.
double value_of(const std::string& text, double x) {
  Table table;
  table.add("x", {x});
  const Expression e = parse_expression(text);
  ProgramWorkspace workspace;
  const double block = table.run(table.compile(e), workspace, 1)[0];
  const double scalar = table.scalar(e, 0);
  INFO(text << " at x = " << x << ": block " << block << ", scalar " << scalar);
  CHECK(same(block, scalar));
  return scalar;
}

}  // namespace

TEST_CASE("every function gives its closed-form value", "[expr]") {
  // Tolerance: 1e-15 relative (about 4 ulps) covers the few roundings of the composed closed forms.
  struct Case {
    const char* text;
    double x;
    double expected;
  };
  const double e = std::numbers::e;
  const std::vector<Case> cases{
      {"x + 2", 1, 3},        {"x - 2", 1, -1},        {"x * 3", 1.5, 4.5},      {"x / 4", 1, 0.25},
      {"x ^ 10", 2, 1024},    {"x ^ 0.5", 2, std::numbers::sqrt2}, {"pow(x, -1)", 4, 0.25}, {"x^2", -3, 9},
      {"-x", 2, -2},          {"2^x^2", 3, 512},       {"-x^2", 3, -9},
      {"x < 2", 1, 1},        {"x < 2", 2, 0},         {"x <= 2", 2, 1},         {"x > 2", 3, 1},
      {"x >= 2", 1, 0},       {"x == 2", 2, 1},        {"x != 2", 2, 0},         {"x != 2", 5, 1},
      {"x and 1", 2, 1},      {"x and 1", 0, 0},       {"x or 0", 0, 0},         {"x or 0", -3, 1},
      {"not x", 0, 1},        {"not x", 0.5, 0},
      {"if(x, 2, 3)", 1, 2},  {"if(x, 2, 3)", 0, 3},   {"if(x > 1, x, -x)", -4, 4},
      {"exp(x)", 1, e},       {"exp(x)", 0, 1},        {"log(x)", e, 1},         {"log(x)", 1, 0},
      {"log10(x)", 1000, 3},  {"sqrt(x)", 2.25, 1.5}, {"abs(x)", -3, 3},        {"abs(x)", 3, 3},
      {"min(x, 1)", 3, 1},    {"min(3, x, 2)", 1, 1},  {"max(x, 1)", 3, 3},      {"max(0, x, 2, -1)", 1, 2},
      {"clamp(x, 0, 1)", 5, 1}, {"clamp(x, 0, 1)", -1, 0}, {"clamp(x, 0, 1)", 0.3, 0.3},
      {"sin(x)", std::numbers::pi / 2, 1}, {"sin(x)", 0, 0}, {"cos(x)", 0, 1}, {"cos(x)", std::numbers::pi, -1},
      {"tanh(x)", 0, 0},      {"tanh(x)", 1, (e * e - 1) / (e * e + 1)},
      {"floor(x)", -1.5, -2}, {"floor(x)", 2.7, 2},   {"ceil(x)", -1.5, -1},    {"ceil(x)", 2.1, 3},
      {"logistic(x)", 0, 0.5}, {"logistic(x)", std::log(3.0), 0.75}, {"logistic(x)", -1000, 0}, {"logistic(x)", 1000, 1},
      {"logit(x)", 0.5, 0},   {"logit(x)", 0.75, std::log(3.0)},
      {"any(x, x)", 0.5, 0.75}, {"any(x, 0.2, 0.3)", 0.1, 0.496}, {"any(x)", 0.25, 0.25},
      {"all(x, 0.2)", 0.5, 0.1}, {"all(x)", 0.3, 0.3},   {"all(x, x, x)", 0.5, 0.125},
      {"x * 5%", 20, 1},      {"pi * x", 2, 2 * std::numbers::pi}, {"e ^ x", 2, e * e},
  };
  for (const Case& c : cases) {
    INFO(c.text << " at x = " << c.x);
    const double value = value_of(c.text, c.x);
    if (c.expected == 0) CHECK(std::abs(value) < 1e-15);
    else CHECK(value == Approx(c.expected).epsilon(1e-15));
  }
  CHECK(value_of("logit(x)", 0) == -infinity);
  CHECK(value_of("logit(x)", 1) == infinity);
  CHECK(value_of("x / 0", 1) == infinity);
}

TEST_CASE("NaN propagates except through the branch not taken", "[expr]") {
  CHECK(std::isnan(value_of("log(x)", -1)));
  CHECK(std::isnan(value_of("sqrt(x)", -1)));
  CHECK(std::isnan(value_of("x / 0", 0)));
  CHECK(std::isnan(value_of("logit(x)", 2)));
  // Comparisons and logic keep NaN visible, so the sampler can report it.
  CHECK(std::isnan(value_of("log(x) > 1", -1)));
  CHECK(std::isnan(value_of("log(x) == log(x)", -1)));
  CHECK(std::isnan(value_of("not log(x)", -1)));
  CHECK(std::isnan(value_of("if(log(x), 1, 2)", -1)));
  CHECK(std::isnan(value_of("min(log(x), 1)", -1)));
  CHECK(std::isnan(value_of("max(1, log(x))", -1)));
  CHECK(std::isnan(value_of("clamp(log(x), 0, 1)", -1)));
  CHECK(std::isnan(value_of("1 and log(x)", -1)));
  CHECK(std::isnan(value_of("log(x) or 1", -1)));
  // ... but a guard works as written.
  CHECK(value_of("if(x > 0, log(x), 0)", -1) == 0);
  CHECK(value_of("x > 0 and log(x) > 1", -1) == 0);
  CHECK(value_of("x < 0 or log(x) > 1", -1) == 1);
  CHECK(value_of("if(x > 0, 1, log(x))", 2) == 1);
}

TEST_CASE("programs agree with the scalar evaluator on random blocks", "[expr]") {
  // Blocks of 5000 (several chunks and a partial one) with exact zeros and ones, NaN and
  // infinities mixed in. Agreement is exact: both evaluators perform the same IEEE operations in
  // the same order.
  std::mt19937_64 random(12345);
  std::uniform_real_distribution<double> wide(-3.0, 3.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  constexpr std::size_t n = 5000;
  Table table;
  for (const char* name : {"a", "b", "c", "d", "f", "g"}) {
    std::vector<double> column(n);
    for (double& value : column) {
      const auto pick = random() % 100;
      value = pick == 0 ? 0.0 : pick == 1 ? 1.0 : pick == 2 ? nan_value : pick == 3 ? (random() % 2 ? infinity : -infinity)
                                                                                    : wide(random);
    }
    table.add(name, column);
  }
  for (const char* name : {"p", "q"}) {
    std::vector<double> column(n);
    for (double& value : column) {
      const auto pick = random() % 50;
      value = pick == 0 ? 0.0 : pick == 1 ? 1.0 : unit(random);
    }
    table.add(name, column);
  }

  std::vector<std::string> texts{
      "a + b", "a - b", "a * b", "a / b", "a ^ b", "a ^ 2", "p ^ 0.5", "2 ^ a", "-a", "-a^2",
      "a * b * c * d * f * g", "a + b + c + d + f + g + a * b", "2 * a * 3", "0.5 * a * b", "a * 0.5 * b * 2",
      "1 - p", "1 / a", "a - 1", "(a + 1) / 2", "a < b", "a <= b", "a > 0", "a >= b", "a == b", "a != 0",
      "p > 0.5 and q < 0.5", "p > 0.5 or q", "not a", "not (a > b)", "a and b", "a or b",
      "if(a > 0, log(a), -1)", "if(p, a, b)", "if(a > b, a, 0.5)", "if(a > b, 1, 0)",
      "exp(a)", "log(a)", "log10(p)", "sqrt(a)", "abs(a)", "min(a, b)", "min(a, 0)", "min(1, a)", "max(a, b, c)",
      "max(a, 1, b, 2, c)", "clamp(a, -1, 1)", "clamp(a, b, c)", "sin(a)", "cos(a)", "tanh(a)", "floor(a)",
      "ceil(a)", "logistic(a)", "logit(p)", "logit(a)", "any(p, q)", "any(p, q, a, b, c, d, f, g, p, q)",
      "any(p, 0.3)", "any(p)", "all(p, q, 0.5)", "all(p)", "all(p, q, a, b, c, d, f, g, p, q, p)",
      "a * b + a * b", "(a + b) * (a + b) - (a - b) ^ 2", "exp(a) + exp(a) * exp(a)",
      "a*b*c*d*f*g*a*b*c*d*f*g*a*b*c*d*f*g*p*q", "a+b+c+d+f+g+a+b+c+d+f+g+a+b+c+d+f+g+p+q",
      "a * b * 2 * c * 3 * d", "if(a > 0, sqrt(a), sqrt(-a)) * pi", "p * (1 - q) + (1 - p) * q",
      "any(p * q, 1 - p, all(p, q)) * (1 - any(q, 0.1))", "min(a, b, c, d, f, g, p, q, 1, -1)",
      "clamp(a * b, min(c, d), max(f, g))", "2 * pi * a / (1 + e)", "if(a, if(b, c, d), if(f, g, p))",
  };
  // A long expression exercises register reuse.
  std::string long_sum = "a * b";
  for (int i = 0; i < 100; ++i) long_sum += i % 2 ? " + c * d" : " - f / g";
  texts.push_back(long_sum);

  ProgramWorkspace workspace;
  for (const std::string& text : texts) {
    INFO("expression: " << text);
    const Expression e = parse_expression(text);
    const Program program = table.compile(e);
    INFO("program:\n" << program.listing());
    const std::vector<double> block = table.run(program, workspace, n);
    std::size_t mismatches = 0;
    std::size_t first_mismatch = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (!same(block[i], table.scalar(e, i))) {
        if (mismatches++ == 0) first_mismatch = i;
      }
    }
    INFO("first mismatch at row " << first_mismatch);
    CHECK(mismatches == 0);
    CHECK(program.register_count() <= 4);
  }
}

TEST_CASE("constant subtrees fold at compile time", "[expr]") {
  Table table;
  table.add("a", {2.0, 3.0});
  table.add("b", {5.0, 7.0});
  ProgramWorkspace workspace;

  const Program folded = table.compile(parse_expression("2 * 3 + pi"));
  CHECK(folded.is_constant());
  CHECK(folded.constant_value() == 2.0 * 3.0 + std::numbers::pi);
  CHECK(folded.instruction_count() == 0);
  CHECK(table.run(folded, workspace, 2) == std::vector<double>{6 + std::numbers::pi, 6 + std::numbers::pi});
  CHECK(folded.slots_read().empty());

  CHECK(table.compile(parse_expression("0 and a")).constant_value() == 0);
  CHECK(table.compile(parse_expression("1 or a")).constant_value() == 1);
  CHECK(std::isnan(table.compile(parse_expression("log(-1) and a")).constant_value()));
  CHECK(table.compile(parse_expression("if(2 > 1, 4, a)")).constant_value() == 4);
  CHECK(table.compile(parse_expression("max(1, 2, 3) * any(0.5, 0.5)")).constant_value() == 2.25);

  const Program branch = table.compile(parse_expression("if(1 > 0, a, b)"));
  CHECK(branch.instruction_count() == 1);  // a copy of a
  CHECK(branch.slots_read() == std::vector<std::size_t>{table.slot("a")});
  CHECK(table.run(branch, workspace, 2) == std::vector<double>{2, 3});

  CHECK(table.compile(parse_expression("a * (2 + 3)")).instruction_count() == 1);
  CHECK(table.compile(parse_expression("exp(0) * a")).instruction_count() == 1);
  CHECK(table.compile(parse_expression("all(a)")).instruction_count() == 1);
  CHECK(table.compile(parse_expression("a")).instruction_count() == 1);
  CHECK(Program().is_constant());
  CHECK(Program().constant_value() == 0);
}

TEST_CASE("shared subexpressions are computed once", "[expr]") {
  Table table;
  table.add("a", {2.0});
  table.add("b", {5.0});
  ProgramWorkspace workspace;
  CHECK(table.compile(parse_expression("a * b + a * b")).instruction_count() == 2);
  CHECK(table.compile(parse_expression("exp(a) + exp(a)")).instruction_count() == 2);
  const Expression product = Expression::variable("a") * Expression::variable("b");
  CHECK(table.compile(product + product).instruction_count() == 2);

  // A DAG whose tree would have 2^40 leaves compiles to 40 levels of work.
  Expression x = Expression::variable("a");
  double expected = 0.75;
  for (int i = 0; i < 40; ++i) {
    x = x * x * 0.5;
    expected = expected * expected * 0.5;
  }
  Table small;
  small.add("a", {0.75});
  const Program program = small.compile(x);
  CHECK(program.instruction_count() <= 80);
  CHECK(same(small.run(program, workspace, 1)[0], expected));
}

TEST_CASE("chains of products and sums are fused", "[expr]") {
  Table table;
  for (const char* name : {"a", "b", "c", "d", "f", "g"}) table.add(name, {1.5, 2.0, 0.5});
  const Program six = table.compile(parse_expression("a * b * c * d * f * g"));
  CHECK(six.instruction_count() == 1);
  CHECK(six.register_count() == 0);
  CHECK(six.listing() == "out = product(a[0], b[1], c[2], d[3], f[4], g[5])\n");
  CHECK(table.compile(parse_expression("a + b + c + d")).instruction_count() == 1);
  CHECK(table.compile(parse_expression("all(a, b, c, d, f)")).instruction_count() == 1);
  // 20 factors: 8, then 1 + 7, then 1 + 5.
  CHECK(table.compile(parse_expression("a*b*c*d*f*g*a*b*c*d*f*g*a*b*c*d*f*g*a*b")).instruction_count() == 3);
  // A product used twice is not melted into its parents.
  CHECK(table.compile(parse_expression("(a * b) * c + (a * b) * d")).instruction_count() == 4);
}

TEST_CASE("registers are reused", "[expr]") {
  Table table;
  for (const char* name : {"a", "b", "c", "d"}) table.add(name, {1.0});
  std::string text = "a * b";
  for (int i = 0; i < 200; ++i) text += " + c * d";
  CHECK(table.compile(parse_expression(text)).register_count() <= 2);
  CHECK(table.compile(parse_expression("(a + b) * (c + d)")).register_count() == 2);
  CHECK(table.compile(parse_expression("((a + b) * (c + d) + (a - b) * (c - d)) / ((a * c + 1) * (b * d + 1))"))
            .register_count() <= 4);
}

TEST_CASE("unknown names are compile errors at their column", "[expr]") {
  Table table;
  table.add("a", {1.0});
  try {
    (void)table.compile(parse_expression("a + zeta"));
    FAIL("no error");
  } catch (const ExpressionError& error) {
    CHECK(error.column() == 5);
    CHECK(error.message() == "unknown name 'zeta'");
  }
  // A folded-away branch is never looked up.
  CHECK(table.compile(parse_expression("if(0, zeta, a)")).instruction_count() == 1);
}

TEST_CASE("a workspace allocates only when it grows", "[expr]") {
  Table table;
  std::vector<double> column(3000, 0.5);
  for (const char* name : {"a", "b", "c"}) table.add(name, column);
  ProgramWorkspace workspace;
  const Program big = table.compile(parse_expression("(a + b) * (b + c) * (a + c) - exp(a) * exp(b) * exp(c)"));
  const Program small = table.compile(parse_expression("a + b * c"));
  (void)table.run(big, workspace, 3000);
  const std::size_t capacity = workspace.capacity();
  CHECK(capacity > 0);
  (void)table.run(small, workspace, 3000);
  (void)table.run(big, workspace, 100);
  (void)table.run(big, workspace, 3000);
  CHECK(workspace.capacity() == capacity);
  CHECK(table.run(small, workspace, 0).empty());
}

TEST_CASE("one program evaluates on several threads with their own workspaces", "[expr]") {
  constexpr std::size_t n = 20000;
  Table table;
  std::mt19937_64 random(99);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const char* name : {"p", "q"}) {
    std::vector<double> column(n);
    for (double& value : column) value = unit(random);
    table.add(name, column);
  }
  const Program program = table.compile(parse_expression("any(p * q, logit(p) > 0, exp(-q)) + log(p) * q"));
  ProgramWorkspace single;
  const std::vector<double> expected = table.run(program, single, n);
  std::vector<std::vector<double>> results(2);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      ProgramWorkspace own;
      for (int repeat = 0; repeat < 5; ++repeat) results[t] = table.run(program, own, n);
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(results[0] == expected);
  CHECK(results[1] == expected);
}

TEST_CASE("the deepest expressions compile and evaluate", "[expr]") {
  Table table;
  table.add("a", {0.1, 0.2, 0.3});
  // A right-leaning chain defeats fusion: one instruction per level.
  Expression chain = Expression::variable("a");
  for (std::size_t i = 1; i < pdoom::max_expression_depth; ++i) chain = Expression::variable("a") - chain;
  ProgramWorkspace workspace;
  const Program program = table.compile(chain);
  CHECK(program.instruction_count() == pdoom::max_expression_depth - 1);
  CHECK(program.register_count() <= 2);
  const std::vector<double> block = table.run(program, workspace, 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(same(block[i], table.scalar(chain, i)));
}
