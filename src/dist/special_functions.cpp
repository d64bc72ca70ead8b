// Special functions for the distribution families. This is one of the two translation units of the
// dist layer that include Boost.Math (compiled once here, never in public headers).
#include "special_functions.hpp"

#include "roots.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pdoom::detail {
namespace {

// Boost computes double functions in long double by default; in double they are about 7x faster here
// and still accurate to a few ulp, which is all the callers need.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
// The forward functions are only called with valid arguments; a density that overflows is +inf, not an
// exception (the solvers treat it as a zero step).
using ForwardPolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>,
                                                    boost::math::policies::overflow_error<boost::math::policies::ignore_error>>;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

// Rational function of degree 7 over degree 7 with the denominator's constant term 1 (AS 241's form).
double rational7(const double (&numerator)[8], const double (&denominator)[7], double r) noexcept {
  double top = numerator[7];
  for (int i = 6; i >= 0; --i) top = top * r + numerator[i];
  double bottom = denominator[6];
  for (int i = 5; i >= 0; --i) bottom = bottom * r + denominator[i];
  return top / (bottom * r + 1.0);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Normal

double normal_quantile(double p, double q) noexcept {
  // Coefficients of M. J. Wichura, "Algorithm AS 241: The percentage points of the normal
  // distribution", Applied Statistics 37 (1988) 477-484.
  static constexpr double a[8] = {3.3871328727963666080e+00, 1.3314166789178437745e+02, 1.9715909503065514427e+03,
                                  1.3731693765509461125e+04, 4.5921953931549871457e+04, 6.7265770927008700853e+04,
                                  3.3430575583588128105e+04, 2.5090809287301226727e+03};
  static constexpr double b[7] = {4.2313330701600911252e+01, 6.8718700749205790830e+02, 5.3941960214247511077e+03,
                                  2.1213794301586595867e+04, 3.9307895800092710610e+04, 2.8729085735721942674e+04,
                                  5.2264952788528545610e+03};
  static constexpr double c[8] = {1.42343711074968357734e+00, 4.63033784615654529590e+00, 5.76949722146069140550e+00,
                                  3.64784832476320460504e+00, 1.27045825245236838258e+00, 2.41780725177450611770e-01,
                                  2.27238449892691845833e-02, 7.74545014278341407640e-04};
  static constexpr double d[7] = {2.05319162663775882187e+00, 1.67638483018380384940e+00, 6.89767334985100004550e-01,
                                  1.48103976427480074590e-01, 1.51986665636164571966e-02, 5.47593808499534494600e-04,
                                  1.05075007164441684324e-09};
  static constexpr double e[8] = {6.65790464350110377720e+00, 5.46378491116411436990e+00, 1.78482653991729133580e+00,
                                  2.96560571828504891230e-01, 2.65321895265761230930e-02, 1.24266094738807843860e-03,
                                  2.71155556874348757815e-05, 2.01033439929228813265e-07};
  static constexpr double f[7] = {5.99832206555887937690e-01, 1.36929880922735805310e-01, 1.48753612908506148525e-02,
                                  7.86869131145613259100e-04, 1.84631831751005468180e-05, 1.42151175831644588870e-07,
                                  2.04426310338993978564e-15};
  // p - 0.5 is exact for p in [0.25, 1]; from q when p is the larger, so both halves are exact.
  const double centred = p <= q ? p - 0.5 : 0.5 - q;
  if (std::fabs(centred) <= 0.425) {
    const double r = 0.180625 - centred * centred;
    return centred * rational7(a, b, r);
  }
  const double tail = std::min(p, q);
  if (tail <= 0) return p <= q ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  double r = std::sqrt(-std::log(tail));
  const double magnitude = r <= 5.0 ? rational7(c, d, r - 1.6) : rational7(e, f, r - 5.0);
  return p <= q ? -magnitude : magnitude;
}

Tails normal_tails(double z) noexcept {
  // erfc keeps full relative precision in both tails.
  const double scaled = z * 0.70710678118654752440;
  return {0.5 * std::erfc(-scaled), 0.5 * std::erfc(scaled)};
}

// ---------------------------------------------------------------------------------------------
// Beta

namespace {

// Above this a + b the continued fraction needs hundreds of terms and log B(a, b) from lgamma loses
// digits to cancellation; Boost's ibeta (Temme's asymptotics) takes over.
constexpr double series_limit = 5000;

// The continued fraction of I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * K, K = 1 / (1 + d1 / (1 + d2 / ...))
// (DLMF 8.17.22), with d_n = alpha_n / ((a + n - 1)(a + n)), alpha_{2m} = m (b - m) x and
// alpha_{2m+1} = -(a + m)(a + b + m) x. Scaling level n by a + n (an equivalence transformation) clears
// every denominator: K = a / (a + alpha_1 / ((a + 1) + alpha_2 / ((a + 2) + ...))). Its convergents
// A_n / B_n follow the forward recurrence X_n = (a + n - 1) X_{n-1} + alpha_{n-1} X_{n-2}: multiplies and
// adds only, so the dependency chain has no division. Converges quickly for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x, double tolerance) noexcept {
  double previous_numerator = 0, previous_denominator = 1;  // (A_0, B_0)
  double numerator = a, denominator = a;                     // (A_1, B_1)
  double n = 1;  // index of the convergent held in (numerator, denominator)
  const auto push = [&](double alpha) {
    const double gamma = a + n;
    const double next_numerator = gamma * numerator + alpha * previous_numerator;
    const double next_denominator = gamma * denominator + alpha * previous_denominator;
    previous_numerator = numerator;
    previous_denominator = denominator;
    numerator = next_numerator;
    denominator = next_denominator;
    n += 1;
  };
  push(-a * (a + b) * x);  // alpha_1
  double value = numerator / denominator;
  for (int m = 1; m <= 20000; ++m) {
    push(m * (b - m) * x);              // alpha_{2m}
    push(-(a + m) * (a + b + m) * x);   // alpha_{2m+1}
    // Convergents grow like (a + n)^n; rescale by a power of two (exact) to stay in range.
    const double size = std::fabs(denominator);
    if (size > 0x1.0p+300 || size < 0x1.0p-300) {
      const double scale = size > 1 ? 0x1.0p-300 : 0x1.0p+300;
      numerator *= scale;
      denominator *= scale;
      previous_numerator *= scale;
      previous_denominator *= scale;
    }
    const double next = numerator / denominator;
    if (std::fabs(next - value) <= tolerance * std::fabs(next)) return next;
    value = next;
  }
  return value;
}

// Where 1 - I_x(a, b) is too small to be taken as a difference (see beta_point).
constexpr double far_tail_from = 1 - 0x1p-6;

struct BetaPoint {
  Tails tails;
  double density;
};

// P(X > x) for X ~ beta(a, b) and x below x0 = (a + 1) / (a + b + 2), where the continued fraction
// gives I_x(a, b) and 1 - I_x(a, b) would cancel: for a small shape a (beta(1e-10, 4)) almost all mass
// sits near 0 and P(X > x) is of order a for every x that a double can hold. (The mirror image, P(X <= x)
// for a small b, is this with the shapes swapped and 1 - x.) Instead: P(X > x0) from the continued
// fraction of the upper tail, plus the mass between x and x0, the integral of t^(a-1) (1 - t)^(b-1) / B(a, b),
// from the binomial series of (1 - t)^(b-1) integrated term by term. Each term is a difference of two
// powers, x0^(a+n) (1 - r^(a+n)) / (a + n) with r = x / x0, taken through expm1 so that it keeps full
// precision for a down to the smallest double. With x0 b below about 1 the series' absolute terms sum to
// at most e^2 times its value, so little is lost to cancellation.
double beta_tail_above(double a, double b, double log_beta, double x, double tolerance) {
  const double x0 = (a + 1) / (a + b + 2);
  // Divided by b inside the exponential: for a subnormal b the front alone would be a subnormal.
  const double upper0 = std::exp(a * std::log(x0) + b * std::log1p(-x0) - log_beta - std::log(b)) * beta_fraction(b, a, 1 - x0, tolerance);
  const double log_r = std::log(x / x0);
  // n = 0: (1 - r^a) / a; once a log(r) is below the rounding of 1 it is -log(r) exactly, and expm1
  // would lose precision to a subnormal a log(r).
  const double y = a * log_r;
  double sum = std::fabs(y) < 1e-20 ? -log_r : -std::expm1(y) / a;
  double coefficient = 1;  // (1 - b)_n / n! * x0^n
  for (int n = 1; n <= 2000; ++n) {
    coefficient *= (n - b) / n * x0;
    const double exponent = a + n;
    const double term = coefficient * -std::expm1(exponent * log_r) / exponent;
    sum += term;
    if (std::fabs(coefficient) / exponent <= 1e-17 * std::fabs(sum) || coefficient == 0) break;
  }
  return upper0 + std::exp(a * std::log(x0) - log_beta) * sum;
}

// tolerance: relative accuracy of the continued fraction (1e-16 for full precision).
BetaPoint beta_point(const BetaShape& s, double x, double tolerance = 1e-16) {
  if (!s.use_series) {
    const Tails tails{boost::math::ibeta(s.a, s.b, x, ForwardPolicy()), boost::math::ibetac(s.a, s.b, x, ForwardPolicy())};
    // Boost's ibeta underflows to 0 for tails below about 1e-270 (beta(65536, 19)), while the density is
    // still far above the smallest double: there, deep in a tail, the continued fraction below
    // converges in a few terms, and a solver led by 0 would stop 1e-15 short of the quantile.
    if (tails.lower > 0 && tails.upper > 0) return {tails, boost::math::ibeta_derivative(s.a, s.b, x, ForwardPolicy())};
  }
  // front = x^a (1 - x)^b / B(a, b); the density is front / (x (1 - x)).
  const double log_front = s.a * std::log(x) + s.b * std::log1p(-x) - s.log_beta;
  const double front = std::exp(log_front);
  const double density = front / (x * (1 - x));
  // For a shape below about 1e-300, B(a, b) is about its inverse and front underflows to a subnormal
  // with few significant bits: divide by the shape inside the exponential instead.
  const auto front_over = [&](double shape) { return shape < 1e-250 ? std::exp(log_front - std::log(shape)) : front / shape; };
  // 1 - tail is good to 64 ulp (1.4e-14) of itself when it is at least 1/64: beyond, the far tail is
  // summed directly, which costs a second continued fraction.
  if (x * (s.a + s.b + 2) < s.a + 1) {
    const double lower = front_over(s.a) * beta_fraction(s.a, s.b, x, tolerance);
    const double upper = lower <= far_tail_from ? 1 - lower : beta_tail_above(s.a, s.b, s.log_beta, x, tolerance);
    return {{lower, upper}, density};
  }
  const double upper = front_over(s.b) * beta_fraction(s.b, s.a, 1 - x, tolerance);
  const double lower = upper <= far_tail_from ? 1 - upper : beta_tail_above(s.b, s.a, s.log_beta, 1 - x, tolerance);
  return {{lower, upper}, density};
}

// Starting point: the approximations of Cran, Martin & Thomas (AS 109, 1977), typically within a few
// per cent, and asymptotically exact in the lower tail.
double beta_initial_guess(const BetaShape& s, double p, double q) {
  const double a = s.a, b = s.b;
  const double tail = std::min(p, q);
  const double r0 = std::sqrt(-2 * std::log(tail));
  double deviate = r0 - (2.30753 + 0.27061 * r0) / (1 + (0.99229 + 0.04481 * r0) * r0);
  if (q < p) deviate = -deviate;  // now the upper-tail normal deviate of p: -Phi^-1(p)
  double x;
  if (a > 1 && b > 1) {
    const double r = (deviate * deviate - 3) / 6;
    const double s1 = 1 / (a + a - 1), t1 = 1 / (b + b - 1);
    const double h = 2 / (s1 + t1);
    const double w = deviate * std::sqrt(h + r) / h - (t1 - s1) * (r + 5.0 / 6 - 2 / (3 * h));
    x = a / (a + b * std::exp(w + w));
  } else {
    const double r = b + b;
    double t = 1 / (9 * b);
    t = r * std::pow(1 - t + deviate * std::sqrt(t), 3);
    if (t <= 0) {
      x = -std::expm1((std::log(q) + std::log(b) + s.log_beta) / b);
    } else {
      t = (4 * a + r - 2) / t;
      x = t <= 1 ? std::exp((std::log(p * a) + s.log_beta) / a) : 1 - 2 / (t + 1);
    }
  }
  if (!(x > 0 && x < 1)) x = a / (a + b);
  return x;
}

}  // namespace

BetaShape beta_shape(double a, double b) noexcept {
  BetaShape shape;
  shape.a = a;
  shape.b = b;
  shape.use_series = a + b <= series_limit;
  // lgamma(a) + lgamma(b) - lgamma(a + b) has an absolute error of a few ulp of the largest term; the
  // quantile's relative error is that divided by min(a, b). Below a + b = 64 that stays under 1e-11 for
  // shapes down to 0.01. Above, Boost's beta() (twice the cost) avoids the cancellation, and where it
  // underflows both shapes are large and the lgamma form is accurate again.
  const double lgamma_form = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  if (a + b <= 64 && std::min(a, b) >= 0.01) {
    shape.log_beta = lgamma_form;
  } else {
    const double value = boost::math::beta(a, b, ForwardPolicy());
    shape.log_beta = value > 1e-280 && std::isfinite(value) ? std::log(value) : lgamma_form;
  }
  return shape;
}

Tails beta_tails(const BetaShape& shape, double x) {
  if (!(x > 0)) return {0, 1};
  if (!(x < 1)) return {1, 0};
  return beta_point(shape, x).tails;
}


namespace {
// A point inside (low, high); towards an open end (0 or 1) it moves geometrically, so that quantiles
// like 1e-200 are reached in a few dozen steps. Below 2^-900, or between two positive ends more than 16
// times apart, it is the midpoint of the bit patterns, which closes even [2^-1074, 0.5] in 62 steps. (From
// 0 itself that would jump to 1e-154 at once, where most quantiles are not: it doubled the cost of
// beta(0.1, 3)'s.)
double bisect(double low, double high) noexcept {
  if (low == 0 && high > 0x1p-900) return high * 0.125;
  if (high <= 0.5 && high > 16 * low) return bit_pattern_midpoint(low, high);
  if (high == 1) return 1 - (1 - low) * 0.125;
  return 0.5 * (low + high);
}
}  // namespace

double beta_quantile(const BetaShape& s, double p, double q) {
  if (!(p > 0)) return 0;
  if (!(q > 0)) return 1;
  const bool from_lower = p <= q;
  const double target = from_lower ? p : q;
  constexpr double smallest = std::numeric_limits<double>::denorm_min();
  constexpr double largest_below_one = 1 - 0x1p-53;
  double x = beta_initial_guess(s, p, q);
  // The root stays bracketed in [low, high]; each step is the inverse function's Taylor series to
  // third order (a fourth-order method), checked against the bracket.
  double low = 0, high = 1;
  // The first evaluation, at the rough initial guess, needs only 1e-10: the step it feeds leaves an
  // error near 1e-8 anyway. That saves about a third of its continued-fraction terms.
  double tolerance = 1e-10;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const BetaPoint point = beta_point(s, x, tolerance);
    const bool precise = tolerance < 1e-12;
    tolerance = 1e-16;
    const double missing = from_lower ? p - point.tails.lower : point.tails.upper - q;  // target minus F(x)
    if (missing == 0 && precise) return x;
    if (missing > 0) low = x; else high = x;
    // Reached only by steps that went past the last double: the quantile rounds to 0 or to 1.
    if (high <= smallest) return 0;
    if (low >= largest_below_one) return 1;
    const double current = from_lower ? point.tails.lower : point.tails.upper;
    // The tail that cancelled in 1 - the other (beta_tail_above) with the quantile near the far end: a
    // small shape a, where P(X > x) is close to a log(1 / x) + constant near 0 (and the mirror image for
    // a small b), so Newton's method on it against log x (log(1 - x)) is nearly exact. The general rule
    // below would model it as a power of 1 - x (of x), and crawl.
    const bool in_lower_region = x * (s.a + s.b + 2) < s.a + 1;
    const bool logarithmic = current < 1 - far_tail_from && (from_lower ? !in_lower_region : in_lower_region);
    // A step in log x or in log(1 - x), whichever end the quantile is near; one past the last double on
    // that side goes to that double, so that a quantile which rounds to 0 or 1 is found in one step.
    const auto log_step = [&]() {
      const bool near_zero = from_lower != logarithmic;
      const double distance = near_zero ? x : 1 - x;  // from the end the quantile is near
      const double slope = distance * point.density;  // |dF / d log(distance)|
      // Newton on log F against log(distance) (F a power of it far out in a tail), or on F itself.
      const double step = logarithmic ? (current - target) / slope : std::log(target / current) / (slope / current);
      if (near_zero) {
        if (std::log(x) + step < std::log(smallest) && low < smallest) return smallest;
        return x * std::exp(std::clamp(step, -30.0, 30.0));
      }
      if (std::log(distance) + step < std::log(1 - largest_below_one) && high > largest_below_one) return largest_below_one;
      return 1 - distance * std::exp(std::clamp(step, -30.0, 30.0));
    };
    if (current > 0 && (logarithmic || !(current < 4 * target && current > 0.25 * target))) {
      // Far out in a tail F behaves like a power of x (or of 1 - x), and Newton in x crawls there;
      // Newton on log F against log x (or log(1 - x)) is then nearly exact.
      double next = log_step();
      if (!(next > low && next < high)) next = bisect(low, high);
      x = next;
      continue;
    }
    const double newton = missing / point.density;
    const double g1 = (s.a - 1) / x - (s.b - 1) / (1 - x);  // (log density)'
    const double g2 = -(s.a - 1) / (x * x) - (s.b - 1) / ((1 - x) * (1 - x));
    const double second = -0.5 * g1 * newton;
    const double third = (2 * g1 * g1 - g2) * newton * newton / 6;
    double step = newton;
    double omitted = std::fabs(newton);  // size of the first term left out of the step
    if (std::fabs(second) < 0.25 && std::fabs(third) < 0.25) {
      step = newton * (1 + second + third);
      const double spread = std::fabs(second) + std::sqrt(std::fabs(third));
      omitted = std::fabs(newton) * spread * spread * spread;
    } else {
      omitted = std::fabs(newton * second);
    }
    double next = x + step;
    if (!(next > low && next < high)) {
      // Newton left the bracket (a density far from linear, as near 0 for a small shape a): the
      // tail model's step, and failing that a bisection.
      next = current > 0 ? log_step() : next;
      if (!(next > low && next < high)) next = bisect(low, high);
      omitted = std::numeric_limits<double>::infinity();
    }
    if (precise && omitted <= 1e-17 * next) return next;
    if (high - low <= 4 * std::numeric_limits<double>::epsilon() * high) return next;
    x = next;
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// Gamma

Tails gamma_tails(double shape, double x) {
  if (!(x > 0)) return {0, 1};
  if (std::isinf(x)) return {1, 0};
  return {boost::math::gamma_p(shape, x, ForwardPolicy()), boost::math::gamma_q(shape, x, ForwardPolicy())};
}

double gamma_quantile(double shape, double p, double q) {
  if (!(p > 0)) return 0;
  if (!(q > 0)) return std::numeric_limits<double>::infinity();
  try {
    return p <= q ? boost::math::gamma_p_inv(shape, p, DoublePolicy()) : boost::math::gamma_q_inv(shape, q, DoublePolicy());
  } catch (...) {
    // Boost's default policy (long double) as a second try before giving up.
    try {
      return p <= q ? boost::math::gamma_p_inv(shape, p) : boost::math::gamma_q_inv(shape, q);
    } catch (...) {
      return nan_value;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Quadrature

double integrate(FunctionRef f, double a, double b, double relative_tolerance) {
  double error = 0;
  return boost::math::quadrature::gauss_kronrod<double, 21>::integrate(
      [&](double x) { return f(x); }, a, b, 15, relative_tolerance, &error);
}

}  // namespace pdoom::detail
