// Inputs found by the fuzzers (fuzz/, scripts/fuzz.sh), kept as regression tests: each one once hung,
// crashed, hit undefined behaviour or broke an invariant; now it fails with a clear error, or works.
#include <pdoom/dist/distribution.hpp>
#include <pdoom/error.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <span>
#include <string>
#include <vector>

namespace {

using pdoom::ParameterError;

// The per-sample path (a conditional distribution) must reject what the constructor rejects.
void check_conditional_rejects(const std::string& constructor, const std::vector<double>& arguments) {
  std::vector<std::vector<double>> columns;
  for (const double argument : arguments) columns.push_back({argument});
  const std::vector<std::span<const double>> spans(columns.begin(), columns.end());
  const std::vector<double> p = {0.5};
  std::vector<double> out(1);
  CHECK_THROWS_AS(pdoom::quantile_conditional(constructor, spans, p, out), ParameterError);
}

// Quantiles at ordinary and extreme p: never NaN, inside the support, never decreasing.
void check_quantiles_ordered(const pdoom::Distribution& d) {
  const auto [lo, hi] = pdoom::support(d);
  double previous = lo;
  for (const double p : {1e-300, 1e-12, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-12}) {
    INFO("p = " << p);
    const double q = pdoom::quantile(d, p);
    REQUIRE(!std::isnan(q));
    CHECK(q >= previous);
    CHECK(q <= hi);
    previous = q;
  }
}

}  // namespace

TEST_CASE("beta shapes beyond a + b = 1e12 are refused instead of stalling the incomplete beta", "[dist]") {
  // beta(1e22, 1e22) took minutes per quantile in Boost's continued fraction, which then overflowed an
  // int (undefined behaviour); beta_mean(0.4%, 2.2e50) the same.
  CHECK_THROWS_WITH(pdoom::beta(1e22, 1e22), Catch::Contains("beta: a + b (2e+22) must be at most 1e+12"));
  CHECK_THROWS_AS(pdoom::beta(4e16, 1e19), ParameterError);
  CHECK_THROWS_AS(pdoom::beta(1e16, 3), ParameterError);
  CHECK_THROWS_WITH(pdoom::beta_mean(0.004, 2.2e50), Catch::Contains("beta_mean: concentration"));
  check_conditional_rejects("beta", {1e22, 1e22});
  check_conditional_rejects("beta_mean", {0.004, 2.2e50});
}

TEST_CASE("beta shapes at the bound keep exact, ordered quantiles", "[dist]") {
  // Symmetric: the median is 1/2; with a + b = 1e12 the distribution is normal to far below the
  // tolerance, sd = sqrt(ab / ((a + b)^2 (a + b + 1))).
  const double a = 5e11, b = 5e11;
  const pdoom::Distribution d = pdoom::beta(a, b);
  const double sd = std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
  // Quantiles come from a table good to 1e-9 relative (docs/distributions.md): 0.1% of sd here.
  CHECK(pdoom::quantile(d, 0.5) == Approx(0.5).epsilon(1e-9));
  CHECK(pdoom::quantile(d, 0.9) == Approx(0.5 + 1.2815515655446004 * sd).epsilon(1e-9));
  CHECK(pdoom::quantile(d, 0.9) - pdoom::quantile(d, 0.1) == Approx(2 * 1.2815515655446004 * sd).epsilon(0.01));
  check_quantiles_ordered(d);
  check_quantiles_ordered(pdoom::beta(999999999997, 3));
  check_quantiles_ordered(pdoom::beta(1e-3, 1e12 - 1));
}

TEST_CASE("gamma shapes beyond 1e10 are refused instead of giving NaN quantiles", "[dist]") {
  CHECK_THROWS_WITH(pdoom::gamma(1e20, 1), Catch::Contains("gamma: shape (1e+20) must be at most 1e+10"));
  CHECK_THROWS_AS(pdoom::gamma(1e15, 1e-300), ParameterError);
  check_conditional_rejects("gamma", {1e11, 1});
  // At the bound: the median of gamma(k) is k - 1/3 + O(1/k).
  const pdoom::Distribution d = pdoom::gamma(1e10, 1);
  CHECK(pdoom::quantile(d, 0.5) == Approx(1e10 - 1.0 / 3).epsilon(1e-14));
  check_quantiles_ordered(d);
}

