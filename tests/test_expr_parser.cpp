// The expression language's text front end: precedence, numbers, errors with their columns,
// hostile input, and the canonical printer that must parse back to the same tree.

#include "pdoom/error.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/expr/expression.hpp"
#include "pdoom/expr/parser.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using pdoom::Expression;
using pdoom::ExpressionError;
using pdoom::Operation;
using pdoom::parse_expression;

namespace {

std::string number_text(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

// A fully parenthesised prefix form, written independently of Expression::to_string, so that the
// expected trees below are spelled out by hand from the grammar.
std::string tree(const Expression& e) {
  switch (e.operation()) {
    case Operation::constant: return number_text(e.value());
    case Operation::variable: return e.name();
    default: break;
  }
  std::string text = "(";
  text += e.operation() == Operation::negate ? std::string("neg") : std::string(pdoom::operation_name(e.operation()));
  // Appended piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on " " + std::string.
  for (const Expression& argument : e.arguments()) text.append(" ").append(tree(argument));
  return text + ")";
}

struct ErrorCase {
  const char* text;
  int column;
  const char* message;  // the whole message, or its start when it ends in "..."
};

void check_error(const ErrorCase& expected, bool distribution = false) {
  INFO("input: " << expected.text);
  try {
    if (distribution) (void)pdoom::parse_distribution(expected.text);
    else (void)parse_expression(expected.text);
    FAIL("no error");
  } catch (const ExpressionError& error) {
    CHECK(error.column() == expected.column);
    std::string message = expected.message;
    if (message.size() > 3 && message.ends_with("...")) {
      message.resize(message.size() - 3);
      CHECK(error.message().substr(0, message.size()) == message);
    } else {
      CHECK(error.message() == message);
    }
  }
}

template <class Function>
double seconds_taken(Function&& function) {
  const auto start = std::chrono::steady_clock::now();
  function();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("precedence and associativity follow the table in docs/expressions.md", "[expr]") {
  const std::vector<std::pair<const char*, const char*>> cases{
      {"a + b * c", "(+ a (* b c))"},
      {"a * b + c", "(+ (* a b) c)"},
      {"a - b - c", "(- (- a b) c)"},
      {"a / b / c", "(/ (/ a b) c)"},
      {"a / b * c", "(* (/ a b) c)"},
      {"a - b + c", "(+ (- a b) c)"},
      {"a ^ b ^ c", "(^ a (^ b c))"},
      {"a^b*c", "(* (^ a b) c)"},
      {"a*b^c", "(* a (^ b c))"},
      {"-2^2", "(neg (^ 2 2))"},
      {"-a^2", "(neg (^ a 2))"},
      {"2^-3", "(^ 2 -3)"},
      {"2^-a^2", "(^ 2 (neg (^ a 2)))"},
      {"-a * b", "(* (neg a) b)"},
      {"a * -b", "(* a (neg b))"},
      {"a - -b", "(- a (neg b))"},
      {"--a", "(neg (neg a))"},
      {"- -2", "2"},
      {"-2", "-2"},
      {"-(2)", "-2"},
      {"(-2)^2", "(^ -2 2)"},
      {"a < b + c", "(< a (+ b c))"},
      {"a + b >= c * d", "(>= (+ a b) (* c d))"},
      {"a <= b", "(<= a b)"},
      {"a > b", "(> a b)"},
      {"a == b", "(== a b)"},
      {"a != b", "(!= a b)"},
      {"(a < b) < c", "(< (< a b) c)"},
      {"not a < b", "(not (< a b))"},
      {"not a and b", "(and (not a) b)"},
      {"not not a", "(not (not a))"},
      {"not (a and b)", "(not (and a b))"},
      {"a or b and c", "(or a (and b c))"},
      {"a and b or c", "(or (and a b) c)"},
      {"a or b or c", "(or (or a b) c)"},
      {"a and b and c", "(and (and a b) c)"},
      {"a < b and c > d or f", "(or (and (< a b) (> c d)) f)"},
      {"(a + b) * c", "(* (+ a b) c)"},
      {"a - (b - c)", "(- a (- b c))"},
      {"((a))", "a"},
      {"if(a > 0.5, b, c)", "(if (> a 0.5) b c)"},
      {"if (a, b, c)", "(if a b c)"},
      {"pow(a, b)", "(^ a b)"},
      {"min(a, b, c)", "(min a b c)"},
      {"max(a, 1)", "(max a 1)"},
      {"clamp(x, 0, 1)", "(clamp x 0 1)"},
      {"any(p)", "(any p)"},
      {"all(p, q, r)", "(all p q r)"},
      {"exp(log(a)) + log10(b) * sqrt(c)", "(+ (exp (log a)) (* (log10 b) (sqrt c)))"},
      {"abs(a) + sin(b) + cos(c) + tanh(d)", "(+ (+ (+ (abs a) (sin b)) (cos c)) (tanh d))"},
      {"floor(a) - ceil(b)", "(- (floor a) (ceil b))"},
      {"logistic(logit(p))", "(logistic (logit p))"},
      {" a\t+\n b ", "(+ a b)"},
      {"x_1 * _y2", "(* x_1 _y2)"},
      {"inf + nan", "(+ inf nan)"},  // not keywords: plain node names
  };
  for (const auto& [text, expected] : cases) {
    INFO("input: " << text);
    CHECK(tree(parse_expression(text)) == expected);
  }
}

TEST_CASE("numbers, percentages and the constants pi and e", "[expr]") {
  // The parser must give the double nearest the decimal written, as the C++ literal does.
  const std::vector<std::pair<const char*, double>> cases{
      {"1e-3", 1e-3}, {".5", 0.5},     {"5%", 0.05},       {"12.5%", 0.125},  {"12.3%", 0.123},
      {"33%", 0.33},  {"0.1%", 0.001}, {"100%", 1.0},      {"1e2%", 1.0},     {"2.5e-1%", 0.0025},
      {"1.5e+2", 150}, {"1E3", 1000},  {"5.", 5.0},        {"007", 7.0},      {"0", 0.0},
      {"123456789012345678901234567890", 123456789012345678901234567890.0},
      {"4.9406564584124654e-324", 4.9406564584124654e-324},
      {"1.7976931348623157e308", 1.7976931348623157e308},
  };
  for (const auto& [text, expected] : cases) {
    INFO("input: " << text);
    const Expression e = parse_expression(text);
    REQUIRE(e.is_constant());
    CHECK(e.value() == expected);
  }
  CHECK(parse_expression("pi").value() == std::numbers::pi);
  CHECK(parse_expression("e").value() == std::numbers::e);
  CHECK(parse_expression("-pi").value() == -std::numbers::pi);
  CHECK(parse_expression("-0").value() == 0.0);
  CHECK(std::signbit(parse_expression("-0").value()));
  CHECK(tree(parse_expression("2 * pi * r")) == "(* (* 2 " + number_text(std::numbers::pi) + ") r)");
  CHECK(parse_expression("e^2").arguments()[0].value() == std::numbers::e);
}

TEST_CASE("columns of nodes point into the text", "[expr]") {
  const Expression e = parse_expression("  alpha + exp(beta)");
  CHECK(e.column() == 3);
  CHECK(e.arguments()[0].column() == 3);
  CHECK(e.arguments()[1].column() == 11);
  CHECK(e.arguments()[1].arguments()[0].column() == 15);
}

TEST_CASE("syntax errors say what was expected, and where", "[expr]") {
  const std::vector<ErrorCase> cases{
      {"", 1, "empty expression"},
      {"   ", 4, "empty expression"},
      {"a +", 4, "expected an expression after '+', found the end of the expression"},
      {"a + * b", 5, "expected an expression after '+', found '*'"},
      {"(a + b", 7, "expected ')' to close '(' at column 1, found the end of the expression"},
      {"2 * (a + b c", 12, "expected ')' to close '(' at column 5, found 'c'"},
      {"a + b)", 6, "unmatched ')'"},
      {"a b", 3, "expected an operator or the end of the expression, found 'b'"},
      {"a, b", 2, "expected an operator or the end of the expression, found ','"},
      {"()", 2, "expected an expression after '(', found ')'"},
      {"1e", 1, "malformed number '1e': expected digits after the exponent's 'e'"},
      {"x * 2e+", 5, "malformed number '2e+': expected digits after the exponent's 'e'"},
      {"x + 1.2.3", 5, "malformed number '1.2.3'"},
      {"2x", 1, "malformed number '2x'"},
      {"1e999", 1, "number '1e999' is out of the range of doubles (magnitudes about 5e-324 to 1.8e308)"},
      {"a < b < c", 7, "comparisons do not chain: write 'a < b and b < c' instead of 'a < b < c'"},
      {"a == b != c", 8, "comparisons do not chain..."},
      {"a = b", 3, "unexpected '=': write == to compare"},
      {"a ** 2", 3, "'**' is not an operator: write x^y for a power"},
      {"a && b", 3, "unexpected '&': write 'and'"},
      {"a || b", 3, "unexpected '|': write 'or'"},
      {"!a", 1, "unexpected '!': write 'not x' for negation, != for inequality"},
      {"a + not b", 5, "'not' binds more loosely than arithmetic and comparisons: put it in parentheses, as in a * (not b)"},
      {"a and", 6, "expected an expression after 'and', found the end of the expression"},
      {"and", 1, "expected an expression, found 'and'"},
      {"a or or b", 6, "expected an expression after 'or', found 'or'"},
      {"5 %", 3, "'%' must follow a number directly, as in 5%"},
      {"a $ b", 3, "unexpected character '$'"},
      {"a \x01 b", 3, "unexpected control character 0x1"},
      {"a \xc3\x97 b", 3, "unexpected character '\xc3\x97': write *"},
      {"\xc3\xa9t\xc3\xa9", 1, "unexpected character '\xc3\xa9' (expressions are ASCII)"},
      {".", 1, "unexpected '.': a number needs a digit after its decimal point"},
      {"+a", 1, "unexpected '+': there is no unary plus, write the value alone"},
      {"a + +b", 5, "unexpected '+': there is no unary plus, write the value alone"},
  };
  for (const ErrorCase& error : cases) check_error(error);
}

TEST_CASE("function errors name the function, its arity and the closest name", "[expr]") {
  const std::vector<ErrorCase> cases{
      {"clamp(x, 0)", 1, "clamp takes 3 arguments, got 2: clamp(x, lo, hi)"},
      {"a + clamp(x, 0, 1, 2)", 5, "clamp takes 3 arguments, got 4: clamp(x, lo, hi)"},
      {"if(a, b)", 1, "if takes 3 arguments, got 2: if(condition, then, else)"},
      {"pow(a)", 1, "pow takes 2 arguments, got 1: pow(x, y)"},
      {"min(a)", 1, "min takes at least 2 arguments, got 1: min(a, b, ...)"},
      {"max()", 1, "max takes at least 2 arguments, got 0: max(a, b, ...)"},
      {"any()", 1, "any takes at least 1 argument, got 0: any(p1, p2, ...)"},
      {"all()", 1, "all takes at least 1 argument, got 0: all(p1, p2, ...)"},
      {"exp()", 1, "exp takes 1 argument, got 0"},
      {"2 * log(a, b)", 5, "log takes 1 argument, got 2"},
      {"a + lgo(b)", 5, "unknown function 'lgo'; did you mean 'log'?"},
      {"Exp(a)", 1, "unknown function 'Exp'; did you mean 'exp'?"},
      {"sqr(a)", 1, "unknown function 'sqr'; did you mean 'sqrt'?"},
      {"logisitc(a)", 1, "unknown function 'logisitc'; did you mean 'logistic'?"},
      {"mx(a, b)", 1, "unknown function 'mx'; did you mean 'max'?"},
      {"timelines(2)", 1,
       "unknown function 'timelines' (the functions are if, exp, log, log10, sqrt, abs, min, max, clamp, pow, "
       "sin, cos, tanh, floor, ceil, logistic, logit, any, all)"},
      {"exp", 1, "function 'exp' needs its arguments in parentheses: exp(...)"},
      {"1 + if", 5, "function 'if' needs its arguments in parentheses: if(...)"},
      {"pi(2)", 1, "'pi' is a constant, not a function"},
      {"e(2)", 1, "'e' is a constant, not a function"},
      {"min(a,)", 7, "expected an expression after ',', found ')'"},
      {"min(a b)", 7, "expected ',' or ')' in the call of 'min' opened at column 4, found 'b'"},
      {"exp(a", 6, "expected ',' or ')' in the call of 'exp' opened at column 4, found the end of the expression"},
      {"x * beta(2, 3)", 5, "'beta' is a distribution, which cannot appear inside an expression: give it an input "
                            "node of its own and use that node's name"},
  };
  for (const ErrorCase& error : cases) check_error(error);
}

TEST_CASE("hostile input gives an error, never a stack overflow or a hang", "[expr]") {
  constexpr std::size_t many = 200'000;
  const int limit = pdoom::max_expression_nesting;

  SECTION("deep parentheses stop at the nesting limit, at the column of the first level too many") {
    const std::string deep = std::string(many, '(') + "a" + std::string(many, ')');
    try {
      (void)parse_expression(deep);
      FAIL("no error");
    } catch (const ExpressionError& error) {
      CHECK(error.column() == limit + 1);
      CHECK(error.message().find("nested too deeply") != std::string::npos);
    }
    // Up to the limit is fine: the outermost expression is level 1, each '(' adds one.
    const auto at_limit = static_cast<std::size_t>(limit - 1);
    CHECK(parse_expression(std::string(at_limit, '(') + "a" + std::string(at_limit, ')')).name() == "a");
    CHECK_THROWS_AS(parse_expression(std::string(at_limit + 1, '(') + "a" + std::string(at_limit + 1, ')')),
                    ExpressionError);
  }
  SECTION("chains of prefix and right-associative operators") {
    for (const std::string& unit : {std::string("-"), std::string("not "), std::string("2^"), std::string("exp("),
                                    std::string("min(1,"), std::string("if(1,2,")}) {
      INFO("repeated: " << unit);
      std::string text;
      for (std::size_t i = 0; i < many; ++i) text += unit;
      text += "1";
      CHECK_THROWS_WITH(parse_expression(text), Catch::Contains("nested too deeply"));
    }
  }
  SECTION("a megabyte-long chain of binary operators hits the tree depth limit, quickly") {
    std::string text = "1";
    for (std::size_t i = 0; i < 500'000; ++i) text += "+1";
    double seconds = seconds_taken([&] {
      CHECK_THROWS_WITH(parse_expression(text), Catch::Contains("expression too long"));
    });
    CHECK(seconds < 5.0);
    // Just inside the limit parses.
    std::string fits = "a";
    for (std::size_t i = 1; i < pdoom::max_expression_depth; ++i) fits += "*a";
    CHECK(parse_expression(fits).depth() == pdoom::max_expression_depth);
  }
  SECTION("a megabyte-long name or number costs linear time") {
    const std::string name(1'000'000, 'x');
    double seconds = seconds_taken([&] { CHECK(parse_expression(name).name() == name); });
    seconds += seconds_taken([&] {
      CHECK_THROWS_WITH(parse_expression(name + "(1)"), Catch::StartsWith("column 1: unknown function 'xxxx"));
      CHECK_THROWS_WITH(parse_expression("1 + " + name + " " + name), Catch::Contains("found 'xxx"));
      CHECK_THROWS_WITH(parse_expression(std::string(1'000'000, '7')), Catch::Contains("out of the range"));
      (void)parse_expression("0." + std::string(1'000'000, '3'));
      (void)parse_expression(std::string(1'000'000, '0') + "1%");
      CHECK_THROWS_AS(parse_expression("1e" + std::string(1'000'000, '9')), ExpressionError);
      CHECK_THROWS_AS(parse_expression(std::string(1'000'000, '1') + "x"), ExpressionError);
      (void)parse_expression(std::string(1'000'000, ' ') + "a");
    });
    CHECK(seconds < 5.0);
  }
  SECTION("error messages shorten what they quote") {
    try {
      (void)parse_expression("a " + std::string(1000, 'b'));
      FAIL("no error");
    } catch (const ExpressionError& error) {
      CHECK(error.message().size() < 120);
    }
  }
}

TEST_CASE("random garbage only ever raises ExpressionError", "[expr]") {
  // Fuzzing with a fixed seed over the characters the lexer cares about.
  const std::string alphabet = "ab1.e5%+-*/^()<>=!,_ \t xyzmiloqpnt&|";
  const std::vector<std::string> words{"not ", "and ", "or ", "if(", "min(", "exp(", "pi", "e", "1e-3", "5%"};
  std::mt19937_64 random(20240607);
  int accepted = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const auto length = random() % 24;
    for (std::uint64_t i = 0; i < length; ++i) {
      if (random() % 4 == 0) text += words[random() % words.size()];
      else text += alphabet[random() % alphabet.size()];
    }
    try {
      const Expression e = parse_expression(text);
      ++accepted;
      // Whatever parses must print and parse back to the same tree.
      INFO("input: " << text << " printed: " << e.to_string());
      CHECK(structurally_equal(parse_expression(e.to_string()), e));
    } catch (const ExpressionError& error) {
      INFO("input: " << text);
      CHECK(error.column() >= 1);
      CHECK(static_cast<std::size_t>(error.column()) <= text.size() + 1);
      CHECK(!error.message().empty());
    }
  }
  CHECK(accepted > 100);  // the fuzzer also exercises valid input
}

TEST_CASE("to_string prints minimal parentheses and parses back", "[expr]") {
  const std::string pi_text = number_text(std::numbers::pi);
  const std::vector<std::pair<const char*, const char*>> canonical{
      {"(a+b)*c", "(a + b) * c"},
      {"a+(b*c)", "a + b * c"},
      {"a-(b-c)", "a - (b - c)"},
      {"(a-b)-c", "a - b - c"},
      {"a/(b*c)", "a / (b * c)"},
      {"-2^2", "-2^2"},
      {"(-2)^2", "(-2)^2"},
      {"2^-3", "2^-3"},
      {"a^b^c", "a^b^c"},
      {"(a^b)^c", "(a^b)^c"},
      {"pow(a,b)", "a^b"},
      {"(-a)^2", "(-a)^2"},
      {"-(a*b)", "-(a * b)"},
      {"-(a^b)", "-a^b"},
      {"a - -2", "a - -2"},
      {"a * (-2)", "a * -2"},
      {"--a", "--a"},
      {"5%", "0.05"},
      {"1e-3", "0.001"},
      {"1e-7", "1e-07"},
      {"not (a and b)", "not (a and b)"},
      {"(not a) < b", "(not a) < b"},
      {"not (a < b)", "not a < b"},
      {"(a < b) == (c < d)", "(a < b) == (c < d)"},
      {"a or (b or c)", "a or (b or c)"},
      {"(a and b) or c", "a and b or c"},
      {"a and (b or c)", "a and (b or c)"},
      {"if(a<b,-1,(c))", "if(a < b, -1, c)"},
      {"min(a,b,c)", "min(a, b, c)"},
      {"any(p,q)", "any(p, q)"},
      {"-(-(a))", "--a"},
      {"-0", "-0"},
      {"pi", pi_text.c_str()},
  };
  for (const auto& [text, printed] : canonical) {
    INFO("input: " << text);
    const Expression e = parse_expression(text);
    CHECK(e.to_string() == printed);
    CHECK(structurally_equal(parse_expression(e.to_string()), e));
  }
}

TEST_CASE("random trees print and parse back to equal trees", "[expr]") {
  using namespace pdoom;
  std::mt19937_64 random(7);
  const std::vector<std::string> names{"a", "b", "p_1", "_q", "node"};
  const std::vector<Operation> unary{Operation::negate, Operation::logical_not, Operation::exp, Operation::log,
                                     Operation::sqrt, Operation::abs, Operation::floor, Operation::logit,
                                     Operation::logistic, Operation::tanh};
  const std::vector<Operation> binary{
      Operation::add,   Operation::subtract,    Operation::multiply,    Operation::divide,      Operation::power,
      Operation::less,  Operation::less_equal,  Operation::greater,     Operation::greater_equal, Operation::equal,
      Operation::not_equal, Operation::logical_and, Operation::logical_or, Operation::min, Operation::max};
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);

  std::function<Expression(int)> grow = [&](int depth) -> Expression {
    const auto choice = random() % 10;
    if (depth == 0 || choice < 2) {
      switch (random() % 5) {
        case 0: return Expression(std::ldexp(uniform(random), static_cast<int>(random() % 200) - 100));
        case 1: return Expression(static_cast<double>(static_cast<int>(random() % 7) - 3));
        case 2: return Expression(-0.0);
        default: return Expression::variable(names[random() % names.size()]);
      }
    }
    if (choice < 4) return Expression::apply(unary[random() % unary.size()], {grow(depth - 1)});
    if (choice < 9) return Expression::apply(binary[random() % binary.size()], {grow(depth - 1), grow(depth - 1)});
    switch (random() % 4) {
      case 0: return Expression::apply(Operation::if_then_else, {grow(depth - 1), grow(depth - 1), grow(depth - 1)});
      case 1: return Expression::apply(Operation::clamp, {grow(depth - 1), grow(depth - 1), grow(depth - 1)});
      case 2: return Expression::apply(Operation::any, {grow(depth - 1)});
      default: return Expression::apply(Operation::all, {grow(depth - 1), grow(depth - 1), grow(depth - 1)});
    }
  };
  for (int trial = 0; trial < 3000; ++trial) {
    const Expression e = grow(1 + trial % 6);
    const std::string text = e.to_string();
    INFO("printed: " << text);
    const Expression back = parse_expression(text);
    REQUIRE(structurally_equal(back, e));
    CHECK(back.to_string() == text);
  }
}

TEST_CASE("variables lists distinct names in order of first appearance", "[expr]") {
  CHECK(parse_expression("b * a + if(c, a, b) - d").variables() == std::vector<std::string>{"b", "a", "c", "d"});
  CHECK(parse_expression("2 * pi").variables().empty());
}

TEST_CASE("structural equality ignores columns and compares values", "[expr]") {
  CHECK(structurally_equal(parse_expression("a+b"), parse_expression("  a +  b")));
  CHECK_FALSE(structurally_equal(parse_expression("a+b"), parse_expression("b+a")));
  CHECK_FALSE(structurally_equal(parse_expression("a+1"), parse_expression("a+2")));
  CHECK_FALSE(structurally_equal(parse_expression("a-b"), parse_expression("a+b")));
  CHECK_FALSE(structurally_equal(parse_expression("min(a,b)"), parse_expression("min(a,b,b)")));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(structurally_equal(Expression(nan), Expression(nan)));
}

TEST_CASE("apply checks arity and depth", "[expr]") {
  const Expression a = Expression::variable("a");
  CHECK_THROWS_WITH(Expression::apply(Operation::clamp, {a, a}), "column 0: clamp takes 3 arguments, got 2");
  CHECK_THROWS_AS(Expression::apply(Operation::min, {a}), ExpressionError);
  CHECK_THROWS_AS(Expression::apply(Operation::constant, {}), ExpressionError);
  CHECK_THROWS_AS(Expression::apply(Operation::add, {a}), ExpressionError);
  // Negating a constant gives the negative constant, as `-2` does in text.
  const Expression minus_two = Expression::apply(Operation::negate, {Expression(2.0)});
  CHECK(minus_two.is_constant());
  CHECK(minus_two.value() == -2.0);

  Expression chain = a;
  for (std::size_t i = 1; i < pdoom::max_expression_depth; ++i) chain = Expression::apply(Operation::add, {chain, a});
  CHECK(chain.depth() == pdoom::max_expression_depth);
  CHECK_THROWS_WITH(Expression::apply(Operation::add, {chain, a}), Catch::Contains("nested too deeply"));
  // The deepest allowed tree prints, compares and is destroyed without trouble.
  const std::string text = chain.to_string();
  CHECK(text.size() == 4 * pdoom::max_expression_depth - 3);
  CHECK(structurally_equal(parse_expression(text), chain));
}

TEST_CASE("long chains built in code are destroyed without deep recursion", "[expr]") {
  // Many shared nodes and long chains: destruction walks an explicit list.
  std::vector<Expression> keep;
  for (int round = 0; round < 20; ++round) {
    Expression chain = Expression::variable("a");
    for (std::size_t i = 1; i < pdoom::max_expression_depth; ++i) {
      chain = Expression::apply(Operation::multiply, {chain, Expression(1.0)});
      if (i % 1000 == 0) keep.push_back(chain);
    }
  }
  keep.clear();
  SUCCEED();
}

TEST_CASE("reserved words cover keywords, constants and functions", "[expr]") {
  for (const char* word : {"and", "or", "not", "pi", "e", "if", "exp", "pow", "any", "all", "logit"}) {
    CHECK(pdoom::is_reserved_word(word));
  }
  for (const char* word : {"timelines", "inf", "nan", "x", "beta", "E", "Pi"}) CHECK_FALSE(pdoom::is_reserved_word(word));
  CHECK(pdoom::function_names().size() == 19);
  for (std::string_view name : pdoom::function_names()) CHECK(pdoom::is_reserved_word(name));
}

TEST_CASE("distribution calls: nested distributions where the constructor takes them", "[expr]") {
  using pdoom::parse_distribution;
  const auto beta = parse_distribution("beta_ci(0.45, 80%)");
  CHECK(beta.constructor == "beta_ci");
  CHECK(beta.column == 1);
  REQUIRE(beta.arguments.size() == 2);
  CHECK(beta.arguments[1].expression->value() == 0.8);
  CHECK(beta.is_constant());
  CHECK(beta.to_string() == "beta_ci(0.45, 0.8)");

  const auto mixture = parse_distribution(" mixture(0.3, beta(2, 5), 0.7, point(a * 2))");
  CHECK(mixture.column == 2);
  REQUIRE(mixture.arguments.size() == 4);
  CHECK(mixture.arguments[0].expression.has_value());
  REQUIRE(mixture.arguments[1].call);
  CHECK(mixture.arguments[1].call->constructor == "beta");
  CHECK(mixture.arguments[1].call->column == 15);
  REQUIRE(mixture.arguments[3].call);
  CHECK(mixture.variables() == std::vector<std::string>{"a"});
  CHECK_FALSE(mixture.is_constant());
  CHECK(mixture.to_string() == "mixture(0.3, beta(2, 5), 0.7, point(a * 2))");
  CHECK(structurally_equal(parse_distribution(mixture.to_string()), mixture));

  const auto truncated = parse_distribution("truncated(normal(mu, sd / 2), 0, max(mu, 1))");
  REQUIRE(truncated.arguments[0].call);
  CHECK(truncated.variables() == std::vector<std::string>{"mu", "sd"});
  CHECK(structurally_equal(parse_distribution(truncated.to_string()), truncated));
  CHECK_FALSE(structurally_equal(parse_distribution("beta(1, 2)"), parse_distribution("beta(1, 3)")));

  const auto conditional = parse_distribution("beta_mean(if(a > 0.5, 0.9, 0.1), 10)");
  CHECK(conditional.variables() == std::vector<std::string>{"a"});
  CHECK(parse_distribution("empirical(1, 2, 3, 5%)").arguments.size() == 4);
}

TEST_CASE("distribution call errors", "[expr]") {
  const std::vector<ErrorCase> cases{
      {"", 1, "empty distribution: expected a call such as beta_ci(0.1, 0.5)"},
      {"0.5", 1, "expected a distribution such as beta_ci(0.1, 0.5), found '0.5'"},
      {"betaci(0.1, 0.5)", 1, "unknown distribution 'betaci'; did you mean 'beta_ci'?"},
      {"Normal(0, 1)", 1, "unknown distribution 'Normal'; did you mean 'normal'?"},
      {"exp(1)", 1, "unknown distribution 'exp' (the distributions are ..."},
      {"beta", 5, "expected '(' after 'beta': a distribution is written like beta(2, 5)"},
      {"beta(1)", 1, "beta takes 2 arguments, got 1: beta(a, b)"},
      {"beta_ci(0.1, 0.5, 0.9, 1)", 1, "beta_ci takes 2 or 3 arguments, got 4: beta_ci(lo, hi, level = 0.9)"},
      {"mixture(0.3, beta(1, 2), 0.7)", 1, "mixture takes pairs of a weight and a distribution, got 3: ..."},
      {"mixture(0.3, 0.5)", 14, "expected a distribution, such as beta(2, 5), as argument 2 of mixture, found '0.5'"},
      {"truncated(1, 0, 1)", 11, "expected a distribution, such as beta(2, 5), as argument 1 of truncated, found '1'"},
      {"beta(normal(0, 1), 2)", 6, "'normal' is a distribution, which cannot appear inside an expression..."},
      {"beta(2, 3) + 1", 12, "expected an operator or the end of the expression, found '+'"},
      {"beta(2 3)", 8, "expected ',' or ')' in 'beta' opened at column 5, found '3'"},
      {"point(1 +)", 10, "expected an expression after '+', found ')'"},
      {"uniform(0, 1", 13, "expected ',' or ')' in 'uniform' opened at column 8, found the end of the expression"},
  };
  for (const ErrorCase& error : cases) check_error(error, true);
  // Nested distributions count towards the nesting limit.
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "truncated(";
  CHECK_THROWS_WITH(pdoom::parse_distribution(deep), Catch::Contains("nested too deeply"));
}
