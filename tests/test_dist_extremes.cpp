// Quantiles at extreme shapes and probabilities, where the answer may lie below the smallest double:
// never decreasing in p, and right against Boost.Math in 50-digit arithmetic (whose exponent range holds
// quantiles like 1e-3000) or against closed-form bounds. Inputs first found by fuzz/fuzz_distribution.
#include <pdoom/dist/distribution.hpp>

#include <boost/math/special_functions/beta.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <exception>
#include <limits>
#include <vector>

namespace {

using Big = boost::multiprecision::cpp_bin_float_50;

// The fuzzer's probabilities (fuzz/fuzz_distribution.cpp): the smallest double up to the largest below 1.
constexpr double fuzz_probabilities[] = {0x1p-1074, 1e-300, 1e-12, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-12, 1 - 0x1p-53};
constexpr double smallest = std::numeric_limits<double>::denorm_min();

// Quantiles at the fuzzer's probabilities never decrease; with `table`, also those of the fast table
// (which is good to 1e-10 relative only: where the quantile is constant to double precision, as for
// lognormal(0, 1e-17), it may wiggle by an ulp, so it is checked only where the answers are exact).
void check_ordered(const pdoom::Distribution& d, bool table = false) {
  std::vector<pdoom::Distribution> variants = {d};
  if (table) variants.push_back(d.with_fast_quantile());
  for (const pdoom::Distribution& e : variants) {
    double previous = pdoom::support(e).first;
    for (const double p : fuzz_probabilities) {
      INFO(pdoom::describe(e) << " at p = " << p);
      const double x = pdoom::quantile(e, p);
      CHECK(x >= previous);
      previous = x;
    }
  }
}

// The beta(a, b) quantile in 50 digits: from I_x(a, b) = p below the median, else from the upper tail
// 1 - I_x(a, b) = 1 - p, which is exact in double for p >= 1/2.
Big reference_beta_quantile(double a, double b, const Big& p) {
  if (p < 0.5) return boost::math::ibeta_inv(Big(a), Big(b), p);
  return boost::math::ibetac_inv(Big(a), Big(b), 1 - p);
}

// The relative error of x against a 50-digit reference; a reference below the smallest double
// (beta(0.1, 4) at 1e-300 is 1.7e-3001) must give 0 or the smallest double.
double relative_error(double x, const Big& reference) {
  if (reference < smallest) return x <= smallest ? 0.0 : std::numeric_limits<double>::infinity();
  return static_cast<double>(abs(Big(x) - reference) / reference);
}

}  // namespace

TEST_CASE("a mixture's quantile far below any component's is monotone and right", "[dist]") {
  // Was 4.9e-91 at p = 1e-300, above the 2.9e-116 at p = 1e-12: the root search bisected [0, 1] by value
  // and ran out of steps 1000 binades above the root. Below p = 0.3 the point mass at 1 plays no part,
  // so the quantile is beta(0.1, 4)'s at p / 0.3.
  const pdoom::Distribution d = pdoom::mixture({0.3, 0.7}, {pdoom::beta(0.1, 4), pdoom::point(1)});
  check_ordered(d, true);
  for (const double p : {0x1p-1074, 1e-300, 1e-200, 1e-100, 1e-12, 1e-6, 0.001, 0.1, 0.29}) {
    INFO("p = " << p);
    const Big reference = reference_beta_quantile(0.1, 4, Big(p) / Big(0.3));
    // The quantile's condition number is 1 / a = 10: 5e-14 allows a cdf good to 5e-15 relative.
    CHECK(relative_error(pdoom::quantile(d, p), reference) <= 5e-14);
  }
  for (const double p : {0.3000001, 0.5, 1 - 1e-12, 1 - 0x1p-53}) CHECK(pdoom::quantile(d, p) == 1);
}

