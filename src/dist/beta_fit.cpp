// beta_ci: the beta distribution whose central interval is given.
#include "state.hpp"

#include "pdoom/error.hpp"
#include "roots.hpp"

#include <algorithm>
#include <cmath>

namespace pdoom::detail {
namespace {

double logistic(double x) { return 1 / (1 + std::exp(-x)); }

// A bracket [low, high] around `start` with f(low) < 0 <= f(high) for f non-decreasing, found by
// doubling steps outwards; false when none exists within [floor, ceiling].
template <class F>
bool bracket(const F& f, double start, double step, double floor, double ceiling, double& low, double& f_low,
             double& high, double& f_high) {
  low = high = std::clamp(start, floor, ceiling);
  f_low = f_high = f(low);
  if (f_low < 0) {
    while (f_high < 0) {
      if (high >= ceiling) return false;
      low = high;
      f_low = f_high;
      high = std::min(high + step, ceiling);
      f_high = f(high);
      step *= 2;
    }
  } else {
    while (f_low >= 0) {
      if (low <= floor) return false;
      high = low;
      f_high = f_low;
      low = std::max(low - step, floor);
      f_low = f(low);
      step *= 2;
    }
  }
  return true;
}

struct Fitted {
  bool found = false;
  double a = 0;
  double b = 0;
};

// Parametrise by the mean m = a / (a + b) and the concentration k = a + b. For fixed k, the lower tail
// below lo falls and the upper tail above hi rises as m grows, so one m balances them; as k grows at
// that balance the distribution narrows and both tails shrink. Two nested monotone root-finds, in
// logit(m) and log(k).
Fitted solve(double lo, double hi, double tail) {
  const auto shape_at = [](double logit_mean, double log_concentration) {
    const double k = std::exp(log_concentration), m = logistic(logit_mean);
    return beta_shape(m * k, (1 - m) * k);
  };
  double balanced_logit = 0;  // the balance found by the last inner solve
  const auto balance = [&](double log_concentration) -> bool {
    // f(logit m) = P(X > hi) - P(X < lo): non-decreasing in m.
    const auto f = [&](double logit_mean) {
      const BetaShape s = shape_at(logit_mean, log_concentration);
      return beta_tails(s, hi).upper - beta_tails(s, lo).lower;
    };
    double low, f_low, high, f_high;
    if (!bracket(f, balanced_logit, 0.5, -30.0, 30.0, low, f_low, high, f_high)) return false;
    balanced_logit = first_nonnegative(f, low, f_low, high, f_high, 1e-15, 1e-15);
    return true;
  };
  // g(log k) = tail - P(X < lo) at the balance: non-decreasing in k.
  bool failed = false;
  const auto g = [&](double log_concentration) {
    if (!balance(log_concentration)) {
      failed = true;
      return 0.0;
    }
    return tail - beta_tails(shape_at(balanced_logit, log_concentration), lo).lower;
  };
  // Start from the normal approximation: mean (lo + hi) / 2, sd from the interval's width.
  const double m0 = 0.5 * (lo + hi);
  const double sd0 = (hi - lo) / (2 * normal_quantile(1 - tail, tail));
  const double k0 = std::max(m0 * (1 - m0) / (sd0 * sd0) - 1, 0.5);
  balanced_logit = std::log(m0 / (1 - m0));
  double low, g_low, high, g_high;
  // a + b between 1e-3 and 1e12: outside, Beta(a, b) is numerically a two-point or a one-point distribution.
  if (!bracket(g, std::log(k0), 1.0, std::log(1e-3), std::log(1e12), low, g_low, high, g_high) || failed) return {};
  const double log_k = first_nonnegative(g, low, g_low, high, g_high, 1e-15, 1e-15);
  if (failed || !balance(log_k)) return {};
  const double k = std::exp(log_k), m = logistic(balanced_logit);
  return {true, m * k, (1 - m) * k};
}

}  // namespace

void fit_beta_interval(double lo, double hi, double level, double& a, double& b) {
  const double tail = 0.5 * (1 - level);
  const Fitted fit = solve(lo, hi, tail);
  // Built with append: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + std::string.
  std::string interval("[");
  interval.append(format_exact(lo)).append(", ").append(format_exact(hi)).append("]");
  const std::string percent = format_exact(100 * level) + "%";
  if (!fit.found || !(fit.a > 0) || !(fit.b > 0)) {
    throw ParameterError("beta_ci: no beta distribution has " + interval + " as its central " + percent +
                         " interval (it would need a + b outside [1e-3, 1e12])");
  }
  // The contract: the fitted interval matches to 1e-8, checked with the quantile function itself.
  const BetaShape s = beta_shape(fit.a, fit.b);
  const double got_lo = beta_quantile(s, tail, 1 - tail);
  const double got_hi = beta_quantile(s, 1 - tail, tail);
  if (!(std::fabs(got_lo - lo) <= 1e-8 * lo && std::fabs(got_hi - hi) <= 1e-8 * hi)) {
    throw ParameterError("beta_ci: no beta distribution has " + interval + " as its central " + percent +
                         " interval to 1e-8 (the closest found, beta(" + format_short(fit.a) + ", " + format_short(fit.b) +
                         "), has [" + format_exact(got_lo) + ", " + format_exact(got_hi) + "])");
  }
  a = fit.a;
  b = fit.b;
}

}  // namespace pdoom::detail
