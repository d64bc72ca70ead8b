// Quantile accuracy: the exact quantile functions and the fast tables against Boost.Math on fine grids
// reaching 1e-12 into both tails, draws against Boost's quantile at the same uniform, and the path for
// parameters that change from sample to sample.
#include <pdoom/dist/distribution.hpp>
#include <pdoom/error.hpp>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/tools/roots.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace {

using pdoom::Distribution;

// u from 1e-12 to 1 - 1e-12: log-spaced into both tails (so each decade gets `per_decade` points) and
// evenly spaced in between.
std::vector<double> tail_grid(int per_decade, int linear) {
  std::vector<double> u;
  for (int i = 0; i <= 12 * per_decade; ++i) {
    const double v = std::pow(10.0, -12.0 + static_cast<double>(i) / per_decade) * 0.5;
    u.push_back(v);
    u.push_back(1 - v);
  }
  for (int i = 1; i < linear; ++i) u.push_back(static_cast<double>(i) / linear);
  std::sort(u.begin(), u.end());
  return u;
}

// The relative error of a beta quantile against Boost. Boost 1.74's inverse is not always right: it
// throws in some tails (boostorg/math#961) and returns 0.5000000002 for the median of beta(0.3, 0.3),
// which is exactly 0.5 by symmetry. So the candidate also gets the verdict of Boost's forward function,
// which is accurate to a few ulp: the relative error in x implied by |I_x(a, b) - u| / (x * density).
// The smaller of the two verdicts counts.
double beta_relative_error(double a, double b, double u, double candidate) {
  double forward = std::numeric_limits<double>::infinity();
  try {  // the density overflows where the quantile rounds to 0 or 1
    const double residual = u < 0.5 ? boost::math::ibeta(a, b, candidate) - u : (1 - u) - boost::math::ibetac(a, b, candidate);
    forward = std::fabs(residual) / (candidate * boost::math::ibeta_derivative(a, b, candidate));
  } catch (const std::exception&) {
  }
  try {
    const double expected = quantile(boost::math::beta_distribution<>(a, b), u);
    return std::min(forward, std::fabs(candidate - expected) / expected);
  } catch (const std::exception&) {
    return forward;
  }
}

// Inverts a mixture's cdf with Boost's TOMS 748; above the median from the summed upper tails, since
// 1 - F(x) computed as a difference loses everything in the far upper tail.
template <class D1, class D2>
double mixture_reference(const D1& first, const D2& second, double w, double lo, double hi, double u) {
  const auto f = [&](double t) {
    if (u < 0.5) return w * cdf(first, t) + (1 - w) * cdf(second, t) - u;
    return (1 - u) - (w * cdf(complement(first, t)) + (1 - w) * cdf(complement(second, t)));
  };
  boost::uintmax_t iterations = 300;
  const auto root = boost::math::tools::toms748_solve(f, lo, hi, boost::math::tools::eps_tolerance<double>(52), iterations);
  return 0.5 * (root.first + root.second);
}

struct Case {
  std::string name;
  Distribution d;
  std::function<double(double u, double candidate)> relative_error;  // against Boost
};

double relative(double candidate, double expected, double zero_scale = 0) {
  return std::fabs(candidate - expected) / std::max(std::fabs(expected), zero_scale);
}

