// sin and cos in the expression engine use their own vectorisable reduction and polynomials
// (src/expr/trigonometry.hpp). Checked here through the public Program API against long double sinl and
// cosl (64-bit significands, so the reference is accurate to about 2^-11 ulp of a double result): at most
// 1 ulp everywhere, including the doubles nearest to multiples of pi/2, where the reduction cancels
// most of the argument's bits; signed zeros; the glibc fallback beyond the fast range; NaN and inf.

#include "pdoom/expr/parser.hpp"
#include "pdoom/expr/program.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

// The values of `text` (a function of x) at `xs`, through the block program.
std::vector<double> evaluate(const std::string& text, const std::vector<double>& xs) {
  const pdoom::Program program =
      pdoom::Program::compile(pdoom::parse_expression(text), [](std::string_view name) -> std::optional<std::size_t> {
        if (name == "x") return 0;
        return std::nullopt;
      });
  std::vector<double> out(xs.size());
  const std::vector<const double*> slots{xs.data()};
  pdoom::ProgramWorkspace workspace;
  program.evaluate(slots, xs.size(), out.data(), workspace);
  return out;
}

// |value - reference| in units of the last place of the double nearest the reference.
double ulp_error(double value, long double reference) {
  const double rounded = static_cast<double>(reference);
  const double ulp = std::nextafter(std::abs(rounded), std::numeric_limits<double>::infinity()) - std::abs(rounded);
  return static_cast<double>(std::abs(static_cast<long double>(value) - reference) / ulp);
}

struct Worst {
  double error = 0;
  double at = 0;
};

Worst worst_error(const std::string& function, const std::vector<double>& xs) {
  const std::vector<double> values = evaluate(function + "(x)", xs);
  Worst worst;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const long double x = xs[i];
    const long double reference = function == "sin" ? std::sin(x) : std::cos(x);
    const double error = ulp_error(values[i], reference);
    if (error > worst.error) worst = {error, xs[i]};
  }
  return worst;
}

std::vector<double> uniform_points(double lo, double hi, std::size_t count, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> draw(lo, hi);
  std::vector<double> xs(count);
  for (double& x : xs) x = draw(engine);
  return xs;
}

// The doubles nearest to k pi / 2 and their neighbours: sin or cos is small there, so any error in the
// reduction shows up as a large relative error.
std::vector<double> near_multiples_of_half_pi(std::int64_t last) {
  std::vector<double> xs;
  for (std::int64_t k = -last; k <= last; k += (k > -40 && k < 40) ? 1 : 997) {
    const double nearest = static_cast<double>(static_cast<long double>(k) * std::numbers::pi_v<long double> / 2);
    double x = nearest;
    for (int step = 0; step < 3; ++step) x = std::nextafter(x, -std::numeric_limits<double>::infinity());
    for (int step = 0; step < 7; ++step) {
      xs.push_back(x);
      x = std::nextafter(x, std::numeric_limits<double>::infinity());
    }
  }
  return xs;
}

}  // namespace

TEST_CASE("sin and cos are within 1 ulp of the long double reference", "[expr][trigonometry]") {
  const std::vector<std::vector<double>> ranges{
      uniform_points(-4, 4, 200000, 1),
      uniform_points(-1000, 1000, 200000, 2),
      uniform_points(-8e5, 8e5, 200000, 3),
      near_multiples_of_half_pi(500000),
      {1e-300, -1e-300, 4.9e-324, 1e-8, -1e-8, 0.5, 0.7853981633974483, 0.7853981633974484, 2.356194490192345},
  };
  for (const std::string function : {"sin", "cos"}) {
    for (std::size_t r = 0; r < ranges.size(); ++r) {
      const Worst worst = worst_error(function, ranges[r]);
      INFO(function << ", range " << r << ": worst " << worst.error << " ulp at x = " << worst.at);
      CHECK(worst.error <= 1.0);
    }
  }
}

