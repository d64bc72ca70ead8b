// Quantiles, cumulative probabilities, supports, and the fast quantile tables.
#include "state.hpp"

#include "pdoom/error.hpp"
#include "roots.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace pdoom {
namespace detail {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

double logistic(double x) { return 1 / (1 + std::exp(-x)); }

// ---- mixture: the quantile by root finding on the mixture's cdf ----

double mixture_quantile(const State& s, double p, double q) {
  // The components' quantiles bracket the mixture's: below the smallest of them every component has
  // F_k(x) < p, so F(x) < p; at the largest every F_k(x) >= p, so F(x) >= p.
  double low = infinity, high = -infinity;
  for (std::size_t k = 0; k < s.components.size(); ++k) {
    if (s.values[k] == 0) continue;
    const double x = exact_quantile(s.components[k].state(), p, q);
    low = std::min(low, x);
    high = std::max(high, x);
  }
  if (!(low < high)) return low;
  const bool from_lower = p <= q;
  // Tighter: a component of weight w alone gives F(x) >= w F_k(x), so its quantile at p / w bounds the
  // mixture's from above (and from the upper tail, its quantile at 1 - q / w bounds it from below).
  // Deep in a tail it is nearly the answer: for mixture(0.3, beta(0.1, 4), 0.7, point(1)) at p = 1e-12
  // the bracket becomes [Q_beta(p), Q_beta(p / 0.3)] = [1.7e-121, 2.9e-116] instead of [1.7e-121, 1]. The bound
  // is used only where g confirms it (p / w is rounded, and a quantile that underflows to 0 is no bound).
  double tight = from_lower ? high : low;
  for (std::size_t k = 0; k < s.components.size(); ++k) {
    const double w = s.values[k];
    const double share = (from_lower ? p : q) / w;
    if (!(w > 0 && share < 0.5)) continue;
    const double x = from_lower ? exact_quantile(s.components[k].state(), share, 1 - share)
                                : exact_quantile(s.components[k].state(), 1 - share, share);
    tight = from_lower ? std::min(tight, std::max(x, low)) : std::max(tight, std::min(x, high));
  }
  // g(x) = F(x) - p, or the same from the upper tail, q - P(X > x): non-decreasing in x either way.
  const auto g = [&](double x) {
    double lower = 0, upper = 0;
    for (std::size_t k = 0; k < s.components.size(); ++k) {
      if (s.values[k] == 0) continue;
      const Tails t = tails(s.components[k].state(), x, true);
      lower += s.values[k] * t.lower;
      upper += s.values[k] * t.upper;
    }
    return from_lower ? lower - p : q - upper;
  };
  if (from_lower && tight < high) {
    if (g(tight) >= 0) high = tight;
  } else if (!from_lower && tight > low) {
    if (g(tight) < 0) low = tight;
  }
  const double g_low = g(low);
  if (g_low >= 0 || !(low < high)) return low;
  // Where the bracket straddles zero, relative precision near the root means nothing: stop at an
  // absolute 1e-15 of the bracket's width there instead of bisecting towards 1e-308. Otherwise to the
  // last double, subnormals included: split() halves the binades, so that costs at most 64 steps.
  const double absolute = (low < 0 && high > 0) ? 1e-15 * (high - low) : 0.0;
  return first_nonnegative(g, low, g_low, high, g(high), 4 * std::numeric_limits<double>::epsilon(), absolute);
}

// ---- truncated ----

double truncated_quantile(const State& s, double p, double q) {
  // Map (p, q) into the base's probability scale as two convex combinations, neither computed as 1 - the other.
  const double base_p = s.below_low + p * s.mass;
  const double base_q = s.above_high + q * s.mass;
  const double x = exact_quantile(s.components[0].state(), base_p, base_q);
  return std::clamp(x, s.parameters[0], s.parameters[1]);
}

Tails truncated_tails(const State& s, double x, bool inclusive) {
  const double lo = s.parameters[0], hi = s.parameters[1];
  if (inclusive ? x < lo : x <= lo) return {0, 1};
  if (inclusive ? x >= hi : x > hi) return {1, 0};
  const Tails base = tails(s.components[0].state(), x, inclusive);
  // P(lo <= X <= x) and P(x < X <= hi), each as a difference of two numbers below 1/2 where possible.
  const double lower = base.lower <= 0.5 ? base.lower - s.below_low : s.at_or_above_low - base.upper;
  const double upper = base.upper <= 0.5 ? base.upper - s.above_high : s.at_or_below_high - base.lower;
  return {std::clamp(lower / s.mass, 0.0, 1.0), std::clamp(upper / s.mass, 0.0, 1.0)};
}

}  // namespace