std::vector<Case> cases() {
  std::vector<Case> all;
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{
           {2.31, 4.02}, {0.5, 0.5}, {0.1, 3}, {50, 200}, {2, 0.2}, {1, 1}, {0.3, 0.3}, {12, 0.7}, {1500, 30}}) {
    all.push_back({"beta(" + std::to_string(a) + ", " + std::to_string(b) + ")", pdoom::beta(a, b),
                   [a = a, b = b](double u, double x) { return beta_relative_error(a, b, u, x); }});
  }
  {
    // pert(0.1, 0.2, 0.7) = 0.1 + 0.6 Beta(1 + 4/6, 1 + 20/6)
    const double a = 1 + 4 * 0.1 / 0.6, b = 1 + 4 * 0.5 / 0.6;
    all.push_back({"pert", pdoom::pert(0.1, 0.2, 0.7), [a, b](double u, double x) {
                     const double expected = 0.1 + 0.6 * quantile(boost::math::beta_distribution<>(a, b), u);
                     return relative(x, expected);
                   }});
  }
  for (const auto& [shape, scale] : std::vector<std::pair<double, double>>{{2.5, 3}, {0.3, 1}, {50, 0.1}, {1, 2}}) {
    all.push_back({"gamma(" + std::to_string(shape) + ", " + std::to_string(scale) + ")", pdoom::gamma(shape, scale),
                   [shape = shape, scale = scale](double u, double x) {
                     return relative(x, quantile(boost::math::gamma_distribution<>(shape, scale), u));
                   }});
  }
  all.push_back({"lognormal", pdoom::lognormal(-1, 2), [](double u, double x) {
                   return relative(x, quantile(boost::math::lognormal_distribution<>(-1, 2), u));
                 }});
  all.push_back({"logitnormal", pdoom::logitnormal(-3, 1.5), [](double u, double x) {
                   return relative(x, 1 / (1 + std::exp(-(-3 + 1.5 * quantile(boost::math::normal_distribution<>(), u)))));
                 }});
  {
    // beta(2, 5) truncated to [0.1, 0.6]: Boost's quantile at the rescaled probability.
    const boost::math::beta_distribution<> r(2, 5);
    const double pl = cdf(r, 0.1), mass = cdf(r, 0.6) - pl;
    all.push_back({"truncated beta", pdoom::truncated(pdoom::beta(2, 5), 0.1, 0.6),
                   [=](double u, double x) { return relative(x, quantile(r, pl + u * mass)); }});
  }
  {
    // Mixture of two betas: the reference inverts the Boost mixture cdf with TOMS 748.
    const boost::math::beta_distribution<> r1(2, 8), r2(6, 2);
    all.push_back({"mixture of betas", pdoom::mixture({0.3, 0.7}, {pdoom::beta(2, 8), pdoom::beta(6, 2)}),
                   [=](double u, double x) { return relative(x, mixture_reference(r1, r2, 0.3, 0.0, 1.0, u)); }});
  }
  {
    // A mixture that crosses zero: errors there are measured against 1e-3 of the interquartile range.
    const boost::math::normal_distribution<> r1(-1, 0.5), r2(2, 1);
    const double iqr_floor = 1e-3 * 2.4;  // interquartile range of this mixture is about 2.4
    all.push_back({"mixture of normals", pdoom::mixture({0.5, 0.5}, {pdoom::normal(-1, 0.5), pdoom::normal(2, 1)}),
                   [=](double u, double x) { return relative(x, mixture_reference(r1, r2, 0.5, -20.0, 20.0, u), iqr_floor); }});
  }
  return all;
}

}  // namespace

TEST_CASE("exact quantiles agree with Boost to 1e-10 from 1e-12 to 1 - 1e-12", "[dist]") {
  const auto grid = tail_grid(4, 50);
  for (const auto& c : cases()) {
    INFO(c.name);
    double worst = 0, worst_u = 0;
    for (const double u : grid) {
      const double e = c.relative_error(u, pdoom::quantile(c.d, u));
      if (!(e <= worst)) worst = e, worst_u = u;
    }
    INFO("worst at u = " << worst_u);
    CHECK(worst <= 1e-10);
  }
}

TEST_CASE("fast quantile tables agree with Boost to 1e-9 on a fine grid, tails included", "[dist]") {
  // 40 points per decade from 1e-12 to 0.5 in both tails and 2000 in between: every table segment in
  // the covered octaves is hit several times, and the far tails exercise the exact fall-back.
  const auto grid = tail_grid(40, 2000);
  for (const auto& c : cases()) {
    const Distribution fast = c.d.with_fast_quantile();
    INFO(c.name);
    REQUIRE(fast.has_fast_quantile());
    double worst = 0, worst_u = 0;
    for (const double u : grid) {
      const double e = c.relative_error(u, pdoom::quantile(fast, u));
      if (!(e <= worst)) worst = e, worst_u = u;
    }
    INFO("worst at u = " << worst_u);
    CHECK(worst <= 1e-9);
  }
}

TEST_CASE("a fast draw equals Boost's quantile at the same uniform", "[dist]") {
  // sample() is quantile(uniform_open(engine)): replay the engine to get the uniform and compare.
  const Distribution fast = pdoom::beta(2.31, 4.02).with_fast_quantile();
  const boost::math::beta_distribution<> r(2.31, 4.02);
  pdoom::Engine engine = pdoom::make_stream(7, "draws", 0);
  pdoom::Engine replay = engine;
  double worst = 0;
  for (int i = 0; i < 20000; ++i) {
    const double x = pdoom::sample(fast, engine);
    const double u = pdoom::uniform_open(replay);
    worst = std::max(worst, std::fabs(x - quantile(r, u)) / quantile(r, u));
  }
  CHECK(worst <= 1e-9);
}

TEST_CASE("block quantiles equal scalar quantiles", "[dist]") {
  const auto grid = tail_grid(2, 100);
  for (const auto& c : cases()) {
    INFO(c.name);
    for (const Distribution& d : {c.d, c.d.with_fast_quantile()}) {
      std::vector<double> out(grid.size());
      pdoom::quantile(d, grid, out);
      for (std::size_t i = 0; i < grid.size(); ++i) CHECK(out[i] == pdoom::quantile(d, grid[i]));
    }
  }
}

