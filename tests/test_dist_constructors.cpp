// Forecaster-friendly constructors hit their intervals; every invalid parameter throws the library's
// error naming the parameter, its value and the rule; construction by name; descriptions; supports.
#include <pdoom/dist/distribution.hpp>
#include <pdoom/error.hpp>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

using pdoom::Distribution;
using pdoom::ParameterError;

constexpr double inf = std::numeric_limits<double>::infinity();

double logistic(double x) { return 1 / (1 + std::exp(-x)); }

}  // namespace

TEST_CASE("interval constructors hit their central interval", "[dist]") {
  for (const double level : {0.9, 0.5, 0.99}) {
    const double tail = 0.5 * (1 - level);
    INFO("level " << level);
    SECTION("normal_ci") {
      const Distribution d = pdoom::normal_ci(-3, 7, level);
      REQUIRE(d.family() == pdoom::Family::normal);
      const boost::math::normal_distribution<> r(d.parameters()[0], d.parameters()[1]);
      CHECK(quantile(r, tail) == Approx(-3).epsilon(1e-12));
      CHECK(quantile(r, 1 - tail) == Approx(7).epsilon(1e-12));
    }
    SECTION("lognormal_ci") {
      const Distribution d = pdoom::lognormal_ci(0.5, 200, level);
      const boost::math::lognormal_distribution<> r(d.parameters()[0], d.parameters()[1]);
      CHECK(quantile(r, tail) == Approx(0.5).epsilon(1e-12));
      CHECK(quantile(r, 1 - tail) == Approx(200).epsilon(1e-12));
    }
    SECTION("logitnormal_ci") {
      const Distribution d = pdoom::logitnormal_ci(0.001, 0.2, level);
      const boost::math::normal_distribution<> r(d.parameters()[0], d.parameters()[1]);
      CHECK(logistic(quantile(r, tail)) == Approx(0.001).epsilon(1e-12));
      CHECK(logistic(quantile(r, 1 - tail)) == Approx(0.2).epsilon(1e-12));
    }
    SECTION("beta_ci, checked with Boost's quantile at the fitted parameters to 1e-8") {
      for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
               {0.45, 0.8}, {0.001, 0.1}, {0.9, 0.999}, {0.01, 0.99}, {0.2, 0.21}, {1e-6, 1e-3}, {0.3, 0.95}}) {
        INFO("beta_ci(" << lo << ", " << hi << ")");
        const Distribution d = pdoom::beta_ci(lo, hi, level);
        REQUIRE(d.family() == pdoom::Family::beta);
        const boost::math::beta_distribution<> r(d.parameters()[0], d.parameters()[1]);
        CHECK(std::fabs(quantile(r, tail) - lo) <= 1e-8 * lo);
        CHECK(std::fabs(quantile(r, 1 - tail) - hi) <= 1e-8 * hi);
      }
    }
  }
}

TEST_CASE("beta_ci says clearly when no beta fits", "[dist]") {
  // An interval this narrow needs a + b near 1e22, beyond where a beta is distinguishable from a point.
  CHECK_THROWS_AS(pdoom::beta_ci(0.5, 0.5 + 1e-11), ParameterError);
  CHECK_THROWS_WITH(pdoom::beta_ci(0.5, 0.5 + 1e-11), Catch::Matchers::StartsWith("beta_ci: no beta distribution has [0.5, 0.50000000001] as its central 90% interval"));
}

TEST_CASE("beta_mean and pert have the stated means", "[dist]") {
  const Distribution b = pdoom::beta_mean(0.2, 50);
  CHECK(b.parameters()[0] == Approx(10));
  CHECK(b.parameters()[1] == Approx(40));
  CHECK(pdoom::mean(b) == Approx(0.2));
  CHECK(pdoom::mean(pdoom::pert(0, 1, 5)) == Approx((0 + 4 * 1 + 5) / 6.0));
  CHECK(pdoom::mean(pdoom::triangular(0, 1, 5)) == Approx(2));
}