// No data-dependent branches in the cheap families: with uniforms as input, "which half" is a coin
// flip, and a mispredicted branch costs more than their arithmetic (GCC turns a ternary on doubles
// into a branch). Uniform, loguniform and bernoulli use one formula in p for both halves: p is exact
// wherever it comes from a caller, and their relative error does not grow in the upper tail.
double simple_quantile(Family family, const double* parameters, const BetaShape& beta, double p, double q) {
  switch (family) {
    case Family::point: return parameters[0];
    // Bounded families are clamped to their support: rounding may overshoot an end by an ulp, and a
    // probability of 1.0000000000000002 is an error downstream.
    case Family::uniform: {
      const double a = parameters[0], b = parameters[1];
      return std::min(a + (b - a) * p, b);
    }
    case Family::loguniform: {
      // One formula for both halves: its relative error does not grow in either tail.
      return std::clamp(parameters[0] * std::exp(p * parameters[2]), parameters[0], parameters[1]);  // [2] = log(b / a)
    }
    case Family::normal: return parameters[0] + parameters[1] * normal_quantile(p, q);
    case Family::lognormal: return std::exp(parameters[0] + parameters[1] * normal_quantile(p, q));
    case Family::logitnormal: return logistic(parameters[0] + parameters[1] * normal_quantile(p, q));
    case Family::beta: return beta_quantile(beta, p, q);
    case Family::pert: {
      const double min = parameters[0], max = parameters[2];
      return std::min(min + (max - min) * beta_quantile(beta, p, q), max);
    }
    case Family::triangular: {
      const double min = parameters[0], mode = parameters[1], max = parameters[2];
      const double range = max - min;
      const double at_mode = (mode - min) / range;  // F(mode)
      const double rising = min + std::sqrt(p * range * (mode - min));
      const double falling = max - std::sqrt(q * range * (max - mode));
      const double on_rising = static_cast<double>(p <= at_mode);  // 0 or 1: a blend, not a branch
      return std::clamp(on_rising * rising + (1 - on_rising) * falling, min, max);
    }
    case Family::gamma: return parameters[1] * gamma_quantile(parameters[0], p, q);
    case Family::bernoulli: {
      // Q(p) = 0 for p <= 1 - pi, else 1 (Boost's convention).
      return static_cast<double>(p > 1 - parameters[0]);
    }
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

double exact_quantile(const State& s, double p, double q) {
  switch (s.family) {
    case Family::mixture: return mixture_quantile(s, p, q);
    case Family::truncated: return truncated_quantile(s, p, q);
    case Family::empirical: {
      // The left-continuous inverse of the empirical cdf: x_(ceil(n p)), 1-based.
      const auto n = static_cast<double>(s.values.size());
      const double index = std::clamp(std::ceil(n * p) - 1, 0.0, n - 1);
      return s.values[static_cast<std::size_t>(index)];
    }
    default: return simple_quantile(s.family, s.parameters.data(), s.beta, p, q);
  }
}

Tails tails(const State& s, double x, bool inclusive) {
  if (std::isnan(x)) return {x, x};
  const double* a = s.parameters.data();
  switch (s.family) {
    case Family::point: return (inclusive ? x >= a[0] : x > a[0]) ? Tails{1, 0} : Tails{0, 1};
    case Family::uniform: {
      if (x <= a[0]) return {0, 1};
      if (x >= a[1]) return {1, 0};
      return {(x - a[0]) / (a[1] - a[0]), (a[1] - x) / (a[1] - a[0])};
    }
    case Family::loguniform: {
      if (x <= a[0]) return {0, 1};
      if (x >= a[1]) return {1, 0};
      const double span = std::log(a[1] / a[0]);
      return {std::log(x / a[0]) / span, std::log(a[1] / x) / span};
    }
    case Family::normal: return normal_tails((x - a[0]) / a[1]);
    case Family::lognormal:
      if (x <= 0) return {0, 1};
      return normal_tails((std::log(x) - a[0]) / a[1]);
    case Family::logitnormal:
      if (x <= 0) return {0, 1};
      if (x >= 1) return {1, 0};
      return normal_tails((std::log(x) - std::log1p(-x) - a[0]) / a[1]);
    case Family::beta: return beta_tails(s.beta, x);
    case Family::pert: {
      const double min = a[0], max = a[2];
      if (x <= min) return {0, 1};
      if (x >= max) return {1, 0};
      return beta_tails(s.beta, (x - min) / (max - min));
    }
    case Family::triangular: {
      const double min = a[0], mode = a[1], max = a[2];
      if (x <= min) return {0, 1};
      if (x >= max) return {1, 0};
      const double range = max - min;
      if (x <= mode) {
        const double lower = (x - min) * (x - min) / (range * (mode - min));
        return {lower, 1 - lower};
      }
      const double upper = (max - x) * (max - x) / (range * (max - mode));
      return {1 - upper, upper};
    }
    case Family::gamma: return gamma_tails(a[0], x / a[1]);
    case Family::bernoulli: {
      if (inclusive ? x < 0 : x <= 0) return {0, 1};
      if (inclusive ? x >= 1 : x > 1) return {1, 0};
      return {1 - a[0], a[0]};
    }
    case Family::empirical: {
      const auto& v = s.values;
      const auto at = inclusive ? std::upper_bound(v.begin(), v.end(), x) : std::lower_bound(v.begin(), v.end(), x);
      const auto below = static_cast<double>(at - v.begin());
      const auto n = static_cast<double>(v.size());
      return {below / n, (n - below) / n};
    }
    case Family::mixture: {
      Tails sum{0, 0};
      for (std::size_t k = 0; k < s.components.size(); ++k) {
        if (s.values[k] == 0) continue;
        const Tails t = tails(s.components[k].state(), x, inclusive);
        sum.lower += s.values[k] * t.lower;
        sum.upper += s.values[k] * t.upper;
      }
      return {std::min(sum.lower, 1.0), std::min(sum.upper, 1.0)};
    }
    case Family::truncated: return truncated_tails(s, x, inclusive);
  }
  return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
}

bool wants_table(const State& s) noexcept {
  switch (s.family) {
    case Family::beta:
    case Family::pert:
    case Family::gamma:
    case Family::mixture: return true;  // inversions and root finding: 0.3 to 4 microseconds exact
    case Family::lognormal:
    case Family::logitnormal:
    case Family::loguniform: return true;  // exp and log on top of the normal quantile: 15-30 ns exact, 10 with a table
    case Family::truncated: return wants_table(s.components[0].state());
    // The normal stays exact: its quantile crosses zero, where a table's error is small only in
    // absolute terms, while AS 241 keeps full relative precision there (and is about as fast).
    default: return false;
  }
}

bool is_discrete_part(const State& s) noexcept {
  switch (s.family) {
    case Family::point:
    case Family::bernoulli:
    case Family::empirical: return true;
    case Family::mixture:
      for (std::size_t k = 0; k < s.components.size(); ++k) {
        if (s.values[k] > 0 && is_discrete_part(s.components[k].state())) return true;
      }
      return false;
    case Family::truncated: return is_discrete_part(s.components[0].state());
    default: return false;
  }
}

}  // namespace detail

// ---- public queries ----

namespace {

[[noreturn]] void bad_probability(double p) {
  throw ParameterError("quantile: p (" + detail::format_exact(p) + ") must lie in [0, 1]");
}

std::pair<double, double> support_of(const Distribution::State& s);

// The quantile at p through the table when there is one; p must be in [0, 1].
double checked_quantile(const Distribution::State& s, double p) {
  if (s.table) {
    const double x = s.table->lookup(p);
    if (!std::isnan(x)) [[likely]] return x;
  }
  if (!(p > 0 && p < 1)) {
    if (p == 0) return support_of(s).first;
    if (p == 1) return support_of(s).second;
    bad_probability(p);
  }
  // q = 1 - p is exact for p >= 1/2; below, the exact functions use p itself.
  return detail::exact_quantile(s, p, 1 - p);
}

std::pair<double, double> support_within(const Distribution::State& s, double lo, double hi);

std::pair<double, double> support_of(const Distribution::State& s) {
  return support_within(s, -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity());
}

// The smallest closed interval holding all of s's probability inside [lo, hi] (empty: lo > hi).
std::pair<double, double> support_within(const Distribution::State& s, double lo, double hi) {
  const double* a = s.parameters.data();
  std::pair<double, double> own{-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  switch (s.family) {
    case Family::point: own = {a[0], a[0]}; break;
    case Family::uniform:
    case Family::loguniform: own = {a[0], a[1]}; break;
    case Family::normal: break;
    case Family::lognormal:
    case Family::gamma: own = {0, std::numeric_limits<double>::infinity()}; break;
    case Family::beta:
    case Family::logitnormal: own = {0, 1}; break;
    case Family::triangular:
    case Family::pert: own = {a[0], a[2]}; break;
    case Family::bernoulli: own = {a[0] < 1 ? 0.0 : 1.0, a[0] > 0 ? 1.0 : 0.0}; break;
    case Family::empirical: {
      const auto& v = s.values;
      const auto first = std::lower_bound(v.begin(), v.end(), lo);
      const auto last = std::upper_bound(v.begin(), v.end(), hi);
      if (first >= last) return {1, 0};
      return {*first, *(last - 1)};
    }
    case Family::mixture: {
      std::pair<double, double> hull{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
      for (std::size_t k = 0; k < s.components.size(); ++k) {
        if (s.values[k] == 0) continue;
        const auto part = support_within(s.components[k].state(), lo, hi);
        if (part.first > part.second) continue;
        hull = {std::min(hull.first, part.first), std::max(hull.second, part.second)};
      }
      return hull;
    }
    case Family::truncated:
      return support_within(s.components[0].state(), std::max(lo, a[0]), std::min(hi, a[1]));
  }
  if (s.family == Family::bernoulli) {
    // Atoms at 0 and 1 only: keep those inside [lo, hi].
    const bool zero = a[0] < 1 && lo <= 0 && 0 <= hi;
    const bool one = a[0] > 0 && lo <= 1 && 1 <= hi;
    if (!zero && !one) return {1, 0};
    return {zero ? 0.0 : 1.0, one ? 1.0 : 0.0};
  }
  return {std::max(own.first, lo), std::min(own.second, hi)};
}

}  // namespace

double quantile(const Distribution& d, double p) { return checked_quantile(d.state(), p); }

void quantile(const Distribution& d, std::span<const double> p, std::span<double> out) {
  if (out.size() != p.size()) {
    throw ParameterError("quantile: " + std::to_string(p.size()) + " probabilities but " + std::to_string(out.size()) + " outputs");
  }
  const Distribution::State& s = d.state();
  if (s.table) {
    const detail::QuantileTable& table = *s.table;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double x = table.lookup(p[i]);
      out[i] = std::isnan(x) ? checked_quantile(s, p[i]) : x;
    }
    return;
  }
  // The sampler's uniforms all lie strictly inside (0, 1): one branch-free pass establishes that, and the
  // families with a closed form then run as plain loops the compiler vectorises (the per-value dispatch
  // through checked_quantile cost about 80 instructions per uniform draw). Results are bit-identical
  // to the per-value path.
  const std::size_t n = p.size();
  const double* __restrict probabilities = p.data();
  double* __restrict values = out.data();
  // p lies in (0, 1) exactly when its bit pattern minus one is below that of 1.0 minus one (0, negative
  // numbers, NaN and everything from 1 up fail); integer arithmetic, because GCC vectorises it and not a
  // reduction over bools.
  constexpr std::uint64_t one_bits = std::bit_cast<std::uint64_t>(1.0);
  std::uint64_t outside = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t below = std::bit_cast<std::uint64_t>(probabilities[i]) - 1;
    outside |= (below >> 63) | (((one_bits - 2) - below) >> 63);
  }
  if (outside != 0 || probabilities == values) {
    for (std::size_t i = 0; i < n; ++i) out[i] = checked_quantile(s, p[i]);
    return;
  }
  const double* a = s.parameters.data();
  switch (s.family) {
    case Family::point: std::fill(out.begin(), out.end(), a[0]); return;
    case Family::uniform: {
      const double low = a[0], high = a[1], width = high - low;
      for (std::size_t i = 0; i < n; ++i) {
        const double x = low + width * probabilities[i];
        values[i] = x < high ? x : high;
      }
      return;
    }
    case Family::normal: {
      for (std::size_t i = 0; i < p.size(); ++i) out[i] = a[0] + a[1] * detail::normal_quantile(p[i], 1 - p[i]);
      return;
    }
    case Family::bernoulli: {
      const double threshold = 1 - a[0];
      for (std::size_t i = 0; i < p.size(); ++i) out[i] = static_cast<double>(p[i] > threshold);
      return;
    }
    default:
      for (std::size_t i = 0; i < p.size(); ++i) out[i] = detail::exact_quantile(s, p[i], 1 - p[i]);
      return;
  }
}

double cdf(const Distribution& d, double x) { return detail::tails(d.state(), x, true).lower; }

double sample(const Distribution& d, Engine& engine) { return checked_quantile(d.state(), uniform_open(engine)); }

double median(const Distribution& d) { return quantile(d, 0.5); }

std::pair<double, double> support(const Distribution& d) { return support_of(d.state()); }

bool is_probability(const Distribution& d) {
  const auto [lo, hi] = support(d);
  return lo >= 0 && hi <= 1;
}

bool Distribution::has_fast_quantile() const noexcept { return state_->table != nullptr || !detail::wants_table(*state_); }

Distribution Distribution::with_fast_quantile() const {
  if (has_fast_quantile()) return *this;
  const State& s = *state_;
  const auto [lo, hi] = support_of(s);
  // Relative error is meaningless where the quantile crosses zero: there, errors are measured against
  // a thousandth of the interquartile range instead.
  double zero_scale = 0;
  if (lo < 0 && hi > 0) {
    zero_scale = 1e-3 * (detail::exact_quantile(s, 0.75, 0.25) - detail::exact_quantile(s, 0.25, 0.75));
  }
  const auto exact = [&s](double v, bool upper) {
    return upper ? detail::exact_quantile(s, 1 - v, v) : detail::exact_quantile(s, v, 1 - v);
  };
  auto copy = std::make_shared<State>(s);
  copy->table = std::make_shared<const detail::QuantileTable>(detail::QuantileTable::build(exact, zero_scale, lo, hi));
  return Distribution(std::move(copy));
}

}  // namespace pdoom
