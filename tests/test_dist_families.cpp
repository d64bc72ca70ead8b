// Every distribution family against Boost.Math: chi-square goodness of fit of the sampler, sample
// moments against analytic ones, spot quantiles and cdf values, and reproducible streams.
#include <pdoom/dist/distribution.hpp>
#include <pdoom/error.hpp>

#include <boost/math/distributions/bernoulli.hpp>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/roots.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

using pdoom::Distribution;

// One family with its reference functions, all from Boost.Math or closed forms.
struct Reference {
  std::string name;
  Distribution d;
  std::function<double(double)> quantile;
  std::function<double(double)> cdf;
  double mean;
  double variance;
};

double logistic(double x) { return 1 / (1 + std::exp(-x)); }

// E[g(X)] for X = logistic(mu + sigma Z), by Boost's Gauss-Kronrod over the normal density.
double logitnormal_expectation(double mu, double sigma, const std::function<double(double)>& g) {
  const boost::math::normal_distribution<> z;
  return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
      [&](double t) { return g(logistic(mu + sigma * t)) * pdf(z, t); }, -40.0, 40.0, 15, 1e-14);
}

// The mixture reference: Boost cdfs summed, inverted by Boost's TOMS 748 root finder.
double mixture_reference_quantile(const std::vector<double>& w, const std::vector<std::function<double(double)>>& cdfs,
                                  double lo, double hi, double p) {
  const auto f = [&](double x) {
    double total = 0;
    for (std::size_t i = 0; i < w.size(); ++i) total += w[i] * cdfs[i](x);
    return total - p;
  };
  boost::uintmax_t iterations = 200;
  const auto r = boost::math::tools::toms748_solve(f, lo, hi, boost::math::tools::eps_tolerance<double>(50), iterations);
  return 0.5 * (r.first + r.second);
}