TEST_CASE("every invalid parameter throws ParameterError naming the parameter, value and rule", "[dist]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::function<Distribution()>, std::string>> bad{
      {[] { return pdoom::point(inf); }, "point: x (inf) must be a finite number"},
      {[&] { return pdoom::point(nan); }, "point: x (nan) must be a number"},
      {[] { return pdoom::uniform(2, 1); }, "uniform: a (2) must be below b (1)"},
      {[] { return pdoom::uniform(1, 1); }, "uniform: a (1) must be below b (1)"},
      {[] { return pdoom::uniform(-inf, 1); }, "uniform: a (-inf) must be a finite number"},
      {[] { return pdoom::loguniform(0, 1); }, "loguniform: a (0) must be a positive finite number"},
      {[] { return pdoom::loguniform(5, 2); }, "loguniform: a (5) must be below b (2)"},
      {[] { return pdoom::normal(0, 0); }, "normal: sd (0) must be a positive finite number"},
      {[] { return pdoom::normal(0, -1); }, "normal: sd (-1) must be a positive finite number"},
      {[&] { return pdoom::normal(nan, 1); }, "normal: mean (nan) must be a number"},
      {[] { return pdoom::normal_ci(3, 1); }, "normal_ci: lo (3) must be below hi (1)"},
      {[] { return pdoom::normal_ci(1, 3, 1.5); }, "normal_ci: level (1.5) must lie strictly between 0 and 1"},
      {[] { return pdoom::normal_ci(1, 3, 0); }, "normal_ci: level (0) must lie strictly between 0 and 1"},
      {[] { return pdoom::lognormal(0, 0); }, "lognormal: sigma (0) must be a positive finite number"},
      {[] { return pdoom::lognormal(inf, 1); }, "lognormal: mu (inf) must be a finite number"},
      {[] { return pdoom::lognormal_ci(-1, 3); }, "lognormal_ci: lo (-1) must be a positive finite number"},
      {[] { return pdoom::lognormal_ci(4, 3); }, "lognormal_ci: lo (4) must be below hi (3)"},
      {[] { return pdoom::beta(0, 1); }, "beta: a (0) must be a positive finite number"},
      {[] { return pdoom::beta(1, -2); }, "beta: b (-2) must be a positive finite number"},
      {[] { return pdoom::beta_ci(0.9, 0.1); }, "beta_ci: lo (0.9) must be below hi (0.1)"},
      {[] { return pdoom::beta_ci(0, 0.1); }, "beta_ci: lo (0) must lie strictly between 0 and 1"},
      {[] { return pdoom::beta_ci(0.1, 1); }, "beta_ci: hi (1) must lie strictly between 0 and 1"},
      {[] { return pdoom::beta_ci(0.1, 0.2, 1); }, "beta_ci: level (1) must lie strictly between 0 and 1"},
      {[] { return pdoom::beta_mean(1, 10); }, "beta_mean: mean (1) must lie strictly between 0 and 1"},
      {[] { return pdoom::beta_mean(0.5, 0); }, "beta_mean: concentration (0) must be a positive finite number"},
      {[] { return pdoom::logitnormal(0, 0); }, "logitnormal: sigma (0) must be a positive finite number"},
      {[] { return pdoom::logitnormal_ci(0.3, 0.2); }, "logitnormal_ci: lo (0.3) must be below hi (0.2)"},
      {[] { return pdoom::logitnormal_ci(0.3, 1.2); }, "logitnormal_ci: hi (1.2) must lie strictly between 0 and 1"},
      {[] { return pdoom::triangular(0, 2, 1); }, "triangular: mode (2) must lie in [min, max] = [0, 1]"},
      {[] { return pdoom::triangular(1, 1, 1); }, "triangular: min (1) must be below max (1)"},
      {[] { return pdoom::pert(0, -1, 1); }, "pert: mode (-1) must lie in [min, max] = [0, 1]"},
      {[] { return pdoom::pert(2, 2, 0); }, "pert: min (2) must be below max (0)"},
      {[] { return pdoom::gamma(0, 1); }, "gamma: shape (0) must be a positive finite number"},
      {[] { return pdoom::gamma(1, inf); }, "gamma: scale (inf) must be a positive finite number"},
      {[] { return pdoom::bernoulli(1.5); }, "bernoulli: p (1.5) must lie in [0, 1]"},
      {[] { return pdoom::bernoulli(-0.1); }, "bernoulli: p (-0.1) must lie in [0, 1]"},
      {[] { return pdoom::mixture({}, {}); }, "mixture: needs at least one component"},
      {[] { return pdoom::mixture({1}, {pdoom::point(0), pdoom::point(1)}); }, "mixture: 1 weights for 2 components"},
      {[] { return pdoom::mixture({1, -1}, {pdoom::point(0), pdoom::point(1)}); },
       "mixture: weight 2 (-1) must be a non-negative finite number"},
      {[] { return pdoom::mixture({0, 0}, {pdoom::point(0), pdoom::point(1)}); },
       "mixture: the weights must have a positive finite sum (got 0)"},
      {[] { return pdoom::truncated(pdoom::normal(0, 1), 2, 1); }, "truncated: lo (2) must be below hi (1)"},
      {[] { return pdoom::truncated(pdoom::uniform(0, 1), 2, 3); },
       "truncated: the interval [2, 3] has no probability under uniform(0, 1)"},
      {[] { return pdoom::truncated(pdoom::empirical({1, 2}), 1.2, 1.8); },
       "truncated: the interval [1.2, 1.8] has no probability under empirical(1, 2)"},
      {[] { return pdoom::empirical({}); }, "empirical: needs at least one value"},
      {[] { return pdoom::empirical({1, inf}); }, "empirical: value 2 (inf) must be a finite number"},
  };
  for (const auto& [make, message] : bad) {
    INFO(message);
    CHECK_THROWS_AS(make(), ParameterError);
    CHECK_THROWS_WITH(make(), message);
  }
  // ParameterError is the library's error type.
  CHECK_THROWS_AS(pdoom::beta(0, 1), pdoom::Error);
}