TEST_CASE("beta with a tiny first shape: every quantile below 1 - 1e-56 is below the smallest double", "[dist]") {
  // Was q(1 - 1e-12) = 6.6e-241 < q(0.999) and q(1 - 2^-53) = 0.105: P(X > x) was computed as
  // 1 - P(X <= x), which cancels completely when it is of order a. Closed form: for b >= 1,
  // P(X > x) = int_x^1 t^(a-1) (1 - t)^(b-1) dt / B(a, b) <= log(1 / x) / B(a, b), with
  // B(a, 4) = 6 / (a (a + 1) (a + 2) (a + 3)); at x = 2^-1074 that is 744.4 a = 8.2e-57 for a = 1.1e-59,
  // far below the smallest 1 - p, 2^-53. So every quantile here is 0 or the smallest double.
  const double a = 1.1e-59;
  const double tail_bound = 1074 * std::log(2.0) * a * (a + 1) * (a + 2) * (a + 3) / 6;
  REQUIRE(tail_bound < 0x1p-53);
  const pdoom::Distribution d = pdoom::beta(a, 4);
  check_ordered(d, true);
  for (const double p : fuzz_probabilities) CHECK(pdoom::quantile(d, p) <= smallest);
  // The same for the smallest shape allowed (subnormal shapes are refused), its mirror image, and
  // shapes that leave one tail in range.
  const double least = std::numeric_limits<double>::min();
  for (const double p : fuzz_probabilities) CHECK(pdoom::quantile(pdoom::beta(least, 4), p) <= smallest);
  // Mirror image: F(x) = x^4 / (4 B(4, b)) near 0 with B(4, b) ~ 1 / b = 4.5e307, so beyond p = 1e-300
  // the quantile is 1 to double precision.
  for (const double p : fuzz_probabilities) {
    if (p >= 1e-300) CHECK(pdoom::quantile(pdoom::beta(4, least), p) >= 1 - 0x1p-53);
  }
  for (const pdoom::Distribution& e : {pdoom::beta(least, 4), pdoom::beta(4, least), pdoom::beta(least, least), pdoom::beta(1e-10, 4),
                                       pdoom::beta(4, 1e-10), pdoom::beta(1e-3, 4), pdoom::beta(1e-5, 1e-3), pdoom::beta(0.01, 1e-17),
                                       pdoom::beta(65536, 19), pdoom::mixture({0.3, 0.7}, {pdoom::beta(a, 4), pdoom::point(1)})}) {
    check_ordered(e);
  }
}

TEST_CASE("beta quantiles with small first shapes agree with 50-digit Boost", "[dist]") {
  struct Case {
    double a, b;
  };
  // 1 - p is exact for each p >= 1/2 here, so the reference sees the same upper tail as pdoom.
  const std::vector<double> ps = {1e-300, 1e-12, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-6, 1 - 1e-12, 1 - 0x1p-53};
  for (const Case c : {Case{1.1e-59, 4}, Case{1e-10, 4}, Case{1e-10, 0.5}, Case{1e-3, 4}, Case{1e-3, 300}, Case{0.01, 1e6},
                       Case{0.1, 4}, Case{0.3, 200}, Case{4, 1e-10}, Case{4, 1e-3}, Case{65536, 19}}) {
    const pdoom::Distribution d = pdoom::beta(c.a, c.b);
    for (const double p : ps) {
      INFO("beta(" << c.a << ", " << c.b << ") at p = " << p);
      Big reference;
      try {
        reference = reference_beta_quantile(c.a, c.b, Big(p));
      } catch (const std::exception&) {
        continue;  // Boost's 50-digit ibeta gives up on some extreme tails (beta(4, 1e-10) at 1e-300)
      }
      const double x = pdoom::quantile(d, p);
      // Where the quantile is below 1/2, its condition number in p is 1 / (x f(x) / F(x)), near 1 / a in
      // the lower tail; error measured there in p (backward error) instead, through I_x in 50 digits.
      if (reference >= smallest && reference < 0.5 && p < 0.5) {
        const Big implied = boost::math::ibeta(Big(c.a), Big(c.b), Big(x));
        CHECK(static_cast<double>(abs(implied - p) / p) <= 1e-14);
      } else if (reference >= smallest && reference < 0.5) {
        const Big implied = boost::math::ibetac(Big(c.a), Big(c.b), Big(x));
        CHECK(static_cast<double>(abs(implied - (1 - Big(p))) / (1 - Big(p))) <= 1e-13);
      } else {
        CHECK(relative_error(x, reference) <= 1e-14);
      }
    }
  }
}