TEST_CASE("block quantiles of the closed-form families equal scalar quantiles", "[dist]") {
  // The block path has its own loops for these families when every p is inside (0, 1), and falls back
  // to the per-value path otherwise: both must give exactly the scalar values, and a p outside [0, 1]
  // anywhere in the block must still be an error.
  std::vector<double> interior = tail_grid(3, 200);
  interior.erase(std::remove_if(interior.begin(), interior.end(), [](double p) { return !(p > 0 && p < 1); }),
                 interior.end());
  std::vector<double> with_ends = interior;
  with_ends.insert(with_ends.begin() + 7, 0.0);
  with_ends.push_back(1.0);
  const std::vector<Distribution> families{pdoom::uniform(-3, 2),  pdoom::normal(1, 2),  pdoom::bernoulli(0.3),
                                           pdoom::point(0.25),     pdoom::triangular(0, 0.2, 1),
                                           pdoom::uniform(0.1, 0.3)};
  for (const Distribution& d : families) {
    for (const auto* grid : {&interior, &with_ends}) {
      std::vector<double> out(grid->size());
      pdoom::quantile(d, *grid, out);
      for (std::size_t i = 0; i < grid->size(); ++i) {
        INFO("p = " << (*grid)[i]);
        CHECK(out[i] == pdoom::quantile(d, (*grid)[i]));
      }
    }
    for (const double bad : {-0.5, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
      std::vector<double> grid = interior;
      grid[grid.size() / 2] = bad;
      std::vector<double> out(grid.size());
      CHECK_THROWS_AS(pdoom::quantile(d, grid, out), pdoom::ParameterError);
    }
  }
}

TEST_CASE("conditional quantiles with per-sample parameters agree with Boost", "[dist]") {
  // beta_mean(m, 20) with m varying over the block, as when the mean is another node.
  const std::size_t n = 2000;
  std::vector<double> means(n), concentration(n, 20), p(n), out(n);
  pdoom::Engine engine = pdoom::make_stream(3, "conditional", 0);
  for (std::size_t i = 0; i < n; ++i) {
    means[i] = 0.02 + 0.96 * pdoom::uniform_open(engine);
    p[i] = pdoom::uniform_open(engine);
  }
  const std::vector<std::span<const double>> arguments{means, concentration};
  pdoom::quantile_conditional("beta_mean", arguments, p, out);
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = means[i] * 20, b = (1 - means[i]) * 20;
    worst = std::max(worst, beta_relative_error(a, b, p[i], out[i]));
    // The same value as building the distribution for this sample.
    REQUIRE(out[i] == pdoom::quantile(pdoom::make_distribution("beta_mean", {means[i], 20.0}), p[i]));
  }
  CHECK(worst <= 1e-10);

  SECTION("normal with a varying mean") {
    std::vector<double> sd(n, 0.5), normal_out(n);
    const std::vector<std::span<const double>> normal_arguments{means, sd};
    pdoom::quantile_conditional("normal", normal_arguments, p, normal_out);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(normal_out[i] == Approx(quantile(boost::math::normal_distribution<>(means[i], 0.5), p[i])).epsilon(1e-12).margin(1e-14));
    }
  }
  SECTION("an invalid sample throws the constructor's error") {
    means[5] = 1.5;
    CHECK_THROWS_WITH(pdoom::quantile_conditional("beta_mean", arguments, p, out),
                      "beta_mean: mean (1.5) must lie strictly between 0 and 1");
  }
}

TEST_CASE("quantiles and draws never leave the support", "[dist]") {
  // beta_mean(0.95, 3) = beta(2.85, 0.15): its quantile is within 1e-16 of 1 over the top 0.5% of u,
  // where a polynomial or a rescaling may land an ulp beyond 1; a probability above 1 is an error
  // downstream (found by the carlsmith-2022 model test).
  const std::vector<Distribution> bounded{pdoom::beta_mean(0.95, 3), pdoom::beta_mean(0.05, 3), pdoom::beta(0.1, 0.1),
                                          pdoom::pert(0, 0.999, 1), pdoom::pert(-1, -1, 1), pdoom::triangular(0, 1, 1),
                                          pdoom::uniform(0.1, 0.3), pdoom::loguniform(1e-3, 0.7), pdoom::logitnormal(4, 3),
                                          pdoom::truncated(pdoom::normal(1, 0.01), 0, 1),
                                          pdoom::mixture({0.5, 0.5}, {pdoom::beta(5, 0.2), pdoom::beta(0.2, 5)})};
  const auto grid = tail_grid(20, 1000);
  for (const auto& base : bounded) {
    const auto [lo, hi] = pdoom::support(base);
    for (const Distribution& d : {base, base.with_fast_quantile()}) {
      INFO(d.written() << (d.has_fast_quantile() ? " (fast)" : ""));
      int outside = 0;
      for (const double u : grid) {
        const double x = pdoom::quantile(d, u);
        outside += !(x >= lo && x <= hi);
      }
      pdoom::Engine engine = pdoom::make_stream(11, "support", 0);
      for (int i = 0; i < 100000; ++i) {
        const double x = pdoom::sample(d, engine);
        outside += !(x >= lo && x <= hi);
      }
      CHECK(outside == 0);
    }
  }
}