TEST_CASE("make_distribution builds by name and checks arity and argument kinds", "[dist]") {
  using Args = std::vector<pdoom::DistributionArgument>;
  const Distribution b = pdoom::make_distribution("beta_ci", Args{0.45, 0.8});
  CHECK(b.written() == "beta_ci(0.45, 0.8)");
  CHECK(b.family() == pdoom::Family::beta);
  CHECK(pdoom::make_distribution("beta_ci", Args{0.45, 0.8, 0.5}).written() == "beta_ci(0.45, 0.8, 0.5)");
  const Distribution m = pdoom::make_distribution("mixture", Args{0.3, pdoom::beta(2, 5), 0.7, pdoom::point(0)});
  CHECK(m.written() == "mixture(0.3, beta(2, 5), 0.7, point(0))");
  CHECK(m.values().size() == 2);
  CHECK(m.values()[0] == Approx(0.3));
  const Distribution t = pdoom::make_distribution("truncated", Args{pdoom::normal(0, 1), 0.0, inf});
  CHECK(t.written() == "truncated(normal(0, 1), 0, inf)");
  CHECK(pdoom::make_distribution("empirical", Args{3.0, 1.0, 2.0}).written() == "empirical(3, 1, 2)");

  CHECK_THROWS_WITH(pdoom::make_distribution("betta", Args{1.0, 2.0}), Catch::Matchers::StartsWith("unknown distribution 'betta'"));
  CHECK_THROWS_WITH(pdoom::make_distribution("beta", Args{1.0}), "beta: takes 2 arguments, got 1");
  CHECK_THROWS_WITH(pdoom::make_distribution("beta_ci", Args{0.1, 0.2, 0.9, 1.0}), "beta_ci: takes 2 or 3 arguments, got 4");
  CHECK_THROWS_WITH(pdoom::make_distribution("point", Args{}), "point: takes 1 argument, got 0");
  CHECK_THROWS_WITH(pdoom::make_distribution("mixture", Args{0.3, pdoom::point(1), 0.7}),
                    "mixture: takes pairs of a weight and a distribution (w1, d1, w2, d2, ...), got 3 arguments");
  CHECK_THROWS_WITH(pdoom::make_distribution("mixture", Args{0.3, 1.0}), "mixture: argument 2 must be a distribution, got a number");
  CHECK_THROWS_WITH(pdoom::make_distribution("beta", Args{pdoom::point(1), 2.0}), "beta: argument 1 must be a number, got a distribution");
  CHECK_THROWS_AS(pdoom::make_distribution("normal", Args{0.0, -1.0}), ParameterError);

  CHECK(pdoom::distribution_constructors().size() == 19);
  CHECK(pdoom::distribution_constructors().front() == "point");
  CHECK(pdoom::argument_is_distribution("mixture", 1));
  CHECK_FALSE(pdoom::argument_is_distribution("mixture", 2));
  CHECK(pdoom::argument_is_distribution("truncated", 0));
  CHECK_FALSE(pdoom::argument_is_distribution("beta", 0));
}

TEST_CASE("quantile rejects probabilities outside [0, 1] and gives the support's ends at 0 and 1", "[dist]") {
  const Distribution d = pdoom::beta(2, 3);
  CHECK_THROWS_WITH(pdoom::quantile(d, 1.5), "quantile: p (1.5) must lie in [0, 1]");
  CHECK_THROWS_AS(pdoom::quantile(d, std::numeric_limits<double>::quiet_NaN()), ParameterError);
  CHECK(pdoom::quantile(d, 0) == 0);
  CHECK(pdoom::quantile(d, 1) == 1);
  CHECK(pdoom::quantile(pdoom::normal(0, 1), 0) == -inf);
  CHECK(pdoom::quantile(pdoom::triangular(1, 2, 4).with_fast_quantile(), 1) == 4);
}

