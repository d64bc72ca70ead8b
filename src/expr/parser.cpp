// A hand-written recursive-descent parser. Recursion happens only where the input nests
// (parentheses, call arguments, unary minus, `not`, `^`), and a counter refuses nesting beyond
// max_expression_nesting, so hostile input gives an error instead of a stack overflow. Chains of
// binary operators are loops; the depth of the tree they build is checked against
// max_expression_depth. The lexer looks at each byte a bounded number of times, so long names and
// numbers cost linear time.

#include "pdoom/expr/parser.hpp"

#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <numbers>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace pdoom {
namespace {

enum class TokenKind : std::uint8_t {
  end, number, name,
  plus, minus, star, slash, caret,
  less, less_equal, greater, greater_equal, equal, not_equal,
  left_paren, right_paren, comma
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::size_t offset = 0;
  std::size_t length = 0;
  double number = 0.0;
};

constexpr std::array<std::string_view, 24> reserved_list = [] {
  std::array<std::string_view, 24> words{"and", "or", "not", "pi", "e"};
  constexpr std::array<std::string_view, 19> functions{
      "if", "exp", "log", "log10", "sqrt", "abs", "min", "max", "clamp", "pow",
      "sin", "cos", "tanh", "floor", "ceil", "logistic", "logit", "any", "all"};
  for (std::size_t i = 0; i < functions.size(); ++i) words[5 + i] = functions[i];
  return words;
}();

// How each function is called, for arity messages.
std::string_view function_signature(Operation operation) {
  switch (operation) {
    case Operation::if_then_else: return "if(condition, then, else)";
    case Operation::clamp: return "clamp(x, lo, hi)";
    case Operation::power: return "pow(x, y)";
    case Operation::min: return "min(a, b, ...)";
    case Operation::max: return "max(a, b, ...)";
    case Operation::any: return "any(p1, p2, ...)";
    case Operation::all: return "all(p1, p2, ...)";
    default: return {};
  }
}

// The number and meaning of the arguments of each distribution constructor. The dist layer checks
// again when it builds the distribution; checking here gives the error its column.
struct ConstructorShape {
  std::string_view name;
  std::size_t minimum;
  std::size_t maximum;
  std::string_view signature;
};

constexpr std::size_t unbounded = std::numeric_limits<std::size_t>::max();

constexpr std::array<ConstructorShape, 19> constructor_shapes{{
    {"point", 1, 1, "point(x)"},
    {"uniform", 2, 2, "uniform(a, b)"},
    {"loguniform", 2, 2, "loguniform(a, b)"},
    {"normal", 2, 2, "normal(mean, sd)"},
    {"normal_ci", 2, 3, "normal_ci(lo, hi, level = 0.9)"},
    {"lognormal", 2, 2, "lognormal(mu, sigma)"},
    {"lognormal_ci", 2, 3, "lognormal_ci(lo, hi, level = 0.9)"},
    {"beta", 2, 2, "beta(a, b)"},
    {"beta_ci", 2, 3, "beta_ci(lo, hi, level = 0.9)"},
    {"beta_mean", 2, 2, "beta_mean(mean, concentration)"},
    {"logitnormal", 2, 2, "logitnormal(mu, sigma)"},
    {"logitnormal_ci", 2, 3, "logitnormal_ci(lo, hi, level = 0.9)"},
    {"triangular", 3, 3, "triangular(min, mode, max)"},
    {"pert", 3, 3, "pert(min, mode, max)"},
    {"gamma", 2, 2, "gamma(shape, scale)"},
    {"bernoulli", 1, 1, "bernoulli(p)"},
    {"mixture", 2, unbounded, "mixture(w1, d1, w2, d2, ...)"},
    {"truncated", 3, 3, "truncated(d, lo, hi)"},
    {"empirical", 1, unbounded, "empirical(x1, x2, ...)"},
}};

const ConstructorShape* find_shape(std::string_view name) {
  for (const ConstructorShape& shape : constructor_shapes) {
    if (shape.name == name) return &shape;
  }
  return nullptr;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance (a transposition costs 1), ignoring case.
std::size_t spelling_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

// The candidate a typo most likely meant, or nothing when none is close. Long words are skipped
// without computing distances, which keeps a megabyte-long name linear.
template <class Range>
std::optional<std::string_view> closest(std::string_view word, const Range& candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = unbounded;
  for (std::string_view candidate : candidates) {
    const std::size_t longer = std::max(word.size(), candidate.size());
    const std::size_t shorter = std::min(word.size(), candidate.size());
    if (longer - shorter > 2) continue;
    const std::size_t allowed = candidate.size() <= 4 ? 1 : 2;
    const std::size_t distance = spelling_distance(word, candidate);
    if (distance <= allowed && distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

template <class Range>
std::string joined(const Range& names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

// Quotes a piece of the input for a message, shortening what is too long to read.
std::string quoted(std::string_view text) {
  constexpr std::size_t longest = 40;
  const bool shortened = text.size() > longest;
  std::string result;
  result.reserve(longest + 3);
  result += '\'';
  result.append(shortened ? text.substr(0, longest - 3) : text);
  result.append(shortened ? "...'" : "'");
  return result;
}

std::optional<Operation> comparison_of(TokenKind kind) {
  switch (kind) {
    case TokenKind::less: return Operation::less;
    case TokenKind::less_equal: return Operation::less_equal;
    case TokenKind::greater: return Operation::greater;
    case TokenKind::greater_equal: return Operation::greater_equal;
    case TokenKind::equal: return Operation::equal;
    case TokenKind::not_equal: return Operation::not_equal;
    default: return std::nullopt;
  }
}

bool is_distribution_constructor(std::string_view name) {
  const auto names = distribution_constructors();
  return std::find(names.begin(), names.end(), name) != names.end();
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { advance(); }

  Expression whole_expression() {
    if (current_.kind == TokenKind::end) throw ExpressionError(column_of(current_), "empty expression");
    Expression result = parse_or();
    expect_end();
    return result;
  }

  DistributionCall whole_distribution() {
    if (current_.kind == TokenKind::end) {
      throw ExpressionError(column_of(current_), "empty distribution: expected a call such as beta_ci(0.1, 0.5)");
    }
    DistributionCall call = parse_distribution_call(std::nullopt);
    expect_end();
    return call;
  }

 private:
  class NestingGuard {
   public:
    NestingGuard(int& nesting, int column) : nesting_(nesting) {
      if (nesting_ >= max_expression_nesting) fail_nesting(column);
      ++nesting_;
    }
    ~NestingGuard() { --nesting_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    int& nesting_;
  };

  // ---- lexer ----

  static int column_of(std::size_t offset) { return static_cast<int>(std::min<std::size_t>(offset, INT32_MAX - 1)) + 1; }
  static int column_of(const Token& token) { return column_of(token.offset); }

  std::string_view text_of(const Token& token) const { return text_.substr(token.offset, token.length); }

  std::string describe(const Token& token) const {
    if (token.kind == TokenKind::end) return "the end of the expression";
    return quoted(text_of(token));
  }

  void advance() {
    previous_ = current_;
    has_previous_ = true;
    current_ = lex();
  }

  Token lex() {
    while (position_ < text_.size() && is_space(text_[position_])) ++position_;
    Token token;
    token.offset = position_;
    if (position_ >= text_.size()) return token;
    const char c = text_[position_];
    if (is_digit(c) || (c == '.' && position_ + 1 < text_.size() && is_digit(text_[position_ + 1]))) {
      return lex_number();
    }
    if (is_name_start(c)) {
      std::size_t end = position_;
      while (end < text_.size() && is_name_char(text_[end])) ++end;
      token.kind = TokenKind::name;
      token.length = end - position_;
      position_ = end;
      return token;
    }
    const char next = position_ + 1 < text_.size() ? text_[position_ + 1] : '\0';
    auto single = [&](TokenKind kind) {
      token.kind = kind;
      token.length = 1;
      ++position_;
      return token;
    };
    auto pair = [&](TokenKind kind) {
      token.kind = kind;
      token.length = 2;
      position_ += 2;
      return token;
    };
    const int column = column_of(position_);
    switch (c) {
      case '+': return single(TokenKind::plus);
      case '-': return single(TokenKind::minus);
      case '*':
        if (next == '*') throw ExpressionError(column, "'**' is not an operator: write x^y for a power");
        return single(TokenKind::star);
      case '/': return single(TokenKind::slash);
      case '^': return single(TokenKind::caret);
      case '(': return single(TokenKind::left_paren);
      case ')': return single(TokenKind::right_paren);
      case ',': return single(TokenKind::comma);
      case '<': return next == '=' ? pair(TokenKind::less_equal) : single(TokenKind::less);
      case '>': return next == '=' ? pair(TokenKind::greater_equal) : single(TokenKind::greater);
      case '=':
        if (next == '=') return pair(TokenKind::equal);
        throw ExpressionError(column, "unexpected '=': write == to compare");
      case '!':
        if (next == '=') return pair(TokenKind::not_equal);
        throw ExpressionError(column, "unexpected '!': write 'not x' for negation, != for inequality");
      case '&': throw ExpressionError(column, "unexpected '&': write 'and'");
      case '|': throw ExpressionError(column, "unexpected '|': write 'or'");
      case '%': throw ExpressionError(column, "'%' must follow a number directly, as in 5%");
      case '.': throw ExpressionError(column, "unexpected '.': a number needs a digit after its decimal point");
      default: break;
    }
    throw ExpressionError(column, unexpected_character_message(position_));
  }

  std::string unexpected_character_message(std::size_t offset) const {
    const auto byte = static_cast<unsigned char>(text_[offset]);
    if (byte < 0x80) {
      if (byte < 0x20 || byte == 0x7f) {
        std::array<char, 8> hex{};
        const auto result = std::to_chars(hex.data(), hex.data() + hex.size(), static_cast<int>(byte), 16);
        return "unexpected control character 0x" + std::string(hex.data(), result.ptr);
      }
      return "unexpected character '" + std::string(1, static_cast<char>(byte)) + "'";
    }
    // A UTF-8 sequence: show it whole, and name the ASCII operator people usually mean.
    std::size_t end = offset + 1;
    while (end < text_.size() && end < offset + 4 && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    const std::string character(text_.substr(offset, end - offset));
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> lookalikes{{
        {"\u00d7", "*"}, {"\u00b7", "*"}, {"\u00f7", "/"}, {"\u2212", "-"},
        {"\u2264", "<="}, {"\u2265", ">="}, {"\u2260", "!="},
    }};
    for (const auto& [shape, ascii] : lookalikes) {
      if (character == shape) return "unexpected character '" + character + "': write " + std::string(ascii);
    }
    return "unexpected character '" + character + "' (expressions are ASCII)";
  }

  Token lex_number() {
    const std::size_t start = position_;
    std::size_t i = start;
    while (i < text_.size() && is_digit(text_[i])) ++i;
    if (i < text_.size() && text_[i] == '.') {
      ++i;
      while (i < text_.size() && is_digit(text_[i])) ++i;
    }
    const std::size_t mantissa_end = i;
    std::int64_t exponent = 0;
    if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
      std::size_t j = i + 1;
      bool negative = false;
      if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) negative = text_[j++] == '-';
      if (j >= text_.size() || !is_digit(text_[j])) {
        throw ExpressionError(column_of(start), "malformed number " + quoted(malformed_run(start)) +
                                                    ": expected digits after the exponent's 'e'");
      }
      // Saturate: 1e999999999999 is out of range either way, and this cannot overflow.
      for (; j < text_.size() && is_digit(text_[j]); ++j) {
        if (exponent < 1'000'000'000) exponent = exponent * 10 + (text_[j] - '0');
      }
      if (negative) exponent = -exponent;
      i = j;
    }
    if (i < text_.size() && (is_name_char(text_[i]) || text_[i] == '.')) {
      throw ExpressionError(column_of(start), "malformed number " + quoted(malformed_run(start)));
    }
    const std::size_t number_end = i;
    const bool percent = i < text_.size() && text_[i] == '%';
    if (percent) ++i;

    double value = 0.0;
    std::from_chars_result result{};
    if (percent) {
      // 12.3% reads as 12.3e-2, so the percentage is the double nearest the decimal, not 12.3/100.
      std::string scaled(text_.substr(start, mantissa_end - start));
      scaled += 'e';
      scaled += std::to_string(exponent - 2);
      result = std::from_chars(scaled.data(), scaled.data() + scaled.size(), value);
      if (result.ec == std::errc() && result.ptr != scaled.data() + scaled.size()) result.ec = std::errc::invalid_argument;
    } else {
      const char* first = text_.data() + start;
      const char* last = text_.data() + number_end;
      result = std::from_chars(first, last, value);
      if (result.ec == std::errc() && result.ptr != last) result.ec = std::errc::invalid_argument;
    }
    const std::string_view written = text_.substr(start, i - start);
    if (result.ec == std::errc::result_out_of_range) {
      throw ExpressionError(column_of(start), "number " + quoted(written) +
                                                  " is out of the range of doubles (magnitudes about 5e-324 to 1.8e308)");
    }
    if (result.ec != std::errc()) throw ExpressionError(column_of(start), "malformed number " + quoted(written));
    Token token;
    token.kind = TokenKind::number;
    token.offset = start;
    token.length = i - start;
    token.number = value;
    position_ = i;
    return token;
  }

  // The run of characters that was meant as one number ("1.2.3", "2x"), for the message.
  std::string_view malformed_run(std::size_t start) const {
    std::size_t end = start;
    while (end < text_.size() && (is_name_char(text_[end]) || text_[end] == '.' ||
                                  ((text_[end] == '+' || text_[end] == '-') && end > start &&
                                   (text_[end - 1] == 'e' || text_[end - 1] == 'E')))) {
      ++end;
    }
    return text_.substr(start, end - start);
  }

  // ---- helpers ----
  //
  // Everything that builds a message lives in an out-of-line function, and nodes are made by
  // out-of-line helpers: the recursive grammar functions then keep small stack frames (no string
  // or vector temporaries), so the nesting limit costs little stack.

  bool at_keyword(std::string_view word) const {
    return current_.kind == TokenKind::name && text_of(current_) == word;
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_expected_expression() const {
    std::string message = "expected an expression";
    if (has_previous_ && previous_.length > 0) message += " after " + quoted(text_of(previous_));
    message += ", found " + describe(current_);
    throw ExpressionError(column_of(current_), message);
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_chained_comparison() const {
    throw ExpressionError(column_of(current_),
                          "comparisons do not chain: write 'a < b and b < c' instead of 'a < b < c'");
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_not_in_operand() const {
    throw ExpressionError(column_of(current_), "'not' binds more loosely than arithmetic and comparisons: "
                                               "put it in parentheses, as in a * (not b)");
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_unary_plus() const {
    throw ExpressionError(column_of(current_), "unexpected '+': there is no unary plus, write the value alone");
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_unclosed(std::size_t open_offset) const {
    throw ExpressionError(column_of(current_), "expected ')' to close '(' at column " +
                                                   std::to_string(column_of(open_offset)) + ", found " +
                                                   describe(current_));
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_call_separator(std::string_view name, std::size_t open_offset,
                                                                  bool distribution) const {
    throw ExpressionError(column_of(current_), "expected ',' or ')' in " +
                                                   std::string(distribution ? "" : "the call of ") + quoted(name) +
                                                   " opened at column " + std::to_string(column_of(open_offset)) +
                                                   ", found " + describe(current_));
  }

  [[noreturn, gnu::noinline, gnu::cold]] static void fail_name_without_call(std::string_view word, int column) {
    throw ExpressionError(column, "function '" + std::string(word) + "' needs its arguments in parentheses: " +
                                      std::string(word) + "(...)");
  }

  [[noreturn, gnu::noinline, gnu::cold]] static void fail_nesting(int column) {
    throw ExpressionError(column, "expression nested too deeply (more than " +
                                      std::to_string(max_expression_nesting) +
                                      " levels of parentheses, calls, unary minus, not or ^)");
  }

  [[noreturn, gnu::noinline, gnu::cold]] static void fail_too_long(int column) {
    throw ExpressionError(column, "expression too long: more than " + std::to_string(max_expression_depth) +
                                      " operations nested in one another");
  }

  void expect_end() const {
    if (current_.kind == TokenKind::end) return;
    if (current_.kind == TokenKind::right_paren) throw ExpressionError(column_of(current_), "unmatched ')'");
    if (comparison_of(current_.kind)) fail_chained_comparison();
    throw ExpressionError(column_of(current_),
                          "expected an operator or the end of the expression, found " + describe(current_));
  }

  // Nodes, refusing trees deeper than max_expression_depth at the operator's column.
  [[gnu::noinline]] static Expression make(Operation operation, std::vector<Expression> arguments, int start,
                                           int operator_column) {
    std::size_t deepest = 0;
    for (const Expression& argument : arguments) deepest = std::max(deepest, argument.depth());
    if (deepest + 1 > max_expression_depth) fail_too_long(operator_column);
    return Expression::apply(operation, std::move(arguments), start);
  }
  [[gnu::noinline]] static Expression make_unary(Operation operation, Expression&& operand, int column) {
    return make(operation, {std::move(operand)}, column, column);
  }
  [[gnu::noinline]] static Expression make_binary(Operation operation, Expression&& left, Expression&& right,
                                                  int start, int operator_column) {
    return make(operation, {std::move(left), std::move(right)}, start, operator_column);
  }

  // ---- grammar: precedence climbing over the binary levels ----
  //
  // level 1 `or`, 2 `and`, 3 prefix `not`, 4 comparisons (non-associative), 5 `+ -`, 6 `* /`;
  // then prefix `-`, then `^` (right-associative, its exponent may start with `-`), then primaries.

  static constexpr int not_level = 3;
  static constexpr int comparison_level = 4;

  struct BinaryOperator {
    Operation operation;
    int level;
  };

  std::optional<BinaryOperator> binary_operator() const {
    switch (current_.kind) {
      case TokenKind::plus: return BinaryOperator{Operation::add, 5};
      case TokenKind::minus: return BinaryOperator{Operation::subtract, 5};
      case TokenKind::star: return BinaryOperator{Operation::multiply, 6};
      case TokenKind::slash: return BinaryOperator{Operation::divide, 6};
      case TokenKind::name:
        if (at_keyword("or")) return BinaryOperator{Operation::logical_or, 1};
        if (at_keyword("and")) return BinaryOperator{Operation::logical_and, 2};
        return std::nullopt;
      default:
        if (const auto comparison = comparison_of(current_.kind)) return BinaryOperator{*comparison, comparison_level};
        return std::nullopt;
    }
  }

  // A whole (sub)expression: the text, a parenthesised part, a call argument. One nesting level.
  Expression parse_or() {
    NestingGuard guard(nesting_, column_of(current_));
    return parse_binary(1);
  }

  Expression parse_binary(int min_level) {
    const int start = column_of(current_);
    Expression left = parse_operand(min_level);
    while (const auto binary = binary_operator()) {
      if (binary->level < min_level) break;
      const int operator_column = column_of(current_);
      advance();
      Expression right = parse_binary(binary->level + 1);  // left-associative
      if (binary->level == comparison_level && comparison_of(current_.kind)) fail_chained_comparison();
      left = make_binary(binary->operation, std::move(left), std::move(right), start, operator_column);
    }
    return left;
  }

  // What a binary level starts with: `not ...` where the level allows it, else a unary expression.
  Expression parse_operand(int min_level) {
    if (!at_keyword("not")) return parse_unary();
    if (min_level > not_level) fail_not_in_operand();
    const int operator_column = column_of(current_);
    NestingGuard guard(nesting_, operator_column);
    advance();
    Expression operand = parse_binary(not_level);  // `not a < b` is not (a < b); `not a and b` stops at and
    return make_unary(Operation::logical_not, std::move(operand), operator_column);
  }

  Expression parse_unary() {
    if (current_.kind == TokenKind::minus) {
      const int operator_column = column_of(current_);
      NestingGuard guard(nesting_, operator_column);
      advance();
      Expression operand = parse_unary();
      return make_unary(Operation::negate, std::move(operand), operator_column);
    }
    if (current_.kind == TokenKind::plus) fail_unary_plus();
    const int start = column_of(current_);
    Expression base = parse_primary();
    if (current_.kind != TokenKind::caret) return base;
    const int operator_column = column_of(current_);
    NestingGuard guard(nesting_, operator_column);
    advance();
    Expression exponent = parse_unary();  // right-associative; the exponent may be negated: 2^-3
    return make_binary(Operation::power, std::move(base), std::move(exponent), start, operator_column);
  }

  Expression parse_primary() {
    switch (current_.kind) {
      case TokenKind::number: {
        Expression value = Expression::constant(current_.number, column_of(current_));
        advance();
        return value;
      }
      case TokenKind::name: return parse_name();
      case TokenKind::left_paren: {
        const std::size_t open_offset = current_.offset;
        advance();
        if (current_.kind == TokenKind::right_paren) fail_expected_expression();
        Expression inner = parse_or();
        if (current_.kind != TokenKind::right_paren) fail_unclosed(open_offset);
        advance();
        return inner;
      }
      default: fail_expected_expression();
    }
  }

  Expression parse_name() {
    const std::string_view word = text_of(current_);
    const int column = column_of(current_);
    if (word == "and" || word == "or") fail_expected_expression();
    if (word == "not") fail_not_in_operand();
    advance();
    if (current_.kind == TokenKind::left_paren) return parse_call(word, column);
    if (word == "pi") return Expression::constant(std::numbers::pi, column);
    if (word == "e") return Expression::constant(std::numbers::e, column);
    if (function_operation(word)) fail_name_without_call(word, column);
    return Expression::variable(std::string(word), column);
  }

  Expression parse_call(std::string_view name, int column) {
    const std::size_t open_offset = current_.offset;
    const std::optional<Operation> operation = function_operation(name);
    if (!operation) fail_unknown_function(name, column);
    advance();
    std::vector<Expression> arguments;
    if (current_.kind == TokenKind::right_paren) {
      advance();
    } else {
      while (true) {
        arguments.push_back(parse_or());
        if (current_.kind == TokenKind::comma) {
          advance();
          continue;
        }
        if (current_.kind == TokenKind::right_paren) {
          advance();
          break;
        }
        fail_call_separator(name, open_offset, false);
      }
    }
    check_arity(*operation, name, arguments.size(), column);
    return make(*operation, std::move(arguments), column, column);
  }

  static void check_arity(Operation operation, std::string_view name, std::size_t count, int column) {
    const Arity arity = operation_arity(operation);
    if (count < arity.minimum || count > arity.maximum) fail_arity(operation, name, count, column);
  }

  [[noreturn, gnu::noinline, gnu::cold]] static void fail_arity(Operation operation, std::string_view name,
                                                               std::size_t count, int column) {
    const Arity arity = operation_arity(operation);
    std::string message(name);
    message += arity.maximum == unbounded ? " takes at least " : " takes ";
    message += std::to_string(arity.minimum) + (arity.minimum == 1 ? " argument" : " arguments");
    message += ", got " + std::to_string(count);
    if (const std::string_view signature = function_signature(operation); !signature.empty()) {
      message += ": " + std::string(signature);
    }
    throw ExpressionError(column, message);
  }

  [[noreturn, gnu::noinline, gnu::cold]] static void fail_unknown_function(std::string_view name, int column) {
    const std::string shown = quoted(name);
    if (name == "pi" || name == "e") throw ExpressionError(column, shown + " is a constant, not a function");
    if (is_distribution_constructor(name)) {
      throw ExpressionError(column, shown + " is a distribution, which cannot appear inside an expression: "
                                            "give it an input node of its own and use that node's name");
    }
    std::string message = "unknown function " + shown;
    if (const auto suggestion = closest(name, function_names())) {
      message += "; did you mean '" + std::string(*suggestion) + "'?";
    } else {
      message += " (the functions are " + joined(function_names()) + ")";
    }
    throw ExpressionError(column, message);
  }

  // ---- distributions ----

  struct CallContext {
    std::string_view constructor;
    std::size_t index = 0;
  };

  DistributionCall parse_distribution_call(std::optional<CallContext> context) {
    if (current_.kind != TokenKind::name) fail_expected_distribution(context);
    const std::string_view name = text_of(current_);
    const int column = column_of(current_);
    if (!is_distribution_constructor(name)) fail_unknown_distribution(name, column);
    advance();
    if (current_.kind != TokenKind::left_paren) fail_distribution_without_call(name);
    const std::size_t open_offset = current_.offset;
    NestingGuard guard(nesting_, column_of(open_offset));
    advance();
    DistributionCall call;
    call.constructor = std::string(name);
    call.column = column;
    if (current_.kind == TokenKind::right_paren) {
      advance();
    } else {
      while (true) {
        const std::size_t index = call.arguments.size();
        DistributionCall::Argument argument;
        if (argument_is_distribution(name, index)) {
          argument.call = std::make_shared<const DistributionCall>(parse_distribution_call(CallContext{name, index}));
        } else {
          argument.expression = parse_or();
        }
        call.arguments.push_back(std::move(argument));
        if (current_.kind == TokenKind::comma) {
          advance();
          continue;
        }
        if (current_.kind == TokenKind::right_paren) {
          advance();
          break;
        }
        fail_call_separator(name, open_offset, true);
      }
    }
    check_constructor_arity(call);
    return call;
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_expected_distribution(std::optional<CallContext> context) const {
    std::string message = "expected a distribution such as beta_ci(0.1, 0.5)";
    if (context) {
      message = "expected a distribution, such as beta(2, 5), as argument " + std::to_string(context->index + 1) +
                " of " + std::string(context->constructor);
    }
    throw ExpressionError(column_of(current_), message + ", found " + describe(current_));
  }

  [[noreturn, gnu::noinline, gnu::cold]] static void fail_unknown_distribution(std::string_view name, int column) {
    std::string message = "unknown distribution " + quoted(name);
    if (const auto suggestion = closest(name, distribution_constructors())) {
      message += "; did you mean '" + std::string(*suggestion) + "'?";
    } else {
      message += " (the distributions are " + joined(distribution_constructors()) + ")";
    }
    throw ExpressionError(column, message);
  }

  [[noreturn, gnu::noinline, gnu::cold]] void fail_distribution_without_call(std::string_view name) const {
    throw ExpressionError(column_of(current_),
                          "expected '(' after " + quoted(name) + ": a distribution is written like beta(2, 5)");
  }

  [[gnu::noinline]] static void check_constructor_arity(const DistributionCall& call) {
    const ConstructorShape* shape = find_shape(call.constructor);
    if (shape == nullptr) return;  // a constructor this table does not know: the dist layer checks it
    const std::size_t count = call.arguments.size();
    const bool pairs_wrong = call.constructor == "mixture" && count % 2 != 0;
    if (count >= shape->minimum && count <= shape->maximum && !pairs_wrong) return;
    std::string message = call.constructor + " takes ";
    if (call.constructor == "mixture") {
      message += "pairs of a weight and a distribution";
    } else if (shape->maximum == unbounded) {
      message += "at least " + std::to_string(shape->minimum) + (shape->minimum == 1 ? " argument" : " arguments");
    } else if (shape->maximum == shape->minimum) {
      message += std::to_string(shape->minimum) + (shape->minimum == 1 ? " argument" : " arguments");
    } else {
      message += std::to_string(shape->minimum) + " or " + std::to_string(shape->maximum) + " arguments";
    }
    message += ", got " + std::to_string(count) + ": " + std::string(shape->signature);
    throw ExpressionError(call.column, message);
  }

  std::string_view text_;
  std::size_t position_ = 0;
  Token current_;
  Token previous_;
  bool has_previous_ = false;
  int nesting_ = 0;
};

}  // namespace

Expression parse_expression(std::string_view text) { return Parser(text).whole_expression(); }

DistributionCall parse_distribution(std::string_view text) { return Parser(text).whole_distribution(); }

std::span<const std::string_view> reserved_words() noexcept { return reserved_list; }

bool is_reserved_word(std::string_view word) noexcept {
  return std::find(reserved_list.begin(), reserved_list.end(), word) != reserved_list.end();
}

}  // namespace pdoom
