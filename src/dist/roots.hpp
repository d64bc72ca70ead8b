#pragma once
// A bracketing root finder for monotone functions (private to src/dist).

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace pdoom::detail {

/// The midpoint of the bit patterns of two non-negative doubles (+0.0, not -0.0): about their geometric
/// mean, so that halving a bracket this way closes even [2^-1074, 1] in 64 steps.
inline double bit_pattern_midpoint(double small, double large) noexcept {
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  return std::bit_cast<double>(bits(small) / 2 + bits(large) / 2 + (bits(small) & bits(large) & 1));
}

/// A point inside [low, high] that splits it in half: by value, or by bit pattern (a geometric mean) when
/// both ends have one sign and one is more than 16 times the other, so that a bracket spanning hundreds
/// of orders of magnitude (a quantile of 1e-3000 that underflows, bracketed by [0, 1]) closes in at
/// most 64 halvings instead of 1100.
inline double split(double low, double high) noexcept {
  if (low >= 0 && high > 16 * low) return bit_pattern_midpoint(low + 0.0, high);  // + 0.0: -0.0 becomes +0.0
  if (high <= 0 && low < 16 * high) return -bit_pattern_midpoint(-high + 0.0, -low);
  return low + 0.5 * (high - low);
}

/// For f non-decreasing with f(low) < 0 <= f(high): the smallest x in (low, high] with f(x) >= 0, to
/// within `relative_tolerance` of |x| or `absolute_tolerance`, whichever is larger. Illinois-modified
/// regula falsi, with a bisection (see split) whenever an interpolated point lands outside the bracket or the
/// bracket stops shrinking, so steps in f (atoms) are found as reliably as smooth roots.
template <class F>
double first_nonnegative(const F& f, double low, double f_low, double high, double f_high,
                         double relative_tolerance = 4 * std::numeric_limits<double>::epsilon(),
                         double absolute_tolerance = std::numeric_limits<double>::min(), int max_iterations = 300) {
  int same_side = 0;  // +1 when the last two updates moved `high`, -1 when they moved `low`
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    const double width = high - low;
    if (!(width > relative_tolerance * std::fmax(std::fabs(low), std::fabs(high)) &&
          width > absolute_tolerance)) {
      break;
    }
    double x = high - f_high * width / (f_high - f_low);
    // Every fourth step bisects unconditionally: regula falsi can crawl when f is strongly curved.
    if (!(x > low && x < high) || iteration % 4 == 3) x = split(low, high);
    if (!(x > low && x < high)) break;  // no double strictly inside: the bracket is as small as it gets
    const double fx = f(x);
    if (fx >= 0) {
      high = x;
      f_high = fx;
      if (same_side > 0) f_low *= 0.5;  // Illinois: halve the stale end's value
      same_side = 1;
    } else {
      low = x;
      f_low = fx;
      if (same_side < 0) f_high *= 0.5;
      same_side = -1;
    }
  }
  return high;
}

}  // namespace pdoom::detail
