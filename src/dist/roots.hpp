#pragma once
// A bracketing root finder for monotone functions (private to src/dist).

#include <cmath>
#include <limits>

namespace pdoom::detail {

/// For f non-decreasing with f(low) < 0 <= f(high): the smallest x in (low, high] with f(x) >= 0, to
/// within `relative_tolerance` of |x| or `absolute_tolerance`, whichever is larger. Illinois-modified
/// regula falsi, with a bisection whenever an interpolated point lands outside the bracket or the
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
    if (!(x > low && x < high) || iteration % 4 == 3) x = low + 0.5 * width;
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