std::vector<Reference> continuous_references() {
  namespace bm = boost::math;
  std::vector<Reference> refs;
  {
    const bm::uniform_distribution<> r(-2, 5);
    refs.push_back({"uniform", pdoom::uniform(-2, 5), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    // loguniform(a, b): closed forms, log X uniform on [log a, log b].
    const double a = 0.01, b = 10, span = std::log(b / a);
    refs.push_back({"loguniform", pdoom::loguniform(a, b), [=](double p) { return a * std::pow(b / a, p); },
                    [=](double x) { return std::log(x / a) / span; }, (b - a) / span,
                    (b * b - a * a) / (2 * span) - ((b - a) / span) * ((b - a) / span)});
  }
  {
    const bm::normal_distribution<> r(1.5, 0.7);
    refs.push_back({"normal", pdoom::normal(1.5, 0.7), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    const bm::lognormal_distribution<> r(-1, 0.8);
    refs.push_back({"lognormal", pdoom::lognormal(-1, 0.8), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    const bm::beta_distribution<> r(2.31, 4.02);
    refs.push_back({"beta", pdoom::beta(2.31, 4.02), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    const bm::beta_distribution<> r(0.4, 0.7);  // U-shaped: both ends singular
    refs.push_back({"beta U-shaped", pdoom::beta(0.4, 0.7), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    const double mu = -2.5, sigma = 1.2;
    const bm::normal_distribution<> z;
    const double m = logitnormal_expectation(mu, sigma, [](double x) { return x; });
    const double v = logitnormal_expectation(mu, sigma, [m](double x) { return (x - m) * (x - m); });
    refs.push_back({"logitnormal", pdoom::logitnormal(mu, sigma),
                    [=](double p) { return logistic(mu + sigma * quantile(z, p)); },
                    [=](double x) { return cdf(z, (std::log(x / (1 - x)) - mu) / sigma); }, m, v});
  }
  {
    const bm::triangular_distribution<> r(1, 2, 6);
    refs.push_back({"triangular", pdoom::triangular(1, 2, 6), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    // pert(min, mode, max) = min + (max - min) Beta(1 + 4 (mode - min) / range, 1 + 4 (max - mode) / range).
    const double lo = 10, mode = 20, hi = 60, range = hi - lo;
    const bm::beta_distribution<> r(1 + 4 * (mode - lo) / range, 1 + 4 * (hi - mode) / range);
    refs.push_back({"pert", pdoom::pert(lo, mode, hi), [=](double p) { return lo + range * quantile(r, p); },
                    [=](double x) { return cdf(r, (x - lo) / range); }, lo + range * mean(r), range * range * variance(r)});
  }
  {
    const bm::gamma_distribution<> r(2.5, 3);
    refs.push_back({"gamma", pdoom::gamma(2.5, 3), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    const bm::gamma_distribution<> r(0.3, 1);  // shape < 1: density singular at 0
    refs.push_back({"gamma small shape", pdoom::gamma(0.3, 1), [=](double p) { return quantile(r, p); },
                    [=](double x) { return cdf(r, x); }, mean(r), variance(r)});
  }
  {
    // Two-component mixture of a beta and a normal; reference quantile inverts the Boost mixture cdf.
    const bm::beta_distribution<> b(2, 8);
    const bm::normal_distribution<> n(0.6, 0.1);
    const std::vector<double> w{0.3, 0.7};
    const std::vector<std::function<double(double)>> cdfs{[=](double x) { return cdf(b, std::clamp(x, 0.0, 1.0)); },
                                                          [=](double x) { return cdf(n, x); }};
    const double m = w[0] * mean(b) + w[1] * mean(n);
    const double v = w[0] * (variance(b) + (mean(b) - m) * (mean(b) - m)) + w[1] * (variance(n) + (mean(n) - m) * (mean(n) - m));
    refs.push_back({"mixture", pdoom::mixture({3, 7}, {pdoom::beta(2, 8), pdoom::normal(0.6, 0.1)}),
                    [=](double p) { return mixture_reference_quantile(w, cdfs, -1.0, 2.0, p); },
                    [=](double x) { return w[0] * cdfs[0](x) + w[1] * cdfs[1](x); }, m, v});
  }
  {
    // normal(0, 1) truncated to [-0.5, 2]: Boost normal quantile at the rescaled probability; moments in closed form.
    const bm::normal_distribution<> z;
    const double lo = -0.5, hi = 2, pl = cdf(z, lo), mass = cdf(z, hi) - pl;
    const double phi_lo = pdf(z, lo), phi_hi = pdf(z, hi);
    const double m = (phi_lo - phi_hi) / mass;
    const double v = 1 + (lo * phi_lo - hi * phi_hi) / mass - m * m;
    refs.push_back({"truncated", pdoom::truncated(pdoom::normal(0, 1), lo, hi), [=](double p) { return quantile(z, pl + p * mass); },
                    [=](double x) { return (cdf(z, std::clamp(x, lo, hi)) - pl) / mass; }, m, v});
  }
  return refs;
}

struct SampleMoments {
  double mean = 0;
  double variance = 0;
  double fourth = 0;  // fourth central moment
};

SampleMoments moments_of(const std::vector<double>& x) {
  SampleMoments m;
  for (const double v : x) m.mean += v;
  m.mean /= static_cast<double>(x.size());
  for (const double v : x) {
    const double d2 = (v - m.mean) * (v - m.mean);
    m.variance += d2;
    m.fourth += d2 * d2;
  }
  m.variance /= static_cast<double>(x.size() - 1);
  m.fourth /= static_cast<double>(x.size());
  return m;
}

std::vector<double> draw(const Distribution& d, const std::string& key, std::size_t n) {
  pdoom::Engine engine = pdoom::make_stream(pdoom::default_seed, key, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = pdoom::sample(d, engine);
  return x;
}

// The chi-square statistic of the draws over k bins that are equiprobable under the reference quantile.
double chi_square(const std::vector<double>& x, const std::function<double(double)>& reference_quantile, int k) {
  std::vector<double> edges;
  for (int i = 1; i < k; ++i) edges.push_back(reference_quantile(static_cast<double>(i) / k));
  std::vector<double> counts(static_cast<std::size_t>(k), 0);
  for (const double v : x) counts[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin())] += 1;
  const double expected = static_cast<double>(x.size()) / k;
  double statistic = 0;
  for (const double c : counts) statistic += (c - expected) * (c - expected) / expected;
  return statistic;
}

}  // namespace

TEST_CASE("every continuous family passes a chi-square test against Boost quantiles", "[dist]") {
  // 20000 draws in 20 bins equiprobable under Boost's quantile; the critical value is the 0.999
  // quantile of chi-square(19), so a correct sampler fails with probability 1e-3 per family, and the
  // fixed seed makes the outcome reproducible.
  const int bins = 20;
  const double critical = quantile(complement(boost::math::chi_squared_distribution<>(bins - 1), 1e-3));
  for (const auto& ref : continuous_references()) {
    for (const bool fast : {false, true}) {
      const Distribution d = fast ? ref.d.with_fast_quantile() : ref.d;
      INFO(ref.name << (fast ? " with fast quantile" : ""));
      const auto x = draw(d, "chi-square " + ref.name, 20000);
      CHECK(chi_square(x, ref.quantile, bins) < critical);
    }
  }
}

TEST_CASE("sample mean and variance match the analytic moments", "[dist]") {
  // Tolerance: 5 standard errors. SE(mean) = sqrt(var / n) from the analytic variance;
  // SE(variance) = sqrt((m4 - s^4) / n) with the sample's fourth central moment m4.
  const std::size_t n = 200000;
  for (const auto& ref : continuous_references()) {
    INFO(ref.name);
    const auto x = draw(ref.d.with_fast_quantile(), "moments " + ref.name, n);
    const SampleMoments m = moments_of(x);
    const double n_d = static_cast<double>(n);
    CHECK(std::fabs(m.mean - ref.mean) <= 5 * std::sqrt(ref.variance / n_d));
    CHECK(std::fabs(m.variance - ref.variance) <= 5 * std::sqrt((m.fourth - m.variance * m.variance) / n_d));
    // The library's own moments against the same references (closed forms or Boost quadrature).
    CHECK(pdoom::mean(ref.d) == Approx(ref.mean).epsilon(1e-9).margin(1e-12));
    CHECK(pdoom::variance(ref.d) == Approx(ref.variance).epsilon(1e-8).margin(1e-12));
  }
}

TEST_CASE("spot quantiles and cdf values agree with Boost", "[dist]") {
  for (const auto& ref : continuous_references()) {
    INFO(ref.name);
    for (const double p : {1e-6, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1 - 1e-6}) {
      INFO("p = " << p);
      const double expected = ref.quantile(p);
      CHECK(pdoom::quantile(ref.d, p) == Approx(expected).epsilon(1e-10).margin(1e-14));
      CHECK(pdoom::cdf(ref.d, expected) == Approx(ref.cdf(expected)).epsilon(1e-10).margin(1e-15));
    }
  }
}

TEST_CASE("discrete families match their probabilities", "[dist]") {
  const double critical_1 = quantile(complement(boost::math::chi_squared_distribution<>(1), 1e-3));
  const std::size_t n = 20000;
  SECTION("bernoulli") {
    const boost::math::bernoulli_distribution<> r(0.3);
    const Distribution d = pdoom::bernoulli(0.3);
    const auto x = draw(d, "bernoulli", n);
    double ones = 0;
    for (const double v : x) {
      REQUIRE((v == 0 || v == 1));
      ones += v;
    }
    const double e1 = n * pdf(r, 1), e0 = n * pdf(r, 0);
    CHECK((ones - e1) * (ones - e1) / e1 + (ones - e1) * (ones - e1) / e0 < critical_1);
    CHECK(pdoom::mean(d) == Approx(mean(r)));
    CHECK(pdoom::variance(d) == Approx(variance(r)));
    CHECK(pdoom::quantile(d, 0.7) == quantile(r, 0.7));
    CHECK(pdoom::quantile(d, 0.7000001) == quantile(r, 0.7000001));
    CHECK(pdoom::cdf(d, 0.5) == Approx(cdf(r, 0)));
    CHECK(pdoom::cdf(d, -0.1) == 0);
    CHECK(pdoom::cdf(d, 1) == 1);
  }
  SECTION("point") {
    const Distribution d = pdoom::point(0.25);
    for (const double v : draw(d, "point", 100)) CHECK(v == 0.25);
    CHECK(pdoom::mean(d) == 0.25);
    CHECK(pdoom::variance(d) == 0);
    CHECK(pdoom::cdf(d, 0.25) == 1);
    CHECK(pdoom::cdf(d, 0.2499) == 0);
  }
  SECTION("empirical") {
    const std::vector<double> values{3, 1, 2, 2, 10};
    const Distribution d = pdoom::empirical(values);
    const auto x = draw(d, "empirical", n);
    // Categories 1, 2, 3, 10 with probabilities 0.2, 0.4, 0.2, 0.2: chi-square with 3 degrees of freedom.
    const std::vector<double> categories{1, 2, 3, 10}, probabilities{0.2, 0.4, 0.2, 0.2};
    double statistic = 0;
    for (std::size_t c = 0; c < categories.size(); ++c) {
      const double count = static_cast<double>(std::count(x.begin(), x.end(), categories[c]));
      const double expected = n * probabilities[c];
      statistic += (count - expected) * (count - expected) / expected;
    }
    CHECK(statistic < quantile(complement(boost::math::chi_squared_distribution<>(3), 1e-3)));
    CHECK(pdoom::mean(d) == Approx(3.6));
    CHECK(pdoom::variance(d) == Approx((2.6 * 2.6 + 1.6 * 1.6 * 2 + 0.6 * 0.6 + 6.4 * 6.4) / 5));
    CHECK(pdoom::quantile(d, 0.2) == 1);       // inf{x : F(x) >= 0.2}
    CHECK(pdoom::quantile(d, 0.2000001) == 2);
    CHECK(pdoom::quantile(d, 0.95) == 10);
    CHECK(pdoom::cdf(d, 2) == Approx(0.6));
    CHECK(pdoom::support(d) == std::pair<double, double>{1, 10});
  }
  SECTION("a mixture with an atom") {
    // 40% exactly zero, 60% beta(2, 2): the atom shows up as a flat quantile and a jump in the cdf.
    const Distribution d = pdoom::mixture({0.4, 0.6}, {pdoom::point(0), pdoom::beta(2, 2)});
    const auto x = draw(d.with_fast_quantile(), "mixture atom", n);
    const double zeros = static_cast<double>(std::count(x.begin(), x.end(), 0.0));
    const double e0 = 0.4 * n, e1 = 0.6 * n;
    CHECK((zeros - e0) * (zeros - e0) / e0 + (zeros - e0) * (zeros - e0) / e1 < critical_1);
    CHECK(pdoom::quantile(d, 0.39) == 0);
    // Above the atom: quantile of beta(2, 2) at (p - 0.4) / 0.6.
    const boost::math::beta_distribution<> b(2, 2);
    CHECK(pdoom::quantile(d, 0.7) == Approx(quantile(b, 0.5)).epsilon(1e-12));
    CHECK(pdoom::cdf(d, 0) == Approx(0.4));
    CHECK(pdoom::mean(d) == Approx(0.3));
    CHECK(pdoom::variance(d) == Approx(0.6 * (0.05 + 0.25) - 0.09));
  }
}

TEST_CASE("the same seed and key reproduce draws bit for bit and other keys differ", "[dist]") {
  std::vector<Distribution> all{pdoom::point(1), pdoom::uniform(0, 1), pdoom::loguniform(1, 100), pdoom::normal(0, 1),
                                pdoom::lognormal(0, 1), pdoom::beta(2, 3), pdoom::logitnormal(0, 1),
                                pdoom::triangular(0, 1, 3), pdoom::pert(0, 1, 3), pdoom::gamma(2, 1), pdoom::bernoulli(0.5),
                                pdoom::mixture({1, 1}, {pdoom::normal(0, 1), pdoom::normal(3, 1)}),
                                pdoom::truncated(pdoom::normal(0, 1), 0, 1), pdoom::empirical({1, 2, 3, 4})};
  for (const auto& base : all) {
    for (const Distribution& d : {base, base.with_fast_quantile()}) {
      INFO(d.written());
      const auto first = draw(d, "node_a", 1000);
      const auto again = draw(d, "node_a", 1000);
      const auto other = draw(d, "node_b", 1000);
      CHECK(std::memcmp(first.data(), again.data(), first.size() * sizeof(double)) == 0);
      if (d.family() != pdoom::Family::point) {
        std::size_t same = 0;
        for (std::size_t i = 0; i < first.size(); ++i) same += first[i] == other[i];
        // Continuous: no coincidences expected; discrete with 2-4 values: about half or fewer.
        CHECK(same < 700);
      }
    }
  }
}