TEST_CASE("supports, probabilities and medians", "[dist]") {
  CHECK(pdoom::support(pdoom::beta(2, 3)) == std::pair<double, double>{0, 1});
  CHECK(pdoom::support(pdoom::normal(0, 1)) == std::pair<double, double>{-inf, inf});
  CHECK(pdoom::support(pdoom::gamma(2, 1)) == std::pair<double, double>{0, inf});
  CHECK(pdoom::support(pdoom::pert(1, 2, 5)) == std::pair<double, double>{1, 5});
  CHECK(pdoom::support(pdoom::bernoulli(0)) == std::pair<double, double>{0, 0});
  CHECK(pdoom::support(pdoom::truncated(pdoom::normal(0, 1), -1, inf)) == std::pair<double, double>{-1, inf});
  CHECK(pdoom::support(pdoom::truncated(pdoom::empirical({1, 2, 3, 4}), 1.5, 3.5)) == std::pair<double, double>{2, 3});
  CHECK(pdoom::support(pdoom::mixture({1, 1}, {pdoom::uniform(0, 1), pdoom::point(3)})) == std::pair<double, double>{0, 3});
  CHECK(pdoom::is_probability(pdoom::beta_ci(0.1, 0.3)));
  CHECK(pdoom::is_probability(pdoom::logitnormal_ci(0.01, 0.3)));
  CHECK(pdoom::is_probability(pdoom::mixture({1, 1}, {pdoom::beta(2, 2), pdoom::point(0)})));
  CHECK_FALSE(pdoom::is_probability(pdoom::normal(0.5, 0.1)));
  CHECK(pdoom::is_probability(pdoom::truncated(pdoom::normal(0.5, 0.1), 0, 1)));
  CHECK(pdoom::median(pdoom::lognormal(std::log(3.0), 1)) == Approx(3).epsilon(1e-14));
}

TEST_CASE("describe gives the family, parameters, mean and 90% interval", "[dist]") {
  const boost::math::beta_distribution<> r(2.31, 4.02);
  const std::string text = pdoom::describe(pdoom::beta(2.31, 4.02));
  CHECK(text == "beta(2.31, 4.02): mean 0.365, 90% CI [0.0997, 0.682]");
  // The numbers above are Boost's, to three significant digits:
  CHECK(quantile(r, 0.05) == Approx(0.0997).margin(5e-5));
  CHECK(quantile(r, 0.95) == Approx(0.682).margin(5e-4));
  CHECK(mean(r) == Approx(0.365).margin(5e-4));
  CHECK(pdoom::describe(pdoom::normal_ci(1, 3)) == "normal_ci(1, 3) = normal(2, 0.608): mean 2, 90% CI [1, 3]");
  CHECK(pdoom::describe(pdoom::mixture({1, 3}, {pdoom::point(0), pdoom::uniform(0, 1)})) ==
        "mixture(0.25, point(0), 0.75, uniform(0, 1)): mean 0.375, 90% CI [0, 0.933]");
  CHECK(pdoom::describe(pdoom::empirical({1, 2, 3})).rfind("empirical(3 values): mean 2", 0) == 0);
  CHECK(pdoom::describe_in_words(pdoom::beta_ci(0.45, 0.8)) == "between 45% and 80%, 90% credible");
  CHECK(pdoom::describe_in_words(pdoom::lognormal_ci(0.1, 3.2)) == "between 0.1 and 3.2, 90% credible");
  CHECK(pdoom::describe_in_words(pdoom::beta_ci(0.001, 0.02)) == "between 0.1% and 2%, 90% credible");
  CHECK(pdoom::describe_in_words(pdoom::point(3)) == "exactly 3");
  CHECK(pdoom::describe_in_words(pdoom::beta_ci(0.9, 0.999)) == "between 90% and 99.9%, 90% credible");
}

TEST_CASE("distributions are cheap value types that keep what they were written as", "[dist]") {
  const Distribution a = pdoom::pert(0, 1, 4);
  const Distribution copy = a;  // NOLINT(performance-unnecessary-copy-initialization)
  CHECK(copy.written() == "pert(0, 1, 4)");
  CHECK(&copy.state() == &a.state());
  CHECK(pdoom::family_name(a.family()) == "pert");
  CHECK(Distribution().written() == "point(0)");
  CHECK(pdoom::beta(2, 3).with_fast_quantile().written() == "beta(2, 3)");
  CHECK(pdoom::normal(0, 1).has_fast_quantile());
  CHECK_FALSE(pdoom::beta(2, 3).has_fast_quantile());
}