TEST_CASE("sin keeps the sign of zero, cos(0) is 1", "[expr][trigonometry]") {
  const std::vector<double> zeros{0.0, -0.0};
  const auto sines = evaluate("sin(x)", zeros);
  CHECK(sines[0] == 0.0);
  CHECK_FALSE(std::signbit(sines[0]));
  CHECK(sines[1] == 0.0);
  CHECK(std::signbit(sines[1]));
  const auto cosines = evaluate("cos(x)", zeros);
  CHECK(cosines[0] == 1.0);
  CHECK(cosines[1] == 1.0);
}

TEST_CASE("beyond the fast range sin and cos are glibc's, NaN and inf give NaN", "[expr][trigonometry]") {
  const double infinity = std::numeric_limits<double>::infinity();
  // A block mixing fast and slow arguments takes the per-value path: both kinds must stay right.
  const std::vector<double> xs{1.0, 8.1e5, 1e6, -3e9, 1e300, 2.0, infinity, -infinity,
                               std::numeric_limits<double>::quiet_NaN()};
  const auto sines = evaluate("sin(x)", xs);
  const auto cosines = evaluate("cos(x)", xs);
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("x = " << xs[i]);
    CHECK(ulp_error(sines[i], std::sin(static_cast<long double>(xs[i]))) <= 1.0);
    CHECK(ulp_error(cosines[i], std::cos(static_cast<long double>(xs[i]))) <= 1.0);
  }
  for (std::size_t i = 6; i < xs.size(); ++i) {
    CHECK(std::isnan(sines[i]));
    CHECK(std::isnan(cosines[i]));
  }
}

TEST_CASE("integer powers 2 to 8 by squaring stay within k - 1 ulp, other exponents are std::pow",
          "[expr][trigonometry]") {
  // Repeated squaring rounds once per multiplication and doubles the relative error it inherits, so
  // x^k carries a relative error of at most (k - 1) 2^-53: k - 1 ulp at most, since one ulp is between
  // 2^-53 and 2^-52 of the value (src/expr/program.cpp, power_value).
  const std::vector<double> xs = uniform_points(-3, 3, 20000, 4);
  for (int k = 2; k <= 8; ++k) {
    const auto values = evaluate("x ^ " + std::to_string(k), xs);
    double worst = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      worst = std::max(worst, ulp_error(values[i], std::pow(static_cast<long double>(xs[i]), k)));
    }
    INFO("k = " << k << ": worst " << worst << " ulp");
    CHECK(worst <= k - 1.0);
  }
  for (const double exponent : {0.5, 1.5, 9.0, 16.0, -2.0}) {
    const std::vector<double> positive = uniform_points(0.1, 3, 1000, 5);
    const auto values = evaluate("x ^ " + std::to_string(exponent), positive);
    for (std::size_t i = 0; i < positive.size(); ++i) CHECK(values[i] == std::pow(positive[i], exponent));
  }
}

// The block loop runs in a copy compiled for AVX2 where the CPU has it (src/vector_clones.hpp) and the
// scalar path does not: both must give the same bits, including the tail of a block whose length is not
// a multiple of the vector width and blocks that mix fast-range and fallback arguments.
TEST_CASE("block sin and cos equal the scalar evaluator bit for bit", "[expr][trigonometry]") {
  std::mt19937_64 engine(11);
  std::uniform_real_distribution<double> wide(-50.0, 50.0);
  std::uniform_real_distribution<double> huge(-1e7, 1e7);
  for (const std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{1001}, std::size_t{4099}}) {
    for (const bool mixed : {false, true}) {
      std::vector<double> xs(n);
      for (std::size_t i = 0; i < n; ++i) xs[i] = mixed && i % 5 == 0 ? huge(engine) : wide(engine);
      for (const std::string function : {"sin", "cos"}) {
        const pdoom::Expression expression = pdoom::parse_expression(function + "(x)");
        const std::vector<double> block = evaluate(function + "(x)", xs);
        for (std::size_t i = 0; i < n; ++i) {
          const double x = xs[i];
          const double scalar = pdoom::evaluate_scalar(expression, [x](std::string_view) { return x; });
          INFO(function << "(" << x << "), block of " << n);
          REQUIRE(std::bit_cast<std::uint64_t>(block[i]) == std::bit_cast<std::uint64_t>(scalar));
        }
      }
    }
  }
}