TEST_CASE("ranges that overflow a double are refused instead of giving NaN", "[dist]") {
  // normal_ci(-1e308, 1e308) had sd = inf and a NaN median; triangular and pert over [-1e308, 1e308]
  // had NaN quantiles everywhere.
  CHECK_THROWS_WITH(pdoom::normal_ci(-1e308, 1e308), Catch::Contains("normal_ci: hi - lo (inf) must be a finite number"));
  CHECK_THROWS_WITH(pdoom::triangular(-1e308, 0, 1e308), Catch::Contains("max - min"));
  CHECK_THROWS_WITH(pdoom::triangular(-1e160, 0, 1e160), Catch::Contains("max - min (2e+160) must be at most 1e+150"));
  CHECK_THROWS_WITH(pdoom::pert(-1e308, 0, 1e308), Catch::Contains("max - min"));
  CHECK_THROWS_WITH(pdoom::pert(-1e308, 0, 1e307), Catch::Contains("max - min (") && Catch::Contains(") must be at most 1e+150"));
  check_conditional_rejects("pert", {-1e308, 0, 1e308});
  check_conditional_rejects("normal_ci", {-1e308, 1e308});
  // Wide but finite ranges still work (normal quantiles may overflow to -inf and inf in the tails).
  check_quantiles_ordered(pdoom::normal_ci(-1e307, 1e307));
  check_quantiles_ordered(pdoom::triangular(-4e149, 1e149, 5e149));
  check_quantiles_ordered(pdoom::pert(-1e149, 0, 9e149));
}

TEST_CASE("subnormal beta and gamma shapes and overflowing interval sds are refused", "[dist]") {
  // gamma(1e-310, 1) had NaN quantiles (Boost's incomplete gamma fails for a subnormal shape), and
  // beta(5e-324, 4) took 10 s to tabulate (subnormal arithmetic in the continued fraction); either is
  // a point at 0 to double precision. normal_ci(0, 1e300, 1e-9) had sd = inf and a NaN median.
  CHECK_THROWS_WITH(pdoom::gamma(1e-310, 1), Catch::Contains("gamma: shape (1e-310) must be at least 2.2250738585072014e-308"));
  CHECK_THROWS_WITH(pdoom::beta(5e-324, 4), Catch::Contains("beta: a (5e-324) must be at least"));
  CHECK_THROWS_WITH(pdoom::beta(4, 1e-320), Catch::Contains("beta: b (1e-320) must be at least"));
  CHECK_THROWS_WITH(pdoom::beta_mean(1e-300, 1e-10), Catch::Contains("underflows below"));
  CHECK_THROWS_WITH(pdoom::normal_ci(0, 1e300, 1e-9), Catch::Contains("normal_ci: implied sd (inf) must be a finite number"));
  CHECK_THROWS_AS(pdoom::lognormal_ci(1e-300, 1e300, 5e-324), ParameterError);
  CHECK_THROWS_AS(pdoom::logitnormal_ci(1e-300, 0.5, 5e-324), ParameterError);
  check_conditional_rejects("gamma", {1e-310, 1});
  check_conditional_rejects("beta", {5e-324, 4});
  check_conditional_rejects("normal_ci", {0, 1e300, 1e-9});
  // At the bounds: points at 0 (or 1) to double precision, ordered.
  check_quantiles_ordered(pdoom::gamma(2.2250738585072014e-308, 1));
  check_quantiles_ordered(pdoom::beta(2.2250738585072014e-308, 4));
  check_quantiles_ordered(pdoom::normal_ci(0, 1e300, 1e-6));
}

TEST_CASE("a beta with large shapes keeps ordered quantiles where Boost's incomplete beta underflows", "[dist]") {
  // beta(2^16, 19): Boost's ibeta returns 0 below about 1e-270, so the quantile at 1e-300 stopped at
  // 1 (or 1e-15 short of the root) and exceeded the one at 1e-12. Now the continued fraction takes over.
  const pdoom::Distribution d = pdoom::beta(65536, 19);
  check_quantiles_ordered(d);
  CHECK(pdoom::quantile(d, 1e-300) < pdoom::quantile(d, 1e-12));
  // F is about like x^65536 there: one ulp of x (1.1e-16) moves F by some 1e-10 relative.
  CHECK(pdoom::cdf(d, pdoom::quantile(d, 1e-300)) == Approx(1e-300).epsilon(1e-8));
  CHECK(pdoom::cdf(d, pdoom::quantile(d, 1e-280)) == Approx(1e-280).epsilon(1e-8));
}
