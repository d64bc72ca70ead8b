#pragma once
// Private to the library: which exponents x^y the expression engine computes by repeated squaring.

#include <cmath>

namespace pdoom::detail {

/// Whether x^y is computed by squaring: y a constant integer in 2..8. Small constant integer exponents
/// avoid glibc's pow (about 170 instructions a call; the Ishigami benchmark spent a fifth of its time in
/// pow(x, 4)). x^k by squaring carries at most k - 1 roundings of relative size 2^-53, i.e. at most k - 1
/// ulp (measured: 5 at k = 8; pow is within 1); inf and NaN propagate alike. Larger exponents keep pow's
/// accuracy. (The formula splitter also uses it: such a power is cheap, not worth a column of its own.)
inline bool is_small_integer_exponent(double y) noexcept { return y >= 2 && y <= 8 && y == std::floor(y); }

}  // namespace pdoom::detail
